"""hv-vpc-restrict-default-security-group (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level
from tests.policies.rules.support import by_resource

DEFAULT_SG = "hv-vpc-restrict-default-security-group"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, DEFAULT_SG, {"dark-vpc", "leaky-vpc"},
        "aws:ec2/vpc:Vpc 'dark-vpc' leaves its default security group as AWS creates it")


def test_default_security_group_that_keeps_rules_is_flagged(advisory: Any) -> None:
    assert by_resource(advisory, DEFAULT_SG)["leaky-vpc"] == [
        "aws:ec2/vpc:Vpc 'leaky-vpc': its default security group 'leaky-default-sg' keeps rules. Set "
        "ingress=[] and egress=[]; give each workload its own group."]
