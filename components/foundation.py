"""Wiring: the typed stack config in, every pillar's component out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from .config import StackConfig
from .naming import resource_tags
from .network import VpcNetwork, VpcNetworkArgs
from .provider import contract_provider


@dataclass(frozen=True)
class Foundation:
    network: VpcNetwork

    def outputs(self) -> dict[str, Any]:
        return {
            "vpcId": self.network.vpc_id,
            "privateSubnetIds": self.network.private_subnet_ids,
            "isolatedSubnetIds": self.network.isolated_subnet_ids,
        }


def build_foundation(config: StackConfig) -> Foundation:
    provider = contract_provider(config)
    inherit = pulumi.ResourceOptions(providers=[provider])
    network_config = config.network
    network = VpcNetwork("network", VpcNetworkArgs(
        cidr=network_config.cidr,
        region=config.aws.region,
        account_id=config.aws.account_id,
        az_count=network_config.az_count,
        nat=network_config.nat,
        interface_endpoints=network_config.interface_endpoints,
        flow_log_traffic=network_config.flow_log_traffic,
        flow_log_retention_days=network_config.flow_log_retention_days,
        name_prefix=config.physical_name(),
        tags=resource_tags("aws", "vpc"),
    ), opts=inherit)
    return Foundation(network=network)
