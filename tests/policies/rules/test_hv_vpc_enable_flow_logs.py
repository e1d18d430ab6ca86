"""hv-vpc-enable-flow-logs (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

FLOW_LOGS = "hv-vpc-enable-flow-logs"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, FLOW_LOGS, {"dark-vpc"}, "aws:ec2/vpc:Vpc 'dark-vpc' has no flow log")
