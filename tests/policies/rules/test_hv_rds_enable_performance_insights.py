"""hv-rds-enable-performance-insights (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

PERFORMANCE_INSIGHTS = "hv-rds-enable-performance-insights"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, PERFORMANCE_INSIGHTS, {"bare-db"}, "aws:rds/instance:Instance 'bare-db' has Performance Insights off")
