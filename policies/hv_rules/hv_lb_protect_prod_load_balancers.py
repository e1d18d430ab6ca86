"""Security (prod data safety): prod load balancers have deletion protection."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .resources import LOAD_BALANCERS, is_true, only_in_prod
from .support import SECURITY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    only_in_prod(args, "load balancer deletion protection")
    if not is_true(args.props.get("enableDeletionProtection")):
        report_violation(f"{short_name(args.resource_type, args.name)} (environment=prod) has no deletion "
                         "protection: deleting it would take every host offline and change its DNS name. "
                         "Set enable_deletion_protection=True.")


policy = ResourceValidationPolicy(
    name="hv-lb-protect-prod-load-balancers",
    description="Prod load balancers have deletion protection.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    remediation_steps="In prod: enable_deletion_protection=True.",
    tags=[SECURITY, anchor("checkov:CKV_AWS_150")],
    config_schema=EXCEPTIONS_SCHEMA,
)
