"""hv-elasticache-require-auth (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

REDIS_AUTH = "hv-elasticache-require-auth"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, REDIS_AUTH, {"open-redis"}, "'open-redis' accepts any client that reaches it")
