"""hv-rds-enable-iam-authentication (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

IAM_AUTH = "hv-rds-enable-iam-authentication"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, IAM_AUTH, {"bare-db"}, "'bare-db' does not enable IAM database authentication")
