"""Advisory: ECR repositories have immutable image tags."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .support import ADVISORY, anchor, short_name

REPOSITORY = "aws:ecr/repository:Repository"
IMMUTABLE = "IMMUTABLE"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != REPOSITORY:
        return
    mutability = args.props.get("imageTagMutability") or "MUTABLE"
    if mutability != IMMUTABLE:
        report_violation(f"{short_name(args.resource_type, args.name)} has imageTagMutability={mutability!r}: "
                         "a pushed tag can be overwritten, so a deploy may not run what was built. Set "
                         "image_tag_mutability='IMMUTABLE' (deploys use the git SHA tag).")


policy = ResourceValidationPolicy(
    name="hv-ecr-require-immutable-tags",
    description="ECR repositories have immutable image tags.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation_steps="image_tag_mutability='IMMUTABLE'.",
    tags=[ADVISORY, anchor("checkov:CKV_AWS_51"),
          anchor("pulumi:aws-ecr-repository-disallow-repo-without-immutable-image")],
)
