"""What rules share: the contract's constants, the rule factories, and naming resources.

A rule is made by `resource_rule` or `stack_rule`, which derive everything its kind implies: the
enforcement level, the tags and, for a security rule, the exceptions schema together with the
wrapper that honours it (so neither can be declared without the other). `require_true` builds the
`validate` of a rule that only asks for one property to be true.

The pack runs in its own virtualenv under the Pulumi CLI, so it cannot import the program's
`components`; `tests/policies/test_catalog.py` checks that the constants here match the program's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from .conventions import ADVISORY, CONTRACT, SECURITY
from .exceptions import EXCEPTIONS_SCHEMA, Validate, with_exceptions
from .resources import is_true

CONTRACT_ACCOUNT_ID = "891377221201"
CONTRACT_REGION = "us-east-2"
PILLARS = ("aws", "hub-v2", "clawbot", "airtable")
REQUIRED_TAGS = ("pillar", "service", "environment")

ANCHOR_PREFIX = "anchor:"
LEVEL_OF_KIND = {CONTRACT: EnforcementLevel.MANDATORY, SECURITY: EnforcementLevel.MANDATORY,
                 ADVISORY: EnforcementLevel.ADVISORY}


def resource_rule(name: str, *, kind: str, description: str, severity: Severity, remediation_steps: str,
                  validate: Validate, anchors: Sequence[str] = ()) -> ResourceValidationPolicy:
    """A rule judging one resource at a time (its inputs, as `Analyze` sees them)."""
    return ResourceValidationPolicy(name=name, description=description, severity=severity,
                                    remediation_steps=remediation_steps, **_of_kind(kind, validate, anchors))


def stack_rule(name: str, *, kind: str, description: str, severity: Severity, remediation_steps: str,
               validate: Validate, anchors: Sequence[str] = ()) -> StackValidationPolicy:
    """A rule that needs the whole stack (outputs, parents, property dependencies)."""
    return StackValidationPolicy(name=name, description=description, severity=severity,
                                 remediation_steps=remediation_steps, **_of_kind(kind, validate, anchors))


def _of_kind(kind: str, validate: Validate, anchors: Sequence[str]) -> dict[str, Any]:
    """Level, tags (the kind, then each anchor: a rule of cdk-nag, checkov or pulumi
    compliance-policies it follows), and a security rule's exceptions."""
    if kind not in LEVEL_OF_KIND:
        raise ValueError(f"rule kind {kind!r} is not one of {', '.join(LEVEL_OF_KIND)}")
    settings: dict[str, Any] = {"enforcement_level": LEVEL_OF_KIND[kind],
                                "tags": [kind, *(f"{ANCHOR_PREFIX}{reference}" for reference in anchors)],
                                "validate": validate}
    if kind == SECURITY:
        settings.update(validate=with_exceptions(validate), config_schema=EXCEPTIONS_SCHEMA)
    return settings


def require_true(resource_types: Sequence[str], key: str, problem: str, *,
                 applies: Callable[[ResourceValidationArgs], None] | None = None) -> Validate:
    """`validate` for "every resource of these types sets `key` true": the violation reads
    `<resource> <problem>`. `applies`, if given, runs first and may mark the resource not applicable
    (a read replica, a resource outside prod)."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in resource_types:
            return
        if applies is not None:
            applies(args)
        if not is_true(args.props.get(key)):
            report_violation(f"{short_name(args.resource_type, args.name)} {problem}")

    return validate


def package_and_module(type_token: str) -> tuple[str, str]:
    """`aws:ec2/vpc:Vpc` → (`aws`, `ec2`); `pulumi:providers:aws` → (`pulumi`, `providers`)."""
    package, _, rest = type_token.partition(":")
    module = rest.split(":", 1)[0].split("/", 1)[0]
    return package, module


def short_name(type_token: str, name: str) -> str:
    """How messages name a resource: `aws:ec2/vpc:Vpc network-vpc`."""
    return f"{type_token} {name!r}"
