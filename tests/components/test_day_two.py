"""Day-two fixes: each change in config, and the planned outcome."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.config import load_stack_config
from components.config_reader import ConfigError
from preflight.model import Inventory, PreflightError
from tests.components.stack_config import MINIMAL_DEV_CONFIG

from ..conftest import REPO_ROOT, RunStack

BASE = MINIMAL_DEV_CONFIG
WEB = {"pillar": "hub-v2", "port": 3000, "host": "hub", "priority": 20}


def problems(**sections: Any) -> list[str]:
    raw = {**BASE, **{f"hv-foundation:{key}": json.dumps(value) for key, value in sections.items()}}
    with pytest.raises(ConfigError) as caught:
        load_stack_config(raw, "hv-foundation", "dev")
    return [str(problem) for problem in caught.value.problems]


def test_a_postgres_minor_pin_is_refused_with_the_major_to_use() -> None:
    assert problems(services={"web": WEB}, data={"postgres": {"engineVersion": "16.4"}}) == [
        "hv-foundation:data.postgres.engineVersion: '16.4' pins a minor version, but RDS upgrades minors "
        "automatically; give the major only (e.g. '16')"]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_a_major_upgrade_in_config_is_applied(request: pytest.FixtureRequest, name: str) -> None:
    postgres = request.getfixturevalue(name).named("data-postgres").inputs
    assert postgres["allowMajorVersionUpgrade"] is True and postgres["autoMinorVersionUpgrade"] is True


def test_more_hosts_than_one_certificate_holds_is_a_config_error() -> None:
    services = {f"svc{i}": {**WEB, "host": f"svc{i}", "priority": i + 1} for i in range(11)}
    assert problems(services=services) == [
        "hv-foundation:services: 11 services, but the ALB's one certificate holds at most 10 host names "
        "(ACM's default quota); remove services or split the stack"]


def test_ecs_exec_and_a_read_only_root_cannot_be_combined() -> None:
    assert problems(services={"web": {**WEB, "ecsExec": True, "readonlyRootFilesystem": True}}) == [
        "hv-foundation:services.web.readonlyRootFilesystem: true cannot be combined with ecsExec: true "
        "(the ECS Exec agent writes to the root filesystem); set one of them to false"]


def _app(inventory: Inventory, service: str) -> dict[str, Any]:
    containers = json.loads(inventory.named(f"{service}-task").inputs["containerDefinitions"])
    app: dict[str, Any] = containers[0]
    return app


@pytest.mark.parametrize(("name", "exec_on"), [("dev", True), ("prod", False)])
def test_ecs_exec_gets_a_writable_root_only_where_it_is_on(request: pytest.FixtureRequest, name: str,
                                                           exec_on: bool) -> None:
    inventory = request.getfixturevalue(name)
    for service in ("hub-v2-api", "hub-v2-web", "clawbot"):
        assert inventory.named(f"{service}-service").inputs["enableExecuteCommand"] is exec_on
        assert _app(inventory, service)["readonlyRootFilesystem"] is not exec_on


def test_turning_spot_on_redeploys_the_service(run_stack: RunStack, stack_services: Any) -> None:
    services = stack_services("dev")
    services["clawbot"]["spot"] = True
    service = run_stack("dev", services=services).named("clawbot-service").inputs
    assert [s["capacityProvider"] for s in service["capacityProviderStrategies"]] == ["FARGATE", "FARGATE_SPOT"]
    assert service["forceNewDeployment"] is True


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_services_wait_for_the_cluster_capacity_providers(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    providers = inventory.named("cluster-capacity").urn
    for service in ("hub-v2-api", "hub-v2-web", "clawbot"):
        assert providers in inventory.named(f"{service}-service").dependencies


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_the_cognito_domain_is_replaced_delete_first(request: pytest.FixtureRequest, name: str) -> None:
    assert request.getfixturevalue(name).named("identity-domain").options["deleteBeforeReplace"] is True


@pytest.mark.parametrize(("name", "force"), [("dev", True), ("prod", False)])
def test_the_alb_log_bucket_empties_on_destroy_only_outside_prod(run_stack: RunStack, name: str,
                                                                 force: bool) -> None:
    inventory = run_stack(name, posture={"albAccessLogs": True})
    assert inventory.named("ingress-logs-bucket").inputs["forceDestroy"] is force


def _connections_alarm(inventory: Inventory) -> float:
    (alarm,) = [r for r in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                if r.inputs["name"].endswith("-postgres-connections")]
    threshold: float = alarm.inputs["threshold"]
    return threshold


@pytest.mark.parametrize(("instance_class", "threshold"), [("db.t4g.micro", 89), ("db.r7g.large", 1441),
                                                           ("db.m7g.2xlarge", 2883)])
def test_the_connections_alarm_follows_the_instance_class(run_stack: RunStack, instance_class: str,
                                                          threshold: int) -> None:
    # 80% of LEAST(memory / 9531392, 5000): db.t4g.micro allows about 112, never 200.
    inventory = run_stack("dev", data={"postgres": {"instanceClass": instance_class}})
    assert _connections_alarm(inventory) == threshold


def _free_storage_alarm(inventory: Inventory) -> float:
    (alarm,) = [r for r in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                if r.inputs["name"].endswith("-postgres-free-storage")]
    threshold: float = alarm.inputs["threshold"]
    return threshold


@pytest.mark.parametrize(("maximum", "threshold_gib"), [(100, 10), (400, 40)])
def test_the_free_storage_alarm_follows_the_storage_autoscaling_ceiling(run_stack: RunStack, maximum: int,
                                                                        threshold_gib: int) -> None:
    # 10% of the configured 20 GiB would fire at 2 GiB free once storage has grown to 100.
    inventory = run_stack("dev", data={"postgres": {"allocatedStorage": 20, "maxAllocatedStorage": maximum}})
    assert _free_storage_alarm(inventory) == threshold_gib * 1024 ** 3


def _collector(inventory: Inventory, service: str) -> dict[str, Any]:
    containers = json.loads(inventory.named(f"{service}-task").inputs["containerDefinitions"])
    (collector,) = [c for c in containers if c["name"] == "otel-collector"]
    return collector  # type: ignore[no-any-return]


@pytest.mark.parametrize(("posture", "retention"), [({}, 14), ({"logRetentionDays": 30}, 30)])
def test_the_collector_writes_metrics_to_a_log_group_of_the_stack(run_stack: RunStack, posture: dict[str, Any],
                                                                  retention: int) -> None:
    inventory = run_stack("dev", posture=posture)
    for service in ("hub-v2-api", "hub-v2-web", "clawbot"):
        group = inventory.named(f"{service}-metric-logs")
        assert group.inputs["name"] == f"/hv-dev/{service}/metrics"
        assert group.inputs["retentionInDays"] == retention
        environment = {e["name"]: e["value"] for e in _collector(inventory, service)["environment"]}
        config = json.loads(environment["AOT_CONFIG_CONTENT"])
        assert config["exporters"]["awsemf"]["log_group_name"] == group.inputs["name"]
        assert config["service"]["pipelines"]["metrics"]["exporters"] == ["awsemf"]
        statements = json.loads(inventory.named(f"{service}-task-policy").inputs["policy"])["Statement"]
        (metric_logs,) = [s for s in statements if s["Sid"] == "MetricLogs"]
        assert metric_logs["Resource"] == f"{group.outputs['arn']}:*"
        assert "logs:CreateLogGroup" not in metric_logs["Action"]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_a_new_redis_auth_token_revokes_the_old_one(request: pytest.FixtureRequest, name: str) -> None:
    # AWS's default for a token change is ROTATE, which keeps the old token valid alongside.
    group = request.getfixturevalue(name).named("data-redis").inputs
    assert group["authTokenUpdateStrategy"] == "SET" and group["authToken"]


NETWORK = {"cidr": "10.20.0.0/16"}


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_the_stack_files_pin_their_zones(request: pytest.FixtureRequest, name: str) -> None:
    zones = {"dev": ["us-east-2a", "us-east-2b"], "prod": ["us-east-2a", "us-east-2b", "us-east-2c"]}[name]
    subnets = request.getfixturevalue(name).of_type("aws:ec2/subnet:Subnet")
    assert sorted({s.inputs["availabilityZone"] for s in subnets}) == zones


def test_pinned_zones_place_the_subnets_whatever_else_is_available(run_stack: RunStack) -> None:
    # The lookup answers us-east-2a, b and c: pinning b and c keeps a out, in the order given.
    inventory = run_stack("dev", network={**NETWORK, "availabilityZones": ["us-east-2c", "us-east-2b"]})
    for tier in ("public", "private-app", "isolated-data"):
        assert [inventory.named(f"network-{tier}-{i}").inputs["availabilityZone"] for i in (0, 1)] == [
            "us-east-2c", "us-east-2b"]


def test_a_pinned_zone_the_region_does_not_report_available_stops_the_run(run_stack: RunStack) -> None:
    with pytest.raises(PreflightError) as caught:
        run_stack("dev", network={**NETWORK, "availabilityZones": ["us-east-2a", "us-east-2d"]})
    assert ("network.availabilityZones: us-east-2d not available in us-east-2 now (available: us-east-2a, "
            "us-east-2b, us-east-2c); wait for the zone to recover, or pin available zones") in str(caught.value)


@pytest.mark.parametrize(("network", "expected"), [
    ({"availabilityZones": ["us-east-2a", "us-west-2b"]},
     "hv-foundation:network.availabilityZones: 'us-west-2b' is not a zone of us-east-2 (allowed: us-east-2 and "
     "a letter, e.g. us-east-2a)"),
    ({"availabilityZones": ["us-east-2a", "us-east-2a"]},
     "hv-foundation:network.availabilityZones: 'us-east-2a' is listed twice (each zone holds one subnet per "
     "tier)"),
    ({"availabilityZones": ["us-east-2a"]},
     "hv-foundation:network.availabilityZones: 1 zones is out of range (allowed: 2–3)"),
    ({"availabilityZones": ["us-east-2a", "us-east-2b"], "azCount": 3},
     "hv-foundation:network.azCount: 3 disagrees with the 2 availabilityZones (the pinned zones set the count; "
     "drop azCount)"),
])
def test_pinned_zones_are_checked_in_config(network: dict[str, Any], expected: str) -> None:
    assert problems(services={"web": WEB}, network={**NETWORK, **network}) == [expected]


def test_pinned_zones_set_the_zone_count() -> None:
    raw = {**BASE, "hv-foundation:network": json.dumps({**NETWORK, "availabilityZones": ["us-east-2a", "us-east-2b",
                                                                                          "us-east-2c"]}),
           "hv-foundation:services": json.dumps({"web": WEB})}
    network = load_stack_config(raw, "hv-foundation", "dev").network
    assert (network.az_count, network.availability_zones) == (3, ("us-east-2a", "us-east-2b", "us-east-2c"))


API = {"pillar": "hub-v2", "port": 3000, "host": "api", "priority": 30}


@pytest.mark.parametrize(("services", "expected"), [
    ({"web": {**WEB, "renamedFrom": "api"}, "api": API},
     "hv-foundation:services.web.renamedFrom: 'api' is a service of this stack (renamedFrom names the service's "
     "former name, which no service has any more)"),
    ({"web": {**WEB, "renamedFrom": "old-web"}, "api": {**API, "renamedFrom": "old-web"}},
     "hv-foundation:services.web.renamedFrom: 'old-web' is already claimed by service 'api' (one service can be "
     "renamed once)"),
    ({"web": {**WEB, "renamedFrom": "Old_Web"}},
     "hv-foundation:services.web.renamedFrom: 'Old_Web' is not valid (allowed: the former service name: "
     "3–20 lowercase letters, digits and hyphens)"),
])
def test_a_rename_must_name_a_former_service(services: dict[str, Any], expected: str) -> None:
    assert problems(services=services) == [expected]


def test_a_renamed_service_keeps_its_image_repository_unless_told_otherwise() -> None:
    raw = {**BASE, "hv-foundation:services": json.dumps({
        "web": {**WEB, "renamedFrom": "old-web"}, "api": {**API, "renamedFrom": "old-api",
                                                          "image": {"repository": "api"}}})}
    services = {s.name: s for s in load_stack_config(raw, "hv-foundation", "dev").services}
    assert (services["web"].image_repository, services["api"].image_repository) == ("old-web", "api")


# The stacks' resource types whose AWS service acts through a service-linked role of the account.
SERVICE_LINKED_ROLES = {
    "aws:ecs/cluster:Cluster": "ecs.amazonaws.com",
    "aws:lb/loadBalancer:LoadBalancer": "elasticloadbalancing.amazonaws.com",
    "aws:rds/instance:Instance": "rds.amazonaws.com",
    "aws:elasticache/replicationGroup:ReplicationGroup": "elasticache.amazonaws.com",
    "aws:appautoscaling/target:Target": "ecs.application-autoscaling.amazonaws.com",
}


def test_the_readme_bootstrap_creates_each_service_linked_role_the_stacks_rely_on(dev: Inventory,
                                                                                  prod: Inventory) -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    bootstrap = readme[readme.index("**Bootstrap"):readme.index("**Every change after that**")]
    used = {SERVICE_LINKED_ROLES[r.type] for inventory in (dev, prod) for r in inventory.resources
            if r.type in SERVICE_LINKED_ROLES}
    assert used == set(SERVICE_LINKED_ROLES.values())
    for service in sorted(used):
        assert f"aws iam create-service-linked-role --aws-service-name {service}\n" in bootstrap, service
