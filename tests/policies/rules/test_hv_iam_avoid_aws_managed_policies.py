"""hv-iam-avoid-aws-managed-policies (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

MANAGED_POLICIES = "hv-iam-avoid-aws-managed-policies"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, MANAGED_POLICIES, {"aws-managed"},
        "attaches the AWS-managed arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
