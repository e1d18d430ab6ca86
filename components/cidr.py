"""Subnet planning for the VPC: a pure function, so it can be tested exhaustively.

Each tier gets a fixed share of the VPC, and room for `MAX_AZS` is always reserved, so going from
2 to 3 AZs adds subnets without moving the existing ones (a moved subnet is a replaced subnet).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

MAX_AZS = 3
# Extra prefix bits per tier: for a /16 VPC, private-app /19 (8k addresses for Fargate tasks),
# isolated-data /21 (RDS, Redis), public /22 (ALB nodes and NAT gateways only).
TIER_PREFIX_DELTA = {"private_app": 3, "isolated_data": 5, "public": 6}


@dataclass(frozen=True)
class SubnetPlan:
    public: tuple[str, ...]
    private_app: tuple[str, ...]
    isolated_data: tuple[str, ...]


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    """Carve the three tiers out of `vpc_cidr`, largest blocks first, each block aligned."""
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count {az_count} is out of range (allowed: 1–{MAX_AZS})")
    vpc = ipaddress.IPv4Network(vpc_cidr)
    cursor = int(vpc.network_address)
    tiers: dict[str, list[str]] = {}
    for tier, delta in sorted(TIER_PREFIX_DELTA.items(), key=lambda item: item[1]):
        prefix = vpc.prefixlen + delta
        size = 2 ** (32 - prefix)
        cursor = -(-cursor // size) * size  # align up to the block size
        blocks = [ipaddress.IPv4Network((cursor + index * size, prefix)) for index in range(MAX_AZS)]
        cursor += MAX_AZS * size
        if not blocks[-1].subnet_of(vpc):
            raise ValueError(f"{vpc_cidr} is too small for the subnet plan")
        tiers[tier] = [str(block) for block in blocks[:az_count]]
    return SubnetPlan(public=tuple(tiers["public"]), private_app=tuple(tiers["private_app"]),
                      isolated_data=tuple(tiers["isolated_data"]))
