"""What the per-rule tests share: reading a rule's findings by resource, and building resource source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[..., Any]
Outcomes = dict[str, Any]


def by_resource(outcome: Any, rule: str) -> dict[str, list[str]]:
    """The rule's messages, keyed by the logical name of the resource they were reported on."""
    found: dict[str, list[str]] = {}
    for violation in outcome.violations:
        if violation.policy == rule:
            found.setdefault(violation.urn.rsplit("::", 1)[-1] or "(stack)", []).append(violation.detail)
    return found


def not_applicable(outcome: Any, rule: str) -> dict[str, str]:
    return {entry.urn.rsplit("::", 1)[-1]: entry.reason for entry in outcome.not_applicable
            if entry.policy == rule}


def resource(constructor: str, name: str, defaults: dict[str, str], overrides: dict[str, str | None]) -> str:
    """`aws.x.Y("name", key=value, …)` from Python source snippets; an override of None drops the key."""
    arguments = {**defaults, **overrides}
    listed = ", ".join(f"{key}={value}" for key, value in arguments.items() if value is not None)
    return f'{constructor}("{name}", {listed}, opts=opts)\n'


def run_once(check: Check, outcomes: Outcomes, key: str, body: str, **options: Any) -> Any:
    if key not in outcomes:
        outcomes[key] = check(body, **options)
    return outcomes[key]
