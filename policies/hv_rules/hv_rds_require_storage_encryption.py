"""Security (encryption): RDS storage is encrypted at rest."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import RDS_CLUSTERS, RDS_INSTANCES
from .support import require_true, resource_rule


def _not_for_read_replicas(args: ResourceValidationArgs) -> None:
    if args.props.get("replicateSourceDb"):
        args.not_applicable("a read replica takes its encryption from the source instance")


validate = require_true(
    (*RDS_INSTANCES, *RDS_CLUSTERS), "storageEncrypted",
    "does not set storageEncrypted=true: its storage, snapshots and backups would be in clear. Set "
    "storage_encrypted=True (it cannot be turned on later without a restore).",
    applies=_not_for_read_replicas)


policy = resource_rule(
    "hv-rds-require-storage-encryption",
    kind=SECURITY,
    description="RDS instances and clusters encrypt their storage.",
    severity=Severity.HIGH,
    remediation_steps="storage_encrypted=True (optionally kms_key_id of a customer-managed key).",
    anchors=("cdk-nag:AwsSolutions-RDS2", "checkov:CKV_AWS_16", "pulumi:aws-rds-instance-storage-encryption-enabled"),
    validate=validate,
)
