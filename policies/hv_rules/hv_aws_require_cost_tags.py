"""Contract: every taggable resource carries pillar, service and environment (cost per pillar)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import CONTRACT
from .resources import provider_default_tags
from .support import PILLARS, REQUIRED_TAGS, resource_rule, short_name
from .taggable import is_taggable


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not is_taggable(args.resource_type):
        return
    provider_props = args.provider.props if args.provider is not None else None
    tags = {**provider_default_tags(provider_props), **(args.props.get("tags") or {})}
    resource = short_name(args.resource_type, args.name)
    missing = [key for key in REQUIRED_TAGS if not tags.get(key)]
    if missing:
        report_violation(f"{resource} lacks the cost tag{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)} (resource tags merged with the provider's default "
                         "tags). Tag it with its pillar and service.")
    pillar = tags.get("pillar")
    if pillar and pillar not in PILLARS:
        report_violation(f"{resource} has pillar={pillar!r}, which is not a pillar of the contract "
                         f"(allowed: {', '.join(PILLARS)}).")


policy = resource_rule(
    "hv-aws-require-cost-tags",
    kind=CONTRACT,
    description="Every taggable resource carries the cost tags pillar (aws, hub-v2, clawbot, airtable), "
                "service and environment.",
    severity=Severity.MEDIUM,
    remediation_steps="Add tags={'pillar': …, 'service': …}; `environment` comes from the provider's "
                      "default_tags.",
    validate=validate,
)
