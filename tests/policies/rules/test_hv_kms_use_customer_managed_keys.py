"""hv-kms-use-customer-managed-keys (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

CMK = "hv-kms-use-customer-managed-keys"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, CMK, {"bare-db", "default-secret", "aws-key-secret"},
        "aws:rds/instance:Instance 'bare-db' encrypts with the AWS-managed aws/rds key")
