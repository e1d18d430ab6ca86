"""Advisory: RDS instances publish Enhanced Monitoring (OS-level metrics)."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .resources import RDS_INSTANCES
from .support import ADVISORY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in RDS_INSTANCES and not args.props.get("monitoringInterval"):
        report_violation(f"{short_name(args.resource_type, args.name)} has Enhanced Monitoring off: no "
                         "OS-level metrics (memory, swap, processes). Set monitoring_interval=60 and a "
                         "monitoring_role_arn.")


policy = ResourceValidationPolicy(
    name="hv-rds-enable-enhanced-monitoring",
    description="RDS instances enable Enhanced Monitoring.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    remediation_steps="monitoring_interval=60 with a role trusting monitoring.rds.amazonaws.com (prod).",
    tags=[ADVISORY, anchor("checkov:CKV_AWS_118")],
)
