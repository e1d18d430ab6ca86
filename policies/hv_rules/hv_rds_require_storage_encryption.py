"""Security (encryption): RDS storage is encrypted at rest."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .resources import RDS_CLUSTERS, RDS_INSTANCES, is_true
from .support import SECURITY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in (*RDS_INSTANCES, *RDS_CLUSTERS):
        return
    if args.props.get("replicateSourceDb"):
        args.not_applicable("a read replica takes its encryption from the source instance")
    if not is_true(args.props.get("storageEncrypted")):
        report_violation(f"{short_name(args.resource_type, args.name)} does not set storageEncrypted=true: "
                         "its storage, snapshots and backups would be in clear. Set "
                         "storage_encrypted=True (it cannot be turned on later without a restore).")


policy = ResourceValidationPolicy(
    name="hv-rds-require-storage-encryption",
    description="RDS instances and clusters encrypt their storage.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps="storage_encrypted=True (optionally kms_key_id of a customer-managed key).",
    tags=[SECURITY, anchor("cdk-nag:AwsSolutions-RDS2"), anchor("checkov:CKV_AWS_16"),
          anchor("pulumi:aws-rds-instance-storage-encryption-enabled")],
    config_schema=EXCEPTIONS_SCHEMA,
)
