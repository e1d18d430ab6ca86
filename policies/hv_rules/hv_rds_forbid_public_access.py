"""Security (public exposure): RDS databases are never publicly accessible."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true
from .support import resource_rule, short_name

RDS_WITH_ENDPOINTS = ("aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in RDS_WITH_ENDPOINTS and is_true(args.props.get("publiclyAccessible")):
        report_violation(f"{short_name(args.resource_type, args.name)} sets publiclyAccessible=true: its "
                         "endpoint resolves to a public IP. Set publicly_accessible=False; the database "
                         "lives in the isolated-data subnets and is reached from the services' security "
                         "groups.")


policy = resource_rule(
    "hv-rds-forbid-public-access",
    kind=SECURITY,
    description="RDS instances are not publicly accessible.",
    severity=Severity.CRITICAL,
    remediation_steps="publicly_accessible=False and a DB subnet group of isolated-data subnets.",
    anchors=("checkov:CKV_AWS_17", "pulumi:aws-rds-instance-disallow-public-access"),
    validate=validate,
)
