"""Security (prod data safety): prod Cognito user pools have deletion protection."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .resources import only_in_prod
from .support import SECURITY, short_name

USER_POOL = "aws:cognito/userPool:UserPool"
ACTIVE = "ACTIVE"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != USER_POOL:
        return
    only_in_prod(args, "user pool deletion protection")
    if args.props.get("deletionProtection") != ACTIVE:
        report_violation(f"{short_name(args.resource_type, args.name)} (environment=prod) has no deletion "
                         "protection: deleting it would lose every user and group. Set "
                         "deletion_protection='ACTIVE'.")


policy = ResourceValidationPolicy(
    name="hv-cognito-protect-prod-user-pools",
    description="Prod Cognito user pools have deletion protection ACTIVE.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps="In prod: deletion_protection='ACTIVE'.",
    tags=[SECURITY],
    config_schema=EXCEPTIONS_SCHEMA,
)
