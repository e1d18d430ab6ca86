from __future__ import annotations

import json

import pytest

from preflight.model import Inventory, ResourceRecord

SUBNET = "aws:ec2/subnet:Subnet"


def subnets(stack: Inventory, tier: str) -> list[ResourceRecord]:
    return [s for s in stack.of_type(SUBNET) if s.inputs["tags"]["tier"] == tier]


@pytest.mark.parametrize(("stack_name", "azs"), [("dev", 2), ("prod", 3)])
def test_three_subnet_tiers_per_az(stack_name: str, azs: int, request: pytest.FixtureRequest) -> None:
    stack: Inventory = request.getfixturevalue(stack_name)
    for tier in ("public", "private-app", "isolated-data"):
        tier_subnets = subnets(stack, tier)
        assert len(tier_subnets) == azs
        assert len({s.inputs["availabilityZone"] for s in tier_subnets}) == azs


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_only_public_subnets_map_public_ips(stack_name: str, request: pytest.FixtureRequest) -> None:
    stack: Inventory = request.getfixturevalue(stack_name)
    for subnet in stack.of_type(SUBNET):
        public = subnet.inputs["tags"]["tier"] == "public"
        assert subnet.inputs["mapPublicIpOnLaunch"] is public


def test_dev_shares_one_nat_gateway(dev: Inventory) -> None:
    assert len(dev.of_type("aws:ec2/natGateway:NatGateway")) == 1
    nat_routes = [r for r in dev.of_type("aws:ec2/route:Route") if r.inputs.get("natGatewayId")]
    assert len(nat_routes) == 2
    assert len({r.inputs["natGatewayId"] for r in nat_routes}) == 1


def test_prod_has_one_nat_gateway_per_az(prod: Inventory) -> None:
    nats = prod.of_type("aws:ec2/natGateway:NatGateway")
    assert len(nats) == 3
    public_ids = {s.id for s in subnets(prod, "public")}
    assert {n.inputs["subnetId"] for n in nats} == public_ids
    nat_routes = [r for r in prod.of_type("aws:ec2/route:Route") if r.inputs.get("natGatewayId")]
    assert len({r.inputs["natGatewayId"] for r in nat_routes}) == 3


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_isolated_subnets_have_no_route_to_the_internet(stack_name: str,
                                                        request: pytest.FixtureRequest) -> None:
    stack: Inventory = request.getfixturevalue(stack_name)
    table = stack.named("network-isolated-data-rt")
    routes = [r for r in stack.of_type("aws:ec2/route:Route") if r.inputs["routeTableId"] == table.id]
    assert routes == []
    associations = [a for a in stack.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
                    if a.inputs["routeTableId"] == table.id]
    assert {a.inputs["subnetId"] for a in associations} == {s.id for s in subnets(stack, "isolated-data")}


def test_public_route_goes_to_the_internet_gateway(dev: Inventory) -> None:
    route = dev.named("network-public-default-route")
    assert route.inputs["gatewayId"] == dev.named("network-igw").id
    assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_gateway_endpoints_for_s3_and_dynamodb(stack_name: str, request: pytest.FixtureRequest) -> None:
    stack: Inventory = request.getfixturevalue(stack_name)
    gateways = [e for e in stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                if e.inputs["vpcEndpointType"] == "Gateway"]
    assert sorted(e.inputs["serviceName"] for e in gateways) == [
        "com.amazonaws.us-east-2.dynamodb", "com.amazonaws.us-east-2.s3"]
    private_tables = {t.id for t in stack.of_type("aws:ec2/routeTable:RouteTable")
                      if "private-app" in t.name or "isolated" in t.name}
    for endpoint in gateways:
        assert set(endpoint.inputs["routeTableIds"]) == private_tables


def test_dev_has_no_interface_endpoints(dev: Inventory) -> None:
    interface = [e for e in dev.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                 if e.inputs["vpcEndpointType"] == "Interface"]
    assert interface == []


def test_prod_interface_endpoints_have_their_own_security_group(prod: Inventory) -> None:
    interface = [e for e in prod.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                 if e.inputs["vpcEndpointType"] == "Interface"]
    assert sorted(e.inputs["serviceName"].rsplit(".", 2)[-1] if "ecr" not in e.inputs["serviceName"]
                  else e.inputs["serviceName"].split("us-east-2.")[1] for e in interface) == [
        "bedrock-runtime", "ecr.api", "ecr.dkr", "logs", "secretsmanager"]
    group = prod.named("network-endpoints-sg")
    assert group.inputs["ingress"] == [{
        "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.30.0.0/16"],
        "description": "HTTPS from the VPC"}]
    for endpoint in interface:
        assert endpoint.inputs["securityGroupIds"] == [group.id]
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert set(endpoint.inputs["subnetIds"]) == {s.id for s in subnets(prod, "private-app")}


@pytest.mark.parametrize(("stack_name", "traffic", "days"), [("dev", "REJECT", 7), ("prod", "ALL", 90)])
def test_flow_logs(stack_name: str, traffic: str, days: int, request: pytest.FixtureRequest) -> None:
    stack: Inventory = request.getfixturevalue(stack_name)
    flow_log = stack.named("network-flow-log")
    group = stack.named("network-flow-logs")
    assert flow_log.inputs["trafficType"] == traffic
    assert flow_log.inputs["logDestination"] == group.outputs["arn"]
    assert group.inputs["retentionInDays"] == days


def test_flow_log_role_is_least_privilege(dev: Inventory) -> None:
    role = dev.named("network-flow-logs-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "891377221201"}
    policy = json.loads(dev.named("network-flow-logs-policy").inputs["policy"])
    (statement,) = policy["Statement"]
    group_arn = dev.named("network-flow-logs").outputs["arn"]
    assert statement["Resource"] == [group_arn, f"{group_arn}:*"]
    assert all(action.startswith("logs:") and "*" not in action for action in statement["Action"])


def test_default_security_group_is_emptied(dev: Inventory) -> None:
    group = dev.named("network-default-sg")
    assert group.inputs.get("ingress", []) == []
    assert group.inputs.get("egress", []) == []


def test_every_network_resource_is_parented_to_the_component(dev: Inventory) -> None:
    component = dev.named("network")
    assert component.type == "hv:network:VpcNetwork"
    children = [r for r in dev.resources if r.urn.split("::")[2].startswith("hv:network:VpcNetwork$")]
    assert len(children) == len(dev.children_of(component)) == 30
    provider = dev.named("aws-us-east-2")
    assert all(child.provider.startswith(provider.urn) for child in children)


def test_network_outputs_are_registered(dev: Inventory) -> None:
    assert dev.stack_outputs["vpcId"] == dev.named("network-vpc").id
    assert len(dev.stack_outputs["privateSubnetIds"]) == 2


def test_az_count_and_nat_follow_overrides(run_stack) -> None:  # type: ignore[no-untyped-def]
    stack = run_stack("dev", network={"cidr": "10.20.0.0/16", "azCount": 3, "nat": "none"})
    assert len(stack.of_type(SUBNET)) == 9
    assert stack.of_type("aws:ec2/natGateway:NatGateway") == []
