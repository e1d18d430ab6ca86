"""hv-ecr-require-immutable-tags (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

IMMUTABLE_TAGS = "hv-ecr-require-immutable-tags"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, IMMUTABLE_TAGS, {"soft-repo"}, "'soft-repo' has imageTagMutability='MUTABLE'")
