"""Security (prod data safety): prod DynamoDB tables have point-in-time recovery and deletion protection."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .resources import is_true, only_in_prod
from .support import SECURITY, anchor, short_name

TABLE = "aws:dynamodb/table:Table"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != TABLE:
        return
    only_in_prod(args, "table protection")
    resource = f"{short_name(args.resource_type, args.name)} (environment=prod)"
    if not is_true((args.props.get("pointInTimeRecovery") or {}).get("enabled")):
        report_violation(f"{resource} has no point-in-time recovery: set point_in_time_recovery="
                         "{'enabled': True} (restores to any second of the last 35 days).")
    if not is_true(args.props.get("deletionProtectionEnabled")):
        report_violation(f"{resource} has no deletion protection: set deletion_protection_enabled=True.")


policy = ResourceValidationPolicy(
    name="hv-dynamodb-protect-prod-tables",
    description="Prod DynamoDB tables have point-in-time recovery and deletion protection.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps="In prod: point_in_time_recovery={'enabled': True}, deletion_protection_enabled=True.",
    tags=[SECURITY, anchor("cdk-nag:AwsSolutions-DDB3"), anchor("checkov:CKV_AWS_28")],
    config_schema=EXCEPTIONS_SCHEMA,
)
