"""Advisory: ECR repositories have immutable image tags."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .support import resource_rule, short_name

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


policy = resource_rule(
    "hv-ecr-require-immutable-tags",
    kind=ADVISORY,
    description="ECR repositories have immutable image tags.",
    severity=Severity.MEDIUM,
    remediation_steps="image_tag_mutability='IMMUTABLE'.",
    anchors=("checkov:CKV_AWS_51", "pulumi:aws-ecr-repository-disallow-repo-without-immutable-image"),
    validate=validate,
)
