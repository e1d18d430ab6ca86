"""Advisory: RDS databases export their engine logs to CloudWatch."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import RDS_CLUSTERS, RDS_INSTANCES, as_list
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in (*RDS_INSTANCES, *RDS_CLUSTERS) and \
            not as_list(args.props.get("enabledCloudwatchLogsExports")):
        report_violation(f"{short_name(args.resource_type, args.name)} exports no logs to CloudWatch: "
                         "errors and slow queries stay on the instance. Set "
                         "enabled_cloudwatch_logs_exports=['postgresql', 'upgrade'].")


policy = resource_rule(
    "hv-rds-export-logs",
    kind=ADVISORY,
    description="RDS instances and clusters export their logs to CloudWatch Logs.",
    severity=Severity.LOW,
    remediation_steps="enabled_cloudwatch_logs_exports=['postgresql', 'upgrade'] for PostgreSQL.",
    anchors=("checkov:CKV_AWS_129", "checkov:CKV_AWS_324"),
    validate=validate,
)
