"""Advisory: RDS databases accept IAM database authentication."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .resources import RDS_CLUSTERS, RDS_INSTANCES, is_true
from .support import ADVISORY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in (*RDS_INSTANCES, *RDS_CLUSTERS) and \
            not is_true(args.props.get("iamDatabaseAuthenticationEnabled")):
        report_violation(f"{short_name(args.resource_type, args.name)} does not enable IAM database "
                         "authentication, so services need a database password. Set "
                         "iam_database_authentication_enabled=True and grant rds-db:connect.")


policy = ResourceValidationPolicy(
    name="hv-rds-enable-iam-authentication",
    description="RDS instances and clusters enable IAM database authentication.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation_steps="iam_database_authentication_enabled=True; task roles get rds-db:connect on their "
                      "database user.",
    tags=[ADVISORY, anchor("checkov:CKV_AWS_161"), anchor("checkov:CKV_AWS_162")],
)
