"""Security (identity): AdministratorAccess, PowerUserAccess and IAMFullAccess are never attached."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .iam import attached_policy_arns, aws_managed_policy_name
from .support import SECURITY, anchor, short_name

ADMIN_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for arn in attached_policy_arns(args.resource_type, args.props):
        if aws_managed_policy_name(arn) in ADMIN_POLICIES:
            report_violation(f"{short_name(args.resource_type, args.name)} attaches {arn}: administrator-"
                             "level access for whoever holds the role. Attach a policy with the actions "
                             "and resources the role needs.")


policy = ResourceValidationPolicy(
    name="hv-iam-forbid-admin-policies",
    description="No role, user or group gets AdministratorAccess, PowerUserAccess or IAMFullAccess.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps="Replace the AWS managed admin policy with a customer-managed least-privilege one.",
    tags=[SECURITY, anchor("checkov:CKV_AWS_274"), anchor("checkov:CKV2_AWS_56")],
    config_schema=EXCEPTIONS_SCHEMA,
)
