"""hv-ecs-forbid-public-ips through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

ECS_IPS = "hv-ecs-forbid-public-ips"


def test_ecs_service_with_a_public_ip_is_refused(exposure: Any) -> None:
    assert by_resource(exposure, ECS_IPS) == {"public-svc": [
        "aws:ecs/service:Service 'public-svc' sets networkConfiguration.assignPublicIp=true: every task "
        "gets a public IP, reachable around the ALB. Set assign_public_ip=False and run the tasks in the "
        "private-app subnets (egress through NAT)."]}
