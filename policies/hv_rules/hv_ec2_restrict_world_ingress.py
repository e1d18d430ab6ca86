"""Security (public exposure): only tcp/80 and tcp/443 may be open to 0.0.0.0/0 or ::/0."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import as_list
from .support import resource_rule, short_name

WORLD_OPEN_PORTS = frozenset({80, 443})
GROUPS_WITH_INLINE_RULES = ("aws:ec2/securityGroup:SecurityGroup",
                            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ALL_PROTOCOLS = ("-1", "all")
TCP = ("tcp", "6")
PORTED = (*TCP, "udp", "17")


def is_world(cidr: Any) -> bool:
    try:
        return isinstance(cidr, str) and ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def opened(protocol: Any, from_port: Any, to_port: Any) -> str | None:
    """What a world-open rule exposes beyond tcp/80 and tcp/443, or None if nothing."""
    protocol = str(protocol).lower() if protocol is not None else "-1"
    if protocol in ALL_PROTOCOLS:
        return "all protocols and ports"
    if protocol not in PORTED:
        return f"protocol {protocol}"
    low, high = int(from_port or 0), int(to_port if to_port is not None else from_port or 0)
    if protocol in TCP and low == high and low in WORLD_OPEN_PORTS:
        return None
    ports = f"port {low}" if low == high else f"ports {low}-{high}"
    return f"{'tcp' if protocol in TCP else 'udp'} {ports}"


def world_rules(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any, Any, Any]]:
    """(where, cidr, protocol, from, to) for every ingress rule whose source is the whole internet."""
    if resource_type in GROUPS_WITH_INLINE_RULES:
        for index, rule in enumerate(as_list(props.get("ingress"))):
            for cidr in as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks")):
                if is_world(cidr):
                    yield (f"ingress[{index}]", cidr, rule.get("protocol"), rule.get("fromPort"),
                           rule.get("toPort"))
    elif resource_type == LEGACY_RULE and props.get("type") == "ingress":
        for cidr in as_list(props.get("cidrBlocks")) + as_list(props.get("ipv6CidrBlocks")):
            if is_world(cidr):
                yield "the rule", cidr, props.get("protocol"), props.get("fromPort"), props.get("toPort")
    elif resource_type == INGRESS_RULE:
        for cidr in (props.get("cidrIpv4"), props.get("cidrIpv6")):
            if is_world(cidr):
                yield "the rule", cidr, props.get("ipProtocol"), props.get("fromPort"), props.get("toPort")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    for where, cidr, protocol, from_port, to_port in world_rules(args.resource_type, args.props):
        exposed = opened(protocol, from_port, to_port)
        if exposed is not None:
            report_violation(f"{resource}: {where} opens {exposed} to {cidr}. Only tcp/80 and tcp/443 "
                             "(the ALB) may face the internet; take the source from a security group "
                             "or the VPC CIDR instead.")


policy = resource_rule(
    "hv-ec2-restrict-world-ingress",
    kind=SECURITY,
    description="Security-group ingress from 0.0.0.0/0 or ::/0 is limited to tcp/80 and tcp/443.",
    severity=Severity.CRITICAL,
    remediation_steps="Open the world only on the ALB's 80/443; everything else takes its source from a "
                      "security group (referenced_security_group_id) or the VPC CIDR.",
    anchors=("cdk-nag:AwsSolutions-EC23", "checkov:CKV_AWS_24", "checkov:CKV_AWS_25", "checkov:CKV_AWS_277"),
    validate=validate,
)
