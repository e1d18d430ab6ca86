"""hv-ecs-require-circuit-breaker through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource, not_applicable

CIRCUIT_BREAKER = "hv-ecs-require-circuit-breaker"


def test_ecs_services_roll_back_failed_deployments(operability: Any) -> None:
    found = by_resource(operability, CIRCUIT_BREAKER)
    assert found == {
        "unguarded-svc": ["aws:ecs/service:Service 'unguarded-svc' has no deployment circuit breaker: a task "
                          "that never becomes healthy keeps the deployment looping. Set "
                          "deployment_circuit_breaker={'enable': True, 'rollback': True}."],
        "no-rollback-svc": ["aws:ecs/service:Service 'no-rollback-svc' enables the circuit breaker without "
                            "rollback: a failed deployment stops but stays on the broken revision. Set "
                            "deployment_circuit_breaker.rollback=True."]}
    assert not_applicable(operability, CIRCUIT_BREAKER) == {
        "blue-green-svc": "deployment controller CODE_DEPLOY does its own rollbacks"}
