"""Advisory: ECS clusters enable CloudWatch Container Insights."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import as_list
from .support import resource_rule, short_name

CLUSTER = "aws:ecs/cluster:Cluster"
ON = ("enabled", "enhanced")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CLUSTER:
        return
    settings = {s.get("name"): s.get("value") for s in as_list(args.props.get("settings"))}
    if settings.get("containerInsights") not in ON:
        report_violation(f"{short_name(args.resource_type, args.name)} has Container Insights off: no "
                         "per-task CPU/memory/network metrics. Add settings=[{'name': 'containerInsights', "
                         "'value': 'enabled'}].")


policy = resource_rule(
    "hv-ecs-enable-container-insights",
    kind=ADVISORY,
    description="ECS clusters enable CloudWatch Container Insights.",
    severity=Severity.LOW,
    remediation_steps="settings=[{'name': 'containerInsights', 'value': 'enabled'}] (prod posture).",
    anchors=("cdk-nag:AwsSolutions-ECS4", "checkov:CKV_AWS_65"),
    validate=validate,
)
