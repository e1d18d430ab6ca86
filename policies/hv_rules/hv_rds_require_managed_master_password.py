"""Security (secrets): RDS master passwords are managed by RDS in Secrets Manager, never literal."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import RDS_CLUSTERS, RDS_INSTANCES, is_true
from .support import resource_rule, short_name

LITERAL_PASSWORDS = {
    RDS_INSTANCES[0]: ("password", "passwordWo"),
    RDS_CLUSTERS[0]: ("masterPassword", "masterPasswordWo"),
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in LITERAL_PASSWORDS:
        return
    if args.props.get("replicateSourceDb"):
        args.not_applicable("a read replica has no master password of its own")
    resource = short_name(args.resource_type, args.name)
    literal = [key for key in LITERAL_PASSWORDS[args.resource_type] if args.props.get(key)]
    if literal:
        report_violation(f"{resource} sets {' and '.join(literal)}: the master password would live in "
                         "the program and the Pulumi state. Remove it and set "
                         "manage_master_user_password=True (RDS keeps it in Secrets Manager and rotates it).")
    elif not is_true(args.props.get("manageMasterUserPassword")):
        report_violation(f"{resource} does not set manageMasterUserPassword=true. Set "
                         "manage_master_user_password=True so RDS keeps the master password in Secrets "
                         "Manager and rotates it.")


policy = resource_rule(
    "hv-rds-require-managed-master-password",
    kind=SECURITY,
    description="RDS instances and clusters use manage_master_user_password, never a literal password.",
    severity=Severity.HIGH,
    remediation_steps="manage_master_user_password=True and no password/master_password; applications "
                      "connect with IAM auth or read the RDS-managed secret.",
    validate=validate,
)
