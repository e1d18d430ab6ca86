"""Advisory: Redis requires authentication (AUTH token or RBAC user groups)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import as_list
from .support import resource_rule, short_name

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    props = args.props
    if not (props.get("authToken") or props.get("authTokenWo") or as_list(props.get("userGroupIds"))):
        report_violation(f"{short_name(args.resource_type, args.name)} accepts any client that reaches it: "
                         "no AUTH token and no user group. Set auth_token from a generated secret (kept in "
                         "Secrets Manager) or user_group_ids.")


policy = resource_rule(
    "hv-elasticache-require-auth",
    kind=ADVISORY,
    description="ElastiCache replication groups require an AUTH token or RBAC user groups.",
    severity=Severity.MEDIUM,
    remediation_steps="auth_token from pulumi_random, stored in Secrets Manager for the services that use "
                      "Redis (requires transit encryption).",
    anchors=("cdk-nag:AwsSolutions-AEC6", "checkov:CKV_AWS_31"),
    validate=validate,
)
