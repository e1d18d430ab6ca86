"""hv-ec2-restrict-world-ingress through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

WORLD_INGRESS = "hv-ec2-restrict-world-ingress"


def test_world_ingress_is_limited_to_tcp_80_and_443(exposure: Any) -> None:
    found = by_resource(exposure, WORLD_INGRESS)
    # The ALB's 80/443 (IPv4 and IPv6), SSH from the VPC and world egress are not exposure.
    assert set(found) == {"ssh-sg", "all-sg", "range-sg", "v6-sg", "udp-sg", "legacy-ssh", "everything-v6"}
    assert found["ssh-sg"] == ["aws:ec2/securityGroup:SecurityGroup 'ssh-sg': ingress[0] opens tcp port 22 "
                               "to 0.0.0.0/0. Only tcp/80 and tcp/443 (the ALB) may face the internet; take "
                               "the source from a security group or the VPC CIDR instead."]
    assert "ingress[0] opens all protocols and ports to 0.0.0.0/0" in found["all-sg"][0]
    assert "ingress[0] opens tcp ports 80-443 to 0.0.0.0/0" in found["range-sg"][0]
    assert "ingress[0] opens tcp port 5432 to ::/0" in found["v6-sg"][0]
    assert "ingress[0] opens udp port 443 to 0.0.0.0/0" in found["udp-sg"][0]
    assert found["legacy-ssh"][0].startswith("aws:ec2/securityGroupRule:SecurityGroupRule 'legacy-ssh': "
                                             "the rule opens tcp port 22 to 0.0.0.0/0.")
    assert "'everything-v6': the rule opens all protocols and ports to ::/0" in found["everything-v6"][0]
