"""Advisory: RDS databases enable Performance Insights."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .resources import RDS_CLUSTERS, RDS_INSTANCES, is_true
from .support import ADVISORY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in (*RDS_INSTANCES, *RDS_CLUSTERS) and \
            not is_true(args.props.get("performanceInsightsEnabled")):
        report_violation(f"{short_name(args.resource_type, args.name)} has Performance Insights off: slow "
                         "queries and waits go unseen. Set performance_insights_enabled=True (7 days are "
                         "free).")


policy = ResourceValidationPolicy(
    name="hv-rds-enable-performance-insights",
    description="RDS instances and clusters enable Performance Insights.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    remediation_steps="performance_insights_enabled=True (prod posture).",
    tags=[ADVISORY, anchor("checkov:CKV_AWS_353"), anchor("pulumi:aws-rds-instance-performance-insights-enabled")],
)
