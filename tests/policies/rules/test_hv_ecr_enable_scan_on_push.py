"""hv-ecr-enable-scan-on-push (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

SCAN_ON_PUSH = "hv-ecr-enable-scan-on-push"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, SCAN_ON_PUSH, {"soft-repo"}, "aws:ecr/repository:Repository 'soft-repo' does not scan images on push")
