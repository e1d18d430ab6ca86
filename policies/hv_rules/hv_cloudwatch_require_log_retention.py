"""Security (operability): every CloudWatch log group sets a retention (no logs kept forever)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .support import resource_rule, short_name

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP and not args.props.get("retentionInDays"):
        report_violation(f"{short_name(args.resource_type, args.name)} has no retentionInDays: its logs "
                         "are kept (and billed) forever. Set retention_in_days (dev 14, prod 90).")


policy = resource_rule(
    "hv-cloudwatch-require-log-retention",
    kind=SECURITY,
    description="Every CloudWatch log group sets retentionInDays.",
    severity=Severity.LOW,
    remediation_steps="retention_in_days from the stack posture (dev 14, prod 90).",
    anchors=("checkov:CKV_AWS_66",),
    validate=validate,
)
