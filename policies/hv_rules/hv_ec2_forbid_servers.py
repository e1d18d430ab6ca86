"""Contract: no servers to SSH into — no instances, key pairs, launch templates, ASGs, ECS on EC2."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import CONTRACT, decoded
from .support import resource_rule, short_name

SERVER_TYPES = {
    "aws:ec2/instance:Instance": "an EC2 instance",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": "an EC2 spot instance",
    "aws:ec2/spotFleetRequest:SpotFleetRequest": "an EC2 spot fleet",
    "aws:ec2/fleet:Fleet": "an EC2 fleet",
    "aws:ec2/launchTemplate:LaunchTemplate": "an EC2 launch template",
    "aws:ec2/launchConfiguration:LaunchConfiguration": "an EC2 launch configuration",
    "aws:ec2/keyPair:KeyPair": "an SSH key pair",
    "aws:autoscaling/group:Group": "an EC2 auto-scaling group",
    "aws:ecs/capacityProvider:CapacityProvider": "an ECS capacity provider backed by EC2",
    "aws:lightsail/instance:Instance": "a Lightsail server",
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    if args.resource_type in SERVER_TYPES:
        report_violation(f"{resource} is {SERVER_TYPES[args.resource_type]}: the contract has no "
                         "servers to SSH into. Run the workload as an ECS Fargate service.")
    elif args.resource_type == "aws:ecs/taskDefinition:TaskDefinition":
        compatibilities = decoded(args.props.get("requiresCompatibilities")) or []
        if list(compatibilities) != ["FARGATE"]:
            report_violation(f"{resource} has requiresCompatibilities={list(compatibilities)}; "
                             "set exactly ['FARGATE'] (without it ECS assumes EC2).")
    elif args.resource_type == "aws:ecs/service:Service":
        launch_type = args.props.get("launchType")
        strategies = args.props.get("capacityProviderStrategies") or []
        providers = [s.get("capacityProvider") for s in strategies]
        if launch_type in {"EC2", "EXTERNAL"}:
            report_violation(f"{resource} uses launch type {launch_type}; use FARGATE.")
        elif any(p not in ("FARGATE", "FARGATE_SPOT") for p in providers):
            report_violation(f"{resource} uses capacity providers {providers}; only FARGATE and "
                             "FARGATE_SPOT are allowed.")


policy = resource_rule(
    "hv-ec2-forbid-servers",
    kind=CONTRACT,
    description="No servers to SSH into: no EC2 instances, key pairs, launch templates, auto-scaling "
                "groups, or ECS tasks on EC2.",
    severity=Severity.CRITICAL,
    remediation_steps="Run the process as an ECS Fargate service (requiresCompatibilities=['FARGATE']); "
                      "use ECS Exec in dev instead of SSH.",
    validate=validate,
)
