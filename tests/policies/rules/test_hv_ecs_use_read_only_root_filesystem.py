"""hv-ecs-use-read-only-root-filesystem (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

READ_ONLY_ROOT = "hv-ecs-use-read-only-root-filesystem"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, READ_ONLY_ROOT, {"writable-task"},
        "aws:ecs/taskDefinition:TaskDefinition 'writable-task': container 'sidecar' can write to its root "
        "filesystem")
