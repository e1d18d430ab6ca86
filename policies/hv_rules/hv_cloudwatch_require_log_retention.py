"""Security (operability): every CloudWatch log group sets a retention (no logs kept forever)."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .support import SECURITY, anchor, short_name

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP and not args.props.get("retentionInDays"):
        report_violation(f"{short_name(args.resource_type, args.name)} has no retentionInDays: its logs "
                         "are kept (and billed) forever. Set retention_in_days (dev 14, prod 90).")


policy = ResourceValidationPolicy(
    name="hv-cloudwatch-require-log-retention",
    description="Every CloudWatch log group sets retentionInDays.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.LOW,
    remediation_steps="retention_in_days from the stack posture (dev 14, prod 90).",
    tags=[SECURITY, anchor("checkov:CKV_AWS_66")],
    config_schema=EXCEPTIONS_SCHEMA,
)
