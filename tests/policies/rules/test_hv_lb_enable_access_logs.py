"""hv-lb-enable-access-logs (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

ACCESS_LOGS = "hv-lb-enable-access-logs"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, ACCESS_LOGS, {"bare-alb"}, "aws:lb/loadBalancer:LoadBalancer 'bare-alb' writes no access logs")
