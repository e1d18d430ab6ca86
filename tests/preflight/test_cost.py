"""The offline cost estimate: arithmetic on small known inventories and on both stacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from preflight import cost
from preflight.cli import main
from preflight.model import Inventory, PreflightError, ResourceRecord

HOURS = 730


def record(type_: str, resource_name: str, /, pillar: str = "p", **inputs: Any) -> ResourceRecord:
    return ResourceRecord(urn=f"urn:pulumi:dev::demo::{type_}::{resource_name}", id=resource_name,
                          type=type_, name=resource_name, parent="", provider="", custom=True, remote=False,
                          inputs={"tags": {"pillar": pillar, "service": resource_name}, **inputs},
                          outputs={}, options={}, dependencies=(), property_dependencies={})


def inventory(*resources: ResourceRecord) -> Inventory:
    return Inventory(project="demo", stack="dev", resources=resources, stack_outputs={})


def usage(tmp_path: Path, data: dict[str, Any]) -> cost.Usage:
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(data))
    return cost.load_usage(path)


def test_hourly_and_usage_priced_lines_add_up(tmp_path: Path) -> None:
    inv = inventory(
        record("aws:ec2/natGateway:NatGateway", "nat", pillar="net"),
        record("aws:ecs/taskDefinition:TaskDefinition", "task", family="hv-dev-api", cpu="1024",
               memory="2048", runtimePlatform={"cpuArchitecture": "ARM64"}),
        record("aws:ecs/service:Service", "api", name="api",
               taskDefinition="arn:aws:ecs:us-east-2:1:task-definition/hv-dev-api:3", desiredCount=1),
        record("aws:appautoscaling/target:Target", "scaling", resourceId="service/hv-dev/api", minCapacity=3),
        record("aws:rds/instance:Instance", "db", engine="postgres", instanceClass="db.t4g.micro",
               allocatedStorage=20, storageType="gp3", multiAz=True),
        record("aws:ec2/vpcEndpoint:VpcEndpoint", "logs", vpcEndpointType="Interface",
               subnetIds=["a", "b", "c"]),
        record("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", vpcEndpointType="Gateway"),
    )
    result = cost.estimate(inv, usage=usage(tmp_path, {"resources": {"nat": {"gbProcessed": 100},
                                                                     "logs": {"gbProcessed": 0}}}))
    nat = 0.045 * HOURS + 0.045 * 100
    fargate = 3 * (1 * 0.03238 + 2 * 0.00356) * HOURS  # the autoscaling floor, not desiredCount
    rds = 2 * 0.016 * HOURS + 2 * 20 * 0.115
    endpoints = 3 * 0.01 * HOURS
    assert result.by_pillar == {"p": pytest.approx(fargate + rds + endpoints), "net": pytest.approx(nat)}
    assert result.total == pytest.approx(nat + fargate + rds + endpoints)
    assert result.unpriced == ()
    assert {line.item for line in result.lines if line.usage_based} == {
        "NAT data processed (100 gbProcessed)", "endpoint data processed (0 gbProcessed)"}


def test_what_cannot_be_priced_is_listed_not_zero() -> None:
    inv = inventory(
        record("aws:iam/role:Role", "free-role"),
        record("aws:ec2/instance:Instance", "box"),
        record("aws:rds/instance:Instance", "oracle", engine="oracle-ee", instanceClass="db.r6i.large",
               allocatedStorage=100),
        record("aws:ecs/service:Service", "orphan", taskDefinition="arn:x/task-definition/none:1"),
    )
    result = cost.estimate(inv)
    assert result.lines == ()
    assert [(u.type, u.reason) for u in result.unpriced] == [
        ("aws:ec2/instance:Instance", "type not in the price model"),
        ("aws:rds/instance:Instance", "no price 'rds.oracle-ee.db.r6i.large.hour' in the us-east-2 table"),
        ("aws:ecs/service:Service", "its task definition 'arn:x/task-definition/none:1' is not in the inventory"),
    ]


@pytest.mark.parametrize(("data", "message"), [
    ({"type": {}}, "unknown key(s) type (allowed: note, types, resources)"),
    ({"types": {"aws:ec2/vpc:Vpc": {}}}, "types.aws:ec2/vpc:Vpc: no usage-priced type of that name"),
    ({"types": {"aws:s3/bucket:Bucket": {"gb": 1}}}, "types.aws:s3/bucket:Bucket.gb: unknown usage key"),
    ({"resources": {"nat": {"gbProcessed": -1}}}, "resources.nat.gbProcessed must be a number >= 0"),
    ({"resources": {"nat": {"gbProcesed": 1}}}, "resources.nat.gbProcesed: unknown usage key"),
])
def test_a_bad_usage_file_names_the_key(tmp_path: Path, data: dict[str, Any], message: str) -> None:
    with pytest.raises(PreflightError) as error:
        usage(tmp_path, data)
    assert message in str(error.value)


def test_every_price_names_its_source_and_date() -> None:
    table = cost.load_prices()
    assert table.region == "us-east-2"
    for key, price in table.prices.items():
        assert price.source.startswith("https://aws.amazon.com/"), key
        assert len(price.read) == 10 and price.usd > 0, key


def test_both_stacks_are_fully_priced_with_their_hourly_lines(dev: Inventory, prod: Inventory) -> None:
    dev_cost, prod_cost = cost.estimate(dev), cost.estimate(prod)
    # A new resource type must be priced or declared free, not pass unnoticed.
    assert dev_cost.unpriced == () and prod_cost.unpriced == ()
    for result in (dev_cost, prod_cost):
        assert sum(result.by_pillar.values()) == pytest.approx(result.total)

    def items(result: cost.Estimate, prefix: str) -> list[cost.Line]:
        return [line for line in result.lines if line.item.startswith(prefix)]

    assert len(items(dev_cost, "NAT gateway hours")) == 1 and len(items(prod_cost, "NAT gateway hours")) == 3
    assert [line.monthly for line in items(prod_cost, "interface endpoint x 3 AZ")] == \
        [pytest.approx(3 * 0.01 * HOURS)] * 5
    rds = items(prod_cost, "RDS postgres db.t4g.micro Multi-AZ")
    assert [line.monthly for line in rds] == [pytest.approx(2 * 0.016 * HOURS)]
    clawbot = [line for line in prod_cost.lines if line.name == "clawbot-service"]
    assert sum(line.monthly for line in clawbot) == pytest.approx(2 * (0.5 * 0.03238 + 1 * 0.00356) * HOURS)
    assert prod_cost.total > dev_cost.total


def test_cli_prints_the_estimate_and_writes_the_cost_section(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cost", "--json", str(tmp_path / "r.json")]) == 0
    assert "Cost estimate (us-east-2" in capsys.readouterr().out
    section = json.loads((tmp_path / "r.json").read_text())["cost"]
    assert set(section["byPillar"]) >= {"aws", "clawbot", "hub-v2"}
    assert section["monthlyTotal"] == pytest.approx(sum(section["byPillar"].values()), abs=0.05)
    assert section["prices"]["ec2.natGateway.hour"]["source"] == "https://aws.amazon.com/vpc/pricing/"


def test_cli_bad_usage_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "usage.json"
    bad.write_text('{"types": {"aws:s3/bucket:Bucket": {"gbStord": 1}}}')
    assert main(["--cost", "--usage", str(bad)]) == 2
    assert "gbStord: unknown usage key" in capsys.readouterr().err
