"""hv-rds-export-logs (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

LOG_EXPORTS = "hv-rds-export-logs"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, LOG_EXPORTS, {"bare-db"}, "'bare-db' exports no logs to CloudWatch")
