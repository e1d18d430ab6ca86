"""Security (identity): AdministratorAccess, PowerUserAccess and IAMFullAccess are never attached."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .iam import attached_policy_arns, aws_managed_policy_name
from .support import resource_rule, short_name

ADMIN_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for arn in attached_policy_arns(args.resource_type, args.props):
        if aws_managed_policy_name(arn) in ADMIN_POLICIES:
            report_violation(f"{short_name(args.resource_type, args.name)} attaches {arn}: administrator-"
                             "level access for whoever holds the role. Attach a policy with the actions "
                             "and resources the role needs.")


policy = resource_rule(
    "hv-iam-forbid-admin-policies",
    kind=SECURITY,
    description="No role, user or group gets AdministratorAccess, PowerUserAccess or IAMFullAccess.",
    severity=Severity.CRITICAL,
    remediation_steps="Replace the AWS managed admin policy with a customer-managed least-privilege one.",
    anchors=("checkov:CKV_AWS_274", "checkov:CKV2_AWS_56"),
    validate=validate,
)
