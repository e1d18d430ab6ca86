"""Justified, expiring exceptions to the security rules: the wrapper with an injected "today", then the
real pack and preflight — matched, expired, unmatched, refused and malformed exceptions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_policy import PolicyResource, StackValidationArgs

from policies.hv_rules.exceptions import RuleException, with_exceptions
from preflight.model import PreflightError

Check = Callable[..., Any]

WORLD_INGRESS = "hv-ec2-restrict-world-ingress"
S3_BLOCK = "hv-s3-require-public-access-block"
REASON = "vendor appliance needs 8443 until the migration"
SG_TYPE = "aws:ec2/securityGroup:SecurityGroup"
BUCKET_TYPE = "aws:s3/bucket:Bucket"


def exception(resource: str, expires: str, ticket: str = "SEC-1", reason: str = REASON) -> dict[str, str]:
    return {"resource": resource, "reason": reason, "ticket": ticket, "expires": expires}


# --- The wrapper, with "today" injected ---------------------------------------------------------

class NotApplicable(Exception):
    pass


class FakeResourceArgs:
    """What a resource rule's wrapper reads from ResourceValidationArgs."""

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        self.resource_type, self.name, self._config = SG_TYPE, name, config

    def get_config(self) -> dict[str, Any]:
        return self._config

    def not_applicable(self, reason: str) -> None:
        raise NotApplicable(reason)


class RecordingStackArgs(StackValidationArgs):  # type: ignore[misc]
    def not_applicable(self, reason: str | None = None) -> None:
        raise NotApplicable(reason)


def always_violates(args: Any, report_violation: Callable[..., None]) -> None:
    report_violation("the rule ran")


def run_resource_rule(expires: str, today: dt.date) -> tuple[list[str], str | None]:
    messages: list[str] = []
    validate = with_exceptions(always_violates, today=lambda: today)
    args = FakeResourceArgs("legacy-sg", {"exceptions": [exception(f"{SG_TYPE}::legacy-sg", expires)]})
    try:
        validate(args, lambda message, urn=None: messages.append(message))
    except NotApplicable as skipped:
        return messages, str(skipped)
    return messages, None


def test_an_exception_holds_through_its_expiry_day_in_utc() -> None:
    messages, reason = run_resource_rule("2026-03-31", today=dt.date(2026, 3, 31))
    assert messages == []
    assert reason == f"exception SEC-1 until 2026-03-31: {REASON}"


def test_the_day_after_expiry_the_exception_is_a_violation_and_the_rule_runs() -> None:
    messages, reason = run_resource_rule("2026-03-31", today=dt.date(2026, 4, 1))
    assert reason is None
    assert messages == [f"exception SEC-1 for {SG_TYPE}::legacy-sg expired on 2026-03-31 ({REASON}); the "
                        "rule applies again. Fix the resource, or renew the exception with a new ticket and "
                        "date.", "the rule ran"]


def test_a_date_that_does_not_exist_never_holds() -> None:
    assert not RuleException("r", REASON, "SEC-1", "2026-02-30").is_active(dt.date(2000, 1, 1))
    messages, reason = run_resource_rule("2026-02-30", today=dt.date(2026, 1, 1))
    assert reason is None
    assert messages[0].startswith("exception SEC-1 for aws:ec2/securityGroup:SecurityGroup::legacy-sg has "
                                  "expires='2026-02-30', which is not a calendar date")


def test_an_exception_for_another_resource_changes_nothing() -> None:
    messages: list[str] = []
    validate = with_exceptions(always_violates, today=lambda: dt.date(2026, 1, 1))
    validate(FakeResourceArgs("other-sg", {"exceptions": [exception(f"{SG_TYPE}::legacy-sg", "2026-12-31")]}),
             lambda message, urn=None: messages.append(message))
    assert messages == ["the rule ran"]


def test_a_stack_rule_keeps_reporting_resources_without_an_exception() -> None:
    def bucket(name: str) -> PolicyResource:
        return PolicyResource(BUCKET_TYPE, {}, f"urn:pulumi:dev::demo::{BUCKET_TYPE}::{name}", name,
                              None, None, None, [], {})

    def report_each(args: Any, report_violation: Callable[..., None]) -> None:
        for resource in args.resources:
            report_violation(f"{resource.name} is open", resource.urn)

    reported: list[str] = []
    args = RecordingStackArgs([bucket("legacy"), bucket("fresh")], config={"exceptions": [
        exception(f"{BUCKET_TYPE}::legacy", "2026-06-30", ticket="SEC-9")]})
    with pytest.raises(NotApplicable) as skipped:
        with_exceptions(report_each, today=lambda: dt.date(2026, 6, 1))(
            args, lambda message, urn=None: reported.append(message))
    assert reported == ["fresh is open"]
    assert str(skipped.value) == f"exception SEC-9 until 2026-06-30: {REASON} ({BUCKET_TYPE}::legacy)"


# --- Through the real pack and preflight --------------------------------------------------------

