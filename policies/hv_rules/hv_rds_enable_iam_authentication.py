"""Advisory: RDS databases accept IAM database authentication."""

from __future__ import annotations

from pulumi_policy import Severity

from .conventions import ADVISORY
from .resources import RDS_CLUSTERS, RDS_INSTANCES
from .support import require_true, resource_rule

validate = require_true(
    (*RDS_INSTANCES, *RDS_CLUSTERS), "iamDatabaseAuthenticationEnabled",
    "does not enable IAM database authentication, so services need a database password. Set "
    "iam_database_authentication_enabled=True and grant rds-db:connect.")


policy = resource_rule(
    "hv-rds-enable-iam-authentication",
    kind=ADVISORY,
    description="RDS instances and clusters enable IAM database authentication.",
    severity=Severity.MEDIUM,
    remediation_steps="iam_database_authentication_enabled=True; task roles get rds-db:connect on their "
                      "database user.",
    anchors=("checkov:CKV_AWS_161", "checkov:CKV_AWS_162"),
    validate=validate,
)
