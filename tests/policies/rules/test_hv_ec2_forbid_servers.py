"""hv-ec2-forbid-servers through the real pack: refusals, passes and near misses."""

from __future__ import annotations

import pytest

from tests.policies.conftest import Check

SERVERS = "hv-ec2-forbid-servers"

FARGATE_TASK = """
aws.ecs.TaskDefinition("task", family="t", cpu="256", memory="512", network_mode="awsvpc",
                       requires_compatibilities={compat}, container_definitions="[]",
                       tags=TAGS, opts=opts)
"""


@pytest.mark.parametrize(("resource", "expected"), [
    ('aws.ec2.Instance("box", ami="ami-1", instance_type="t3.micro", tags=TAGS, opts=opts)',
     "'box' is an EC2 instance"),
    ('aws.ec2.KeyPair("key", public_key="ssh-ed25519 AAAA", tags=TAGS, opts=opts)',
     "'key' is an SSH key pair"),
    ('aws.ec2.LaunchTemplate("lt", image_id="ami-1", tags=TAGS, opts=opts)',
     "'lt' is an EC2 launch template"),
    ('aws.autoscaling.Group("asg", max_size=1, min_size=1, availability_zones=["us-east-2a"], opts=opts)',
     "'asg' is an EC2 auto-scaling group"),
    (FARGATE_TASK.format(compat='["EC2"]'), "requiresCompatibilities=['EC2']"),
    (FARGATE_TASK.format(compat='["FARGATE", "EC2"]'), "requiresCompatibilities=['FARGATE', 'EC2']"),
    (FARGATE_TASK.format(compat="None"), "requiresCompatibilities=[]"),
    ('aws.ecs.Service("svc", launch_type="EC2", tags=TAGS, opts=opts)', "uses launch type EC2"),
])
def test_servers_are_refused(check: Check, resource: str, expected: str) -> None:
    (message,) = check(resource).of(SERVERS)
    assert expected in message


def test_fargate_tasks_and_services_pass(check: Check) -> None:
    outcome = check(FARGATE_TASK.format(compat='["FARGATE"]') + """
aws.ecs.Service("svc", capacity_provider_strategies=[{"capacity_provider": "FARGATE_SPOT", "weight": 1}],
                tags=TAGS, opts=opts)
aws.ecs.Service("svc2", launch_type="FARGATE", tags=TAGS, opts=opts)
""")
    assert outcome.of(SERVERS) == []
