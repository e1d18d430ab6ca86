"""Security (prod data safety): prod Redis is Multi-AZ with automatic failover."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true, only_in_prod
from .support import resource_rule, short_name

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    only_in_prod(args, "Redis failover")
    resource = f"{short_name(args.resource_type, args.name)} (environment=prod)"
    if not is_true(args.props.get("multiAzEnabled")):
        report_violation(f"{resource} is not Multi-AZ: set multi_az_enabled=True (with at least one "
                         "replica in another zone).")
    if not is_true(args.props.get("automaticFailoverEnabled")):
        report_violation(f"{resource} has no automatic failover: set automatic_failover_enabled=True so a "
                         "replica is promoted when the primary fails.")


policy = resource_rule(
    "hv-elasticache-protect-prod-replication",
    kind=SECURITY,
    description="Prod ElastiCache replication groups are Multi-AZ with automatic failover.",
    severity=Severity.HIGH,
    remediation_steps="In prod: num_cache_clusters>=2, multi_az_enabled=True, automatic_failover_enabled=True.",
    anchors=("cdk-nag:AwsSolutions-AEC4", "checkov:CKV2_AWS_50"),
    validate=validate,
)
