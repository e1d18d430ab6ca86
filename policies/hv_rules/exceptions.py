"""Justified, expiring exceptions to the security rules — one wrapper shared by every security rule.

A stack's policy config lists them per rule (`--policy-pack-config policies/config.<stack>.json`):

    {"hv-ec2-restrict-world-ingress": {"exceptions": [{
        "resource": "aws:ec2/securityGroup:SecurityGroup::legacy-sg",
        "reason": "vendor appliance needs 8443 until the migration",
        "ticket": "SEC-42", "expires": "2026-03-31"}]}}

`EXCEPTIONS_SCHEMA` is each security rule's `config_schema`, so the Pulumi CLI and preflight both
refuse a malformed entry before any rule runs. `with_exceptions(validate)` wraps the rule:

- a matching exception that has not expired makes the rule not applicable to that resource, with
  "exception <ticket> until <date>: <reason>" as the reason (valid through its `expires` day, UTC);
- an expired one is itself a violation naming the ticket and date, and the rule runs as usual;
- an exception that matches no resource is reported by preflight (`preflight/gate.py`), which sees
  the whole config and every resource; the CLI hands a pack config per policy only, so it cannot.

Contract and advisory rules take no exceptions: they declare no schema, so an `exceptions` key on
them is refused as an unknown property (and preflight refuses it on contract rules by name).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyConfigSchema, StackValidationArgs

from .conventions import EXCEPTIONS_KEY, exception_reason, resource_key

# `<type token>::<logical name>`, e.g. `aws:s3/bucket:Bucket::assets`.
RESOURCE_PATTERN = r"^[^:\s]+:[^:\s]+:[^:\s]+::\S+$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
MIN_REASON_LENGTH = 20

EXCEPTIONS_SCHEMA = PolicyConfigSchema(properties={
    EXCEPTIONS_KEY: {
        "type": "array",
        "description": "Resources this rule does not apply to, each with a reason, a ticket and an expiry.",
        "items": {
            "type": "object",
            "properties": {
                "resource": {"type": "string", "pattern": RESOURCE_PATTERN,
                             "description": "<type token>::<logical name>"},
                "reason": {"type": "string", "minLength": MIN_REASON_LENGTH},
                "ticket": {"type": "string", "minLength": 1},
                "expires": {"type": "string", "pattern": DATE_PATTERN,
                            "description": "last day (UTC) the exception holds, YYYY-MM-DD"},
            },
            "required": ["resource", "reason", "ticket", "expires"],
            "additionalProperties": False,
        },
    },
})

Validate = Callable[[Any, Callable[..., None]], None]


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class RuleException:
    resource: str
    reason: str
    ticket: str
    expires: str

    def expiry(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.expires)
        except ValueError:
            return None

    def is_active(self, today: dt.date) -> bool:
        """Valid through its `expires` day; a date that does not exist is never valid."""
        expiry = self.expiry()
        return expiry is not None and today <= expiry

    def not_applicable_reason(self) -> str:
        return exception_reason(self.ticket, self.expires, self.reason)

    def expired_message(self) -> str:
        if self.expiry() is None:
            return (f"exception {self.ticket} for {self.resource} has expires={self.expires!r}, which is "
                    "not a calendar date, so it does not apply. Fix the date in the policy config.")
        return (f"exception {self.ticket} for {self.resource} expired on {self.expires} "
                f"({self.reason}); the rule applies again. Fix the resource, or renew the exception "
                "with a new ticket and date.")


def configured_exceptions(config: Mapping[str, Any] | None) -> list[RuleException]:
    entries: Sequence[Any] = (config or {}).get(EXCEPTIONS_KEY) or []
    return [RuleException(resource=str(entry["resource"]), reason=str(entry["reason"]),
                          ticket=str(entry["ticket"]), expires=str(entry["expires"]))
            for entry in entries]


def with_exceptions(validate: Validate, today: Callable[[], dt.date] = today_utc) -> Validate:
    """Wrap a security rule's `validate` (resource or stack) with the exceptions of its config."""

    @functools.wraps(validate)
    def wrapped(args: Any, report_violation: Callable[..., None]) -> None:
        exceptions = configured_exceptions(args.get_config())
        if not exceptions:
            validate(args, report_violation)
        elif isinstance(args, StackValidationArgs):
            _validate_stack(validate, args, report_violation, exceptions, today())
        else:
            _validate_resource(validate, args, report_violation, exceptions, today())

    return wrapped


def _validate_resource(validate: Validate, args: Any, report_violation: Callable[..., None],
                       exceptions: list[RuleException], today: dt.date) -> None:
    key = resource_key(args.resource_type, args.name)
    matching = [exception for exception in exceptions if exception.resource == key]
    active = [exception for exception in matching if exception.is_active(today)]
    for exception in matching:
        if not exception.is_active(today):
            report_violation(exception.expired_message())
    if active:
        args.not_applicable("; ".join(exception.not_applicable_reason() for exception in active))
    validate(args, report_violation)


def _validate_stack(validate: Validate, args: StackValidationArgs, report_violation: Callable[..., None],
                    exceptions: list[RuleException], today: dt.date) -> None:
    keys = {resource.urn: resource_key(resource.resource_type, resource.name) for resource in args.resources}
    present = set(keys.values())
    active: dict[str, list[RuleException]] = {}
    for exception in exceptions:
        if exception.resource not in present:
            continue  # preflight reports exceptions that match nothing
        if exception.is_active(today):
            active.setdefault(exception.resource, []).append(exception)
        else:
            urn = next(urn for urn, key in keys.items() if key == exception.resource)
            report_violation(exception.expired_message(), urn)

    def filtered(message: str, urn: str | None = None) -> None:
        if urn and keys.get(urn) in active:
            return  # excepted: reported below as not applicable
        report_violation(message, urn)

    validate(args, filtered)
    if active:
        args.not_applicable("; ".join(f"{exception.not_applicable_reason()} ({key})"
                                      for key, matched in sorted(active.items()) for exception in matched))
