"""Security (identity): Cognito user pools allow no self sign-up — only admins create users."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true
from .support import resource_rule, short_name

USER_POOL = "aws:cognito/userPool:UserPool"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != USER_POOL:
        return
    config = args.props.get("adminCreateUserConfig") or {}
    if not is_true(config.get("allowAdminCreateUserOnly")):
        report_violation(f"{short_name(args.resource_type, args.name)} allows self sign-up "
                         "(adminCreateUserConfig.allowAdminCreateUserOnly is not true): anyone could "
                         "create an account. Set admin_create_user_config.allow_admin_create_user_only="
                         "True; people arrive through the Google federation.")


policy = resource_rule(
    "hv-cognito-require-admin-create-only",
    kind=SECURITY,
    description="Cognito user pools are admin-create-only (no self sign-up).",
    severity=Severity.HIGH,
    remediation_steps="admin_create_user_config={'allow_admin_create_user_only': True}.",
    validate=validate,
)