PROGRAM = """
for name, port in [("legacy-sg", 8443), ("old-sg", 22), ("new-sg", 3389)]:
    aws.ec2.SecurityGroup(name, vpc_id="vpc-1", tags=TAGS, opts=opts, ingress=[
        {"protocol": "tcp", "from_port": port, "to_port": port, "cidr_blocks": ["0.0.0.0/0"]}])
for name in ("legacy-bucket", "fresh-bucket"):
    aws.s3.Bucket(name, tags=TAGS, opts=opts)
"""
CONFIG = {
    WORLD_INGRESS: {"exceptions": [
        exception(f"{SG_TYPE}::legacy-sg", "2999-12-31", ticket="SEC-7"),
        exception(f"{SG_TYPE}::old-sg", "2000-01-01", ticket="SEC-3"),
    ]},
    S3_BLOCK: {"enforcementLevel": "mandatory", "exceptions": [
        exception(f"{BUCKET_TYPE}::legacy-bucket", "2999-12-31", ticket="SEC-8"),
        exception(f"{BUCKET_TYPE}::gone-bucket", "2999-12-31", ticket="SEC-5"),
    ]},
}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Any]:
    return {}


@pytest.fixture
def excepted(check: Check, outcomes: dict[str, Any]) -> Any:
    if "excepted" not in outcomes:
        outcomes["excepted"] = check(PROGRAM, policy_config=json.dumps(CONFIG))
    return outcomes["excepted"]


def messages_on(outcome: Any, rule: str, name: str) -> list[str]:
    return [v.detail for v in outcome.violations if v.policy == rule and v.urn.endswith(f"::{name}")]


def test_a_matched_exception_makes_the_rule_not_applicable_with_its_reason(excepted: Any) -> None:
    skipped = [(entry.urn.rsplit("::", 1)[-1], entry.reason) for entry in excepted.not_applicable
               if entry.policy == WORLD_INGRESS]
    assert skipped == [("legacy-sg", f"exception SEC-7 until 2999-12-31: {REASON}")]
    assert messages_on(excepted, WORLD_INGRESS, "legacy-sg") == []
    assert len(messages_on(excepted, WORLD_INGRESS, "new-sg")) == 1  # no exception, still refused


def test_an_expired_exception_is_a_violation_and_no_longer_shields(excepted: Any) -> None:
    expired, own = messages_on(excepted, WORLD_INGRESS, "old-sg")
    assert expired.startswith(f"exception SEC-3 for {SG_TYPE}::old-sg expired on 2000-01-01 ({REASON})")
    assert "opens tcp port 22 to 0.0.0.0/0" in own
    assert set(excepted.levels(WORLD_INGRESS)) == {"mandatory"}


def test_a_stack_rule_exception_covers_its_resource_only(excepted: Any) -> None:
    flagged = [v.urn.rsplit("::", 1)[-1] for v in excepted.violations if v.policy == S3_BLOCK and v.urn]
    assert flagged == ["fresh-bucket"]
    (reason,) = [entry.reason for entry in excepted.not_applicable if entry.policy == S3_BLOCK]
    assert reason == f"exception SEC-8 until 2999-12-31: {REASON} ({BUCKET_TYPE}::legacy-bucket)"


def test_preflight_reports_an_exception_that_matches_no_resource(excepted: Any) -> None:
    (stale,) = [v for v in excepted.violations if v.policy == S3_BLOCK and not v.urn]
    assert stale.mandatory
    assert stale.detail == (f"exception SEC-5 names {BUCKET_TYPE}::gone-bucket, which matches no resource "
                            "of stack dev: remove the stale exception from the policy config (or correct "
                            "its `<type>::<name>`).")
    assert [v for v in excepted.violations if not v.urn and v.policy != S3_BLOCK] == []


@pytest.mark.parametrize(("rule", "expected"), [
    ("hv-aws-pin-region", "hv-aws-pin-region is a contract rule and accepts no exceptions"),
    ("hv-ecr-require-immutable-tags",
     "hv-ecr-require-immutable-tags: 'exceptions' not declared by the rule's schema (the CLI would accept"),
])
def test_contract_and_advisory_rules_take_no_exceptions(check: Check, rule: str, expected: str) -> None:
    config = {rule: {"exceptions": [exception("aws:s3/bucket:Bucket::b", "2999-12-31")]}}
    with pytest.raises(PreflightError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        check("", policy_config=json.dumps(config))


@pytest.mark.parametrize(("change", "expected"), [
    ({"reason": "because"}, "exceptions.0.reason: 'because' is too short"),
    ({"expires": "31/12/2026"}, "exceptions.0.expires: '31/12/2026' does not match"),
    ({"expires": "2026-13-01"}, "exceptions.0.expires: '2026-13-01' does not match"),
    ({"resource": "legacy-sg"}, "exceptions.0.resource: 'legacy-sg' does not match"),
    ({"ticket": None}, "exceptions.0: 'ticket' is a required property"),
    ({"owner": "me"}, "exceptions.0: Additional properties are not allowed ('owner' was unexpected)"),
])
def test_a_malformed_exception_is_a_clear_config_error(check: Check, change: dict[str, Any],
                                                       expected: str) -> None:
    entry = {**exception(f"{SG_TYPE}::legacy-sg", "2026-12-31"), **change}
    config = {WORLD_INGRESS: {"exceptions": [{k: v for k, v in entry.items() if v is not None}]}}
    with pytest.raises(PreflightError) as caught:
        check("", policy_config=json.dumps(config))
    assert f"policy-config.json: policy config of pack hv-foundation is invalid:\n  - {WORLD_INGRESS}: {expected}" \
        in str(caught.value)
