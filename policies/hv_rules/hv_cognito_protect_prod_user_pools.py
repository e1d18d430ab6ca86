"""Security (prod data safety): prod Cognito user pools have deletion protection."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import only_in_prod
from .support import resource_rule, short_name

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


policy = resource_rule(
    "hv-cognito-protect-prod-user-pools",
    kind=SECURITY,
    description="Prod Cognito user pools have deletion protection ACTIVE.",
    severity=Severity.HIGH,
    remediation_steps="In prod: deletion_protection='ACTIVE'.",
    validate=validate,
)
