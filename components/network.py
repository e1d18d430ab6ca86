"""VpcNetwork: three subnet tiers per AZ, NAT egress for workers, endpoints, flow logs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .cidr import plan_subnets
from .context import StackContext
from .grants import policy_document, service_trust_policy
from .network_config import FlowLogTraffic, NatStrategy

DEFAULT_GATEWAY_ENDPOINTS = ("s3", "dynamodb")
# VPC flow logs aggregate over 60 s or 600 s; one minute keeps investigations timely.
DEFAULT_FLOW_LOG_AGGREGATION_SECONDS = 60


@dataclass(frozen=True, kw_only=True)
class VpcNetworkArgs:
    cidr: str
    context: StackContext
    az_count: int
    nat: NatStrategy
    flow_log_traffic: FlowLogTraffic
    flow_log_retention_days: int
    tags: Mapping[str, str]
    interface_endpoints: Sequence[str] = ()
    gateway_endpoints: Sequence[str] = DEFAULT_GATEWAY_ENDPOINTS
    # Pinned zones, checked against the region's available ones; empty: the first `az_count` of those.
    availability_zones: Sequence[str] = field(default=())


class VpcNetwork(pulumi.ComponentResource):
    """VPC with public (ALB, NAT), private-app (Fargate) and isolated-data (RDS, Redis) subnets.

    Isolated subnets have no route to the internet; private-app subnets reach it through NAT
    (the Cognito token endpoint has no PrivateLink). Only public subnets map public IPs.
    """

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    isolated_subnet_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: VpcNetworkArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:network:VpcNetwork", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)

        zones = self._zones()
        plan = plan_subnets(args.cidr, args.az_count)
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc", cidr_block=args.cidr, enable_dns_support=True,
            enable_dns_hostnames=True, tags=self._tags("vpc"), opts=self._child)
        # An emptied default security group: nothing can silently fall back on it.
        self.default_security_group = aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=self.vpc.id, ingress=[], egress=[],
            tags=self._tags("default-do-not-use"), opts=self._child)

        self.public_subnets = self._subnets("public", plan.public, zones, public=True)
        self.private_subnets = self._subnets("private-app", plan.private_app, zones)
        self.isolated_subnets = self._subnets("isolated-data", plan.isolated_data, zones)

        self.internet_gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags=self._tags("igw"), opts=self._child)
        self.public_route_table = self._route_table(
            "public", self.public_subnets, gateway_id=self.internet_gateway.id)
        self.nat_gateways = self._create_nat_gateways()
        self.private_route_tables = [
            self._route_table(f"private-app-{index}", [subnet],
                              nat_gateway_id=self._nat_for(index))
            for index, subnet in enumerate(self.private_subnets)
        ]
        self.isolated_route_table = self._route_table("isolated-data", self.isolated_subnets)

        self.gateway_endpoints = self._create_gateway_endpoints()
        self.endpoint_security_group, self.interface_endpoints = self._create_interface_endpoints()
        self.flow_log_group, self.flow_log_role, self.flow_log = self._create_flow_logs()

        self.vpc_id = self.vpc.id
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in self.public_subnets])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in self.private_subnets])
        self.isolated_subnet_ids = pulumi.Output.all(*[s.id for s in self.isolated_subnets])
        self.register_outputs({
            "vpc_id": self.vpc_id,
            "vpc_cidr": args.cidr,
            "public_subnet_ids": self.public_subnet_ids,
            "private_subnet_ids": self.private_subnet_ids,
            "isolated_subnet_ids": self.isolated_subnet_ids,
            "nat_gateway_ids": [nat.id for nat in self.nat_gateways],
        })

    def _tags(self, role: str) -> dict[str, str]:
        return {**self._args.tags, "Name": f"{self._args.context.name_prefix}-{role}"}

    def _zones(self) -> list[str]:
        args = self._args
        available = sorted(aws.get_availability_zones(
            state="available", filters=[aws.GetAvailabilityZonesFilterArgs(
                name="opt-in-status", values=["opt-in-not-required"])],
            opts=pulumi.InvokeOptions(parent=self)).names)
        if args.availability_zones:
            unavailable = [zone for zone in args.availability_zones if zone not in available]
            if unavailable:
                raise ValueError(
                    f"network.availabilityZones: {', '.join(unavailable)} not available in {args.context.region} now "
                    f"(available: {', '.join(available) or 'none'}); wait for the zone to recover, or pin "
                    "available zones (a moved zone replaces its subnets and everything in them)")
            return list(args.availability_zones)
        if len(available) < args.az_count:
            raise ValueError(f"{args.context.region} offers {len(available)} availability zones, "
                             f"{args.az_count} were asked for")
        return available[: args.az_count]

    def _subnets(self, tier: str, cidrs: Sequence[str], zones: Sequence[str],
                 public: bool = False) -> list[aws.ec2.Subnet]:
        return [
            aws.ec2.Subnet(
                f"{self._name}-{tier}-{index}", vpc_id=self.vpc.id, cidr_block=cidr,
                availability_zone=zone, map_public_ip_on_launch=public,
                tags={**self._tags(f"{tier}-{zone}"), "tier": tier}, opts=self._child)
            for index, (cidr, zone) in enumerate(zip(cidrs, zones, strict=True))
        ]

    def _route_table(self, role: str, subnets: Sequence[aws.ec2.Subnet], *,
                     gateway_id: pulumi.Input[str] | None = None,
                     nat_gateway_id: pulumi.Input[str] | None = None) -> aws.ec2.RouteTable:
        table = aws.ec2.RouteTable(f"{self._name}-{role}-rt", vpc_id=self.vpc.id,
                                   tags=self._tags(f"{role}-rt"), opts=self._child)
        if gateway_id is not None or nat_gateway_id is not None:
            aws.ec2.Route(f"{self._name}-{role}-default-route", route_table_id=table.id,
                          destination_cidr_block="0.0.0.0/0", gateway_id=gateway_id,
                          nat_gateway_id=nat_gateway_id, opts=self._child)
        for index, subnet in enumerate(subnets):
            aws.ec2.RouteTableAssociation(f"{self._name}-{role}-rta-{index}", subnet_id=subnet.id,
                                          route_table_id=table.id, opts=self._child)
        return table

    def _create_nat_gateways(self) -> list[aws.ec2.NatGateway]:
        count = {"single": 1, "per-az": len(self.public_subnets), "none": 0}[self._args.nat]
        gateways = []
        for index in range(count):
            eip = aws.ec2.Eip(f"{self._name}-nat-eip-{index}", domain="vpc",
                              tags=self._tags(f"nat-eip-{index}"), opts=self._child)
            gateways.append(aws.ec2.NatGateway(
                f"{self._name}-nat-{index}", allocation_id=eip.id,
                subnet_id=self.public_subnets[index].id, tags=self._tags(f"nat-{index}"),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.internet_gateway])))
        return gateways

    def _nat_for(self, az_index: int) -> pulumi.Output[str] | None:
        if not self.nat_gateways:
            return None
        return self.nat_gateways[min(az_index, len(self.nat_gateways) - 1)].id

    def _create_gateway_endpoints(self) -> list[aws.ec2.VpcEndpoint]:
        route_tables = [table.id for table in (*self.private_route_tables, self.isolated_route_table)]
        return [
            aws.ec2.VpcEndpoint(
                f"{self._name}-{service}-endpoint", vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{self._args.context.region}.{service}",
                vpc_endpoint_type="Gateway", route_table_ids=route_tables,
                tags=self._tags(f"{service}-endpoint"), opts=self._child)
            for service in self._args.gateway_endpoints
        ]

    def _create_interface_endpoints(
        self,
    ) -> tuple[aws.ec2.SecurityGroup | None, list[aws.ec2.VpcEndpoint]]:
        if not self._args.interface_endpoints:
            return None, []
        group = aws.ec2.SecurityGroup(
            f"{self._name}-endpoints-sg", vpc_id=self.vpc.id,
            description="HTTPS from inside the VPC to the interface endpoints",
            ingress=[aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=[self._args.cidr],
                description="HTTPS from the VPC")],
            egress=[], tags=self._tags("endpoints-sg"), opts=self._child)
        endpoints = [
            aws.ec2.VpcEndpoint(
                f"{self._name}-{service.replace('.', '-')}-endpoint", vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{self._args.context.region}.{service}",
                vpc_endpoint_type="Interface", private_dns_enabled=True,
                subnet_ids=[subnet.id for subnet in self.private_subnets],
                security_group_ids=[group.id], tags=self._tags(f"{service}-endpoint"),
                opts=self._child)
            for service in self._args.interface_endpoints
        ]
        return group, endpoints

    def _create_flow_logs(self) -> tuple[aws.cloudwatch.LogGroup, aws.iam.Role, aws.ec2.FlowLog]:
        args = self._args
        log_group = aws.cloudwatch.LogGroup(
            f"{self._name}-flow-logs", name=f"/{args.context.name_prefix}/vpc-flow-logs",
            retention_in_days=args.flow_log_retention_days, tags=self._tags("flow-logs"),
            opts=self._child)
        # Only flow logs of this account may assume the role.
        trust = service_trust_policy("vpc-flow-logs.amazonaws.com", args.context.account_id,
                                     f"arn:aws:ec2:{args.context.region}:{args.context.account_id}:vpc-flow-log/*")
        role = aws.iam.Role(f"{self._name}-flow-logs-role", name=f"{args.context.name_prefix}-vpc-flow-logs",
                            assume_role_policy=trust, tags=self._tags("flow-logs-role"),
                            opts=self._child)
        aws.iam.RolePolicy(
            f"{self._name}-flow-logs-policy", role=role.id,
            policy=policy_document([{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [log_group.arn, pulumi.Output.concat(log_group.arn, ":*")],
            }]),
            opts=self._child)
        flow_log = aws.ec2.FlowLog(
            f"{self._name}-flow-log", vpc_id=self.vpc.id, traffic_type=args.flow_log_traffic,
            log_destination_type="cloud-watch-logs", log_destination=log_group.arn,
            iam_role_arn=role.arn, max_aggregation_interval=DEFAULT_FLOW_LOG_AGGREGATION_SECONDS,
            tags=self._tags("flow-log"), opts=self._child)
        return log_group, role, flow_log
