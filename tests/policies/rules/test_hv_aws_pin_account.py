"""hv-aws-pin-account through the real pack: refusals, passes and near misses."""

from __future__ import annotations

import pytest

from tests.policies.conftest import Check

ACCOUNT = "hv-aws-pin-account"


@pytest.mark.parametrize(("accounts", "expected"), [
    (None, "has no allowedAccountIds"),
    ('["123456789012"]', "has allowedAccountIds=['123456789012']"),
    ('["891377221201", "123456789012"]', "has allowedAccountIds=['891377221201', '123456789012']"),
])
def test_provider_account_pin_is_exact(check: Check, accounts: str | None, expected: str) -> None:
    argument = "" if accounts is None else f", allowed_account_ids={accounts}"
    outcome = check(f'aws.Provider("other", region="us-east-2"{argument})')
    (message,) = outcome.of(ACCOUNT)
    assert message.startswith(f"provider 'other' {expected}")


def test_default_provider_without_account_pin_is_refused(check: Check) -> None:
    outcome = check('aws.sqs.Queue("q", tags=TAGS)', stack_config="aws:region: us-east-2\n")
    (message,) = outcome.of(ACCOUNT)
    assert message.startswith("provider 'default_7_51_1' has no allowedAccountIds")


def test_static_keys_in_a_provider_are_refused(check: Check) -> None:
    outcome = check('aws.Provider("keys", region="us-east-2", allowed_account_ids=["891377221201"], '
                    'access_key="AKIAEXAMPLE", secret_key="secret")')
    assert [m.split(":")[0] for m in outcome.of(ACCOUNT)] == [
        "provider 'keys' sets accessKey", "provider 'keys' sets secretKey"]
