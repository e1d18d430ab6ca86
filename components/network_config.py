"""The `hv-foundation:network` section: the VPC's range, its AZs, NAT, endpoints and flow logs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import yaml

from .config_reader import Section, show
from .environment import Environment, EnvironmentSetting, log_retention

NatStrategy = Literal["single", "per-az", "none"]
FlowLogTraffic = Literal["ACCEPT", "REJECT", "ALL"]
NAT_STRATEGIES: tuple[NatStrategy, ...] = ("single", "per-az", "none")
FLOW_LOG_TRAFFIC: tuple[FlowLogTraffic, ...] = ("ACCEPT", "REJECT", "ALL")
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime")

AZ_COUNT = EnvironmentSetting("azCount", 2, 3, "availability zones (2–3), each with public, private-app and "
                              "isolated-data subnets", section="network", minimum=2, maximum=3)
NAT = EnvironmentSetting("nat", "single", "per-az", "NAT gateways: one shared, one per AZ, or none",
                         section="network", allowed=NAT_STRATEGIES)
INTERFACE_ENDPOINTS = EnvironmentSetting("interfaceEndpoints", False, True, "interface endpoints for "
                                         f"{', '.join(INTERFACE_ENDPOINT_SERVICES)}", section="network")
FLOW_LOG_TRAFFIC_SETTING = EnvironmentSetting("traffic", "REJECT", "ALL", "which traffic the VPC flow logs "
                                              "record", section="network.flowLogs", allowed=FLOW_LOG_TRAFFIC)
FLOW_LOG_RETENTION = log_retention("retentionDays", 7, 90, "days CloudWatch keeps the VPC flow logs",
                                   section="network.flowLogs")
NETWORK_SETTINGS = (AZ_COUNT, NAT, INTERFACE_ENDPOINTS, FLOW_LOG_TRAFFIC_SETTING, FLOW_LOG_RETENTION)


@dataclass(frozen=True)
class NetworkConfig:
    cidr: str
    az_count: int
    # Pinned zone names (empty: the first `az_count` zones the region reports available).
    availability_zones: tuple[str, ...]
    nat: NatStrategy
    interface_endpoints: tuple[str, ...]
    flow_log_traffic: FlowLogTraffic
    flow_log_retention_days: int


def parse_network(section: Section, environment: Environment, region: str) -> NetworkConfig:
    cidr = section.string("cidr")
    if cidr is not None:
        _check_vpc_cidr(section, cidr)
    flow_logs = section.section("flowLogs")
    zones = _pinned_zones(section, region)
    az_count = cast(int, AZ_COUNT.read(section, environment)) if section.has(AZ_COUNT.key) or not zones else len(zones)
    if zones and az_count != len(zones):
        section.problem(AZ_COUNT.key, f"{az_count} disagrees with the {len(zones)} availabilityZones "
                        "(the pinned zones set the count; drop azCount)")
    network = NetworkConfig(
        cidr=cidr,
        az_count=az_count,
        availability_zones=zones,
        nat=cast(NatStrategy, NAT.read(section, environment)),
        interface_endpoints=INTERFACE_ENDPOINT_SERVICES if INTERFACE_ENDPOINTS.read(section, environment) else (),
        flow_log_traffic=cast(FlowLogTraffic, FLOW_LOG_TRAFFIC_SETTING.read(flow_logs, environment)),
        flow_log_retention_days=cast(int, FLOW_LOG_RETENTION.read(flow_logs, environment)),
    )
    flow_logs.finish()
    section.finish()
    return network


def _pinned_zones(section: Section, region: str) -> tuple[str, ...]:
    """Zone names fixed in the stack file: subnets must not move when the region's list of
    available zones changes (a move replaces every subnet of the zone and what runs in it)."""
    key = "availabilityZones"
    zones = section.string_list(key)
    foreign = [zone for zone in zones if not re.fullmatch(rf"{re.escape(region)}[a-z]", zone)]
    if foreign:
        section.problem(key, f"{', '.join(map(show, foreign))} is not a zone of {region} "
                        f"(allowed: {region} and a letter, e.g. {region}a)")
    elif len(set(zones)) != len(zones):
        twice = sorted({zone for zone in zones if zones.count(zone) > 1})
        section.problem(key, f"{', '.join(map(show, twice))} is listed twice (each zone holds one subnet per tier)")
    elif zones and not cast(int, AZ_COUNT.minimum) <= len(zones) <= cast(int, AZ_COUNT.maximum):
        section.problem(key, f"{len(zones)} zones is out of range (allowed: {AZ_COUNT.minimum}–{AZ_COUNT.maximum})")
    else:
        return zones
    return ()


MIN_VPC_PREFIX, MAX_VPC_PREFIX = 16, 20
_PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _check_vpc_cidr(section: Section, cidr: str) -> None:
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as error:
        section.problem("cidr", f"{show(cidr)} is not a valid IPv4 network ({error}; e.g. 10.20.0.0/16)")
        return
    if not isinstance(network, ipaddress.IPv4Network):
        section.problem("cidr", f"{show(cidr)} is not an IPv4 network (allowed: a private IPv4 /16–/20)")
    elif not MIN_VPC_PREFIX <= network.prefixlen <= MAX_VPC_PREFIX:
        section.problem("cidr", f"{show(cidr)} has prefix /{network.prefixlen} "
                        f"(allowed: /{MIN_VPC_PREFIX} to /{MAX_VPC_PREFIX})")
    elif not any(network.subnet_of(private) for private in _PRIVATE_RANGES):
        section.problem("cidr", f"{show(cidr)} is not a private range "
                        "(allowed: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")


# libyaml's safe loader where PyYAML was built with it: the same documents, eight times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def stack_file_cidrs(directory: Path) -> dict[str, str]:
    """The VPC range of each stack file in `directory` (`Pulumi.<stack>.yaml`) that sets one."""
    cidrs = {}
    for stack_file in sorted(directory.glob("Pulumi.*.yaml")):
        try:
            document = yaml.load(stack_file.read_text(), Loader=_SAFE_LOADER) or {}
        except (OSError, yaml.YAMLError):
            continue  # that stack's own run reports its broken file
        config = document.get("config") if isinstance(document, dict) else None
        network = config.get("hv-foundation:network") if isinstance(config, dict) else None
        cidr = network.get("cidr") if isinstance(network, dict) else None
        if isinstance(cidr, str):
            cidrs[stack_file.name[len("Pulumi."):-len(".yaml")]] = cidr
    return cidrs


def overlapping_cidrs(cidrs: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Each pair of stacks whose VPC ranges overlap: peering or a VPN needs them distinct."""
    networks = {}
    for stack, cidr in cidrs.items():
        try:
            networks[stack] = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            continue  # an invalid range is that stack's own config error
    stacks = sorted(networks)
    for index, stack in enumerate(stacks):
        for other in stacks[index + 1:]:
            if networks[stack].overlaps(networks[other]):
                yield stack, other


def overlapping_stack_cidrs(stack: str, cidr: str, directory: Path) -> list[str]:
    """Warnings for the other stack files in `directory` whose VPC range overlaps `stack`'s."""
    cidrs = {**stack_file_cidrs(directory), stack: cidr}
    return [f"hv-foundation:network.cidr {cidr} of stack {stack!r} overlaps {cidrs[other]} of stack {other!r} "
            f"(Pulumi.{other}.yaml): give each stack its own range, peering or a VPN needs them distinct"
            for pair in overlapping_cidrs(cidrs) if stack in pair
            for other in pair if other != stack]
