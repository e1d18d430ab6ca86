"""hv-ecs-require-cloudwatch-logging through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

CLOUDWATCH_LOGGING = "hv-ecs-require-cloudwatch-logging"


def test_every_container_logs_to_cloudwatch(operability: Any) -> None:
    assert by_resource(operability, CLOUDWATCH_LOGGING) == {"silent-task": [
        "aws:ecs/taskDefinition:TaskDefinition 'silent-task': container 'sidecar' has no logConfiguration, "
        "so its output never reaches CloudWatch. Set logConfiguration={'logDriver': 'awslogs', 'options': "
        "{'awslogs-group': <the service's log group>, 'awslogs-region': 'us-east-2', "
        "'awslogs-stream-prefix': <container>}}.",
        "aws:ecs/taskDefinition:TaskDefinition 'silent-task': container 'router' logs with driver "
        "'awsfirelens', so its output never reaches CloudWatch. Set logConfiguration={'logDriver': "
        "'awslogs', 'options': {'awslogs-group': <the service's log group>, 'awslogs-region': 'us-east-2', "
        "'awslogs-stream-prefix': <container>}}."]}
