"""Security (prod data safety): prod DynamoDB tables have point-in-time recovery and deletion protection."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true, only_in_prod
from .support import resource_rule, short_name

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


policy = resource_rule(
    "hv-dynamodb-protect-prod-tables",
    kind=SECURITY,
    description="Prod DynamoDB tables have point-in-time recovery and deletion protection.",
    severity=Severity.HIGH,
    remediation_steps="In prod: point_in_time_recovery={'enabled': True}, deletion_protection_enabled=True.",
    anchors=("cdk-nag:AwsSolutions-DDB3", "checkov:CKV_AWS_28"),
    validate=validate,
)
