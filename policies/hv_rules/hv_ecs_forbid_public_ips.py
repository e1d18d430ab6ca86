"""Security (public exposure): ECS services never give their tasks public IP addresses."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true
from .support import resource_rule, short_name

ECS_SERVICES = ("aws:ecs/service:Service",)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in ECS_SERVICES:
        return
    network = args.props.get("networkConfiguration") or {}
    if is_true(network.get("assignPublicIp")):
        report_violation(f"{short_name(args.resource_type, args.name)} sets networkConfiguration."
                         "assignPublicIp=true: every task gets a public IP, reachable around the ALB. "
                         "Set assign_public_ip=False and run the tasks in the private-app subnets "
                         "(egress through NAT).")


policy = resource_rule(
    "hv-ecs-forbid-public-ips",
    kind=SECURITY,
    description="ECS services do not assign public IP addresses to their tasks.",
    severity=Severity.HIGH,
    remediation_steps="network_configuration.assign_public_ip=False; tasks run in private-app subnets "
                      "and are reached only through the ALB.",
    anchors=("checkov:CKV_AWS_333",),
    validate=validate,
)
