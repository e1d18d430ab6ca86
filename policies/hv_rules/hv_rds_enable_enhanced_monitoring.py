"""Advisory: RDS instances publish Enhanced Monitoring (OS-level metrics)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import RDS_INSTANCES
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in RDS_INSTANCES and not args.props.get("monitoringInterval"):
        report_violation(f"{short_name(args.resource_type, args.name)} has Enhanced Monitoring off: no "
                         "OS-level metrics (memory, swap, processes). Set monitoring_interval=60 and a "
                         "monitoring_role_arn.")


policy = resource_rule(
    "hv-rds-enable-enhanced-monitoring",
    kind=ADVISORY,
    description="RDS instances enable Enhanced Monitoring.",
    severity=Severity.LOW,
    remediation_steps="monitoring_interval=60 with a role trusting monitoring.rds.amazonaws.com (prod).",
    anchors=("checkov:CKV_AWS_118",),
    validate=validate,
)
