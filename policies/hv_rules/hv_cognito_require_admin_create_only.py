"""Security (identity): Cognito user pools allow no self sign-up — only admins create users."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .resources import is_true
from .support import SECURITY, short_name

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


policy = ResourceValidationPolicy(
    name="hv-cognito-require-admin-create-only",
    description="Cognito user pools are admin-create-only (no self sign-up).",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps="admin_create_user_config={'allow_admin_create_user_only': True}.",
    tags=[SECURITY],
    config_schema=EXCEPTIONS_SCHEMA,
)
