"""hv-ecs-enable-container-insights (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

CONTAINER_INSIGHTS = "hv-ecs-enable-container-insights"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, CONTAINER_INSIGHTS, {"blind", "switched-off"},
        "aws:ecs/cluster:Cluster 'blind' has Container Insights off: no per-task CPU/memory/network metrics. Add "
        "settings=[{'name': 'containerInsights', 'value': 'enabled'}].")
