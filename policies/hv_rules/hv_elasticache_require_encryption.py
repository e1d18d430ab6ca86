"""Security (encryption): ElastiCache encrypts at rest and in transit (TLS required, not preferred)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true
from .support import resource_rule, short_name

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    if args.resource_type == CACHE_CLUSTER and not args.props.get("replicationGroupId"):
        report_violation(f"{resource} is a standalone cache cluster, which cannot encrypt at rest. Use "
                         "aws.elasticache.ReplicationGroup with at_rest_encryption_enabled=True and "
                         "transit_encryption_enabled=True.")
    if args.resource_type != REPLICATION_GROUP:
        return
    if not is_true(args.props.get("atRestEncryptionEnabled")):
        report_violation(f"{resource} does not set atRestEncryptionEnabled=true: its data and snapshots "
                         "would be stored in clear. Set at_rest_encryption_enabled=True.")
    if not is_true(args.props.get("transitEncryptionEnabled")):
        report_violation(f"{resource} does not set transitEncryptionEnabled=true: clients would talk to "
                         "Redis in clear. Set transit_encryption_enabled=True (clients connect with TLS).")
    elif str(args.props.get("transitEncryptionMode") or "required").lower() == "preferred":
        report_violation(f"{resource} has transitEncryptionMode='preferred', which still accepts clients "
                         "without TLS. Finish the migration and set transit_encryption_mode='required'.")


policy = resource_rule(
    "hv-elasticache-require-encryption",
    kind=SECURITY,
    description="ElastiCache replication groups encrypt at rest and in transit.",
    severity=Severity.HIGH,
    remediation_steps="aws.elasticache.ReplicationGroup(at_rest_encryption_enabled=True, "
                      "transit_encryption_enabled=True) with an AUTH token; clients use rediss://.",
    anchors=("cdk-nag:AwsSolutions-AEC3", "checkov:CKV_AWS_29", "checkov:CKV_AWS_30"),
    validate=validate,
)
