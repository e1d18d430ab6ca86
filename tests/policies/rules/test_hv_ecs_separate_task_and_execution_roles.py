"""hv-ecs-separate-task-and-execution-roles (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

SEPARATE_ROLES = "hv-ecs-separate-task-and-execution-roles"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, SEPARATE_ROLES, {"shared-role-task"},
        "'shared-role-task' uses arn:aws:iam::891377221201:role/app as both task and execution role")
