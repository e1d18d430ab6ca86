"""Advisory: RDS databases export their engine logs to CloudWatch."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .resources import RDS_CLUSTERS, RDS_INSTANCES, as_list
from .support import ADVISORY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in (*RDS_INSTANCES, *RDS_CLUSTERS) and \
            not as_list(args.props.get("enabledCloudwatchLogsExports")):
        report_violation(f"{short_name(args.resource_type, args.name)} exports no logs to CloudWatch: "
                         "errors and slow queries stay on the instance. Set "
                         "enabled_cloudwatch_logs_exports=['postgresql', 'upgrade'].")


policy = ResourceValidationPolicy(
    name="hv-rds-export-logs",
    description="RDS instances and clusters export their logs to CloudWatch Logs.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    remediation_steps="enabled_cloudwatch_logs_exports=['postgresql', 'upgrade'] for PostgreSQL.",
    tags=[ADVISORY, anchor("checkov:CKV_AWS_129"), anchor("checkov:CKV_AWS_324")],
)
