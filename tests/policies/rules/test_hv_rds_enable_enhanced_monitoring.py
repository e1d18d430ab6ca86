"""hv-rds-enable-enhanced-monitoring (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

ENHANCED_MONITORING = "hv-rds-enable-enhanced-monitoring"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, ENHANCED_MONITORING, {"bare-db"}, "aws:rds/instance:Instance 'bare-db' has Enhanced Monitoring off")
