"""Security (operability): every container of a task definition logs to CloudWatch (awslogs)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .containers import TASK_DEFINITION, read_containers
from .conventions import SECURITY
from .support import resource_rule, short_name

CLOUDWATCH_DRIVER = "awslogs"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    resource = short_name(args.resource_type, args.name)
    for container, definition in read_containers(resource, args.props, report_violation):
        driver = (definition.get("logConfiguration") or {}).get("logDriver")
        if driver != CLOUDWATCH_DRIVER:
            shown = "has no logConfiguration" if driver is None else f"logs with driver {driver!r}"
            report_violation(f"{resource}: container {container!r} {shown}, so its output never reaches "
                             "CloudWatch. Set logConfiguration={'logDriver': 'awslogs', 'options': "
                             "{'awslogs-group': <the service's log group>, 'awslogs-region': 'us-east-2', "
                             "'awslogs-stream-prefix': <container>}}.")


policy = resource_rule(
    "hv-ecs-require-cloudwatch-logging",
    kind=SECURITY,
    description="Every container logs to CloudWatch Logs with the awslogs driver.",
    severity=Severity.MEDIUM,
    remediation_steps="logConfiguration.logDriver='awslogs' to the service's log group, for every "
                      "container (sidecars included).",
    anchors=("cdk-nag:AwsSolutions-ECS7",),
    validate=validate,
)
