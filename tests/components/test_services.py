from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from preflight import mocks
from preflight.model import Inventory, PreflightError

SERVICES = ("hub-v2-api", "hub-v2-web", "clawbot")
PORTS = {"hub-v2-api": 3000, "hub-v2-web": 3000, "clawbot": 8000}



def containers(inventory: Inventory, service: str) -> dict[str, Any]:
    definitions = json.loads(inventory.named(f"{service}-task").inputs["containerDefinitions"])
    return {container["name"]: container for container in definitions}


def policy(inventory: Inventory, name: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = json.loads(inventory.named(name).inputs["policy"])["Statement"]
    return statements


BOTH = pytest.mark.parametrize(("name", "service"), [(s, v) for s in ("dev", "prod") for v in SERVICES])


@BOTH
def test_every_service_has_its_full_set_of_resources(request: pytest.FixtureRequest, name: str,
                                                     service: str) -> None:
    inventory = request.getfixturevalue(name)
    component = inventory.named(service)
    assert component.type == "hv:compute:FargateService"
    kinds = sorted(r.type.split(":")[-1] for r in inventory.children_of(component))
    for kind in ("Repository", "LifecyclePolicy", "LogGroup", "Role", "RolePolicy", "SecurityGroup",
                 "TargetGroup", "ListenerRule", "TaskDefinition", "Service", "Target", "Policy"):
        assert kind in kinds, kind
    assert kinds.count("Role") == 2  # execution and task


@BOTH
def test_service_runs_privately_and_rolls_back(request: pytest.FixtureRequest, name: str, service: str) -> None:
    inventory = request.getfixturevalue(name)
    ecs = inventory.named(f"{service}-service").inputs
    network = ecs["networkConfiguration"]
    assert network["assignPublicIp"] is False
    private = {s.id for s in inventory.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "private-app"}
    assert set(network["subnets"]) == private
    assert network["securityGroups"] == [inventory.named(f"{service}-sg").id]
    assert ecs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert (ecs["deploymentMinimumHealthyPercent"], ecs["deploymentMaximumPercent"]) == (100, 200)
    assert 60 <= ecs["healthCheckGracePeriodSeconds"] <= 120
    assert "desiredCount" in inventory.named(f"{service}-service").options["ignoreChanges"]


@pytest.mark.parametrize("service", SERVICES)
def test_ecs_exec_is_on_in_dev_and_off_in_prod(dev: Inventory, prod: Inventory, service: str) -> None:
    assert dev.named(f"{service}-service").inputs["enableExecuteCommand"] is True
    assert prod.named(f"{service}-service").inputs["enableExecuteCommand"] is False
    assert not any(s.get("Sid") == "EcsExec" for s in policy(prod, f"{service}-task-policy"))


@pytest.mark.parametrize("service", SERVICES)
def test_prod_runs_at_least_two_tasks(prod: Inventory, service: str) -> None:
    assert prod.named(f"{service}-service").inputs["desiredCount"] >= 2
    assert prod.named(f"{service}-scaling").inputs["minCapacity"] >= 2


@BOTH
def test_task_definition_is_fargate_only_with_logs_and_sidecar(request: pytest.FixtureRequest, name: str,
                                                                service: str) -> None:
    inventory = request.getfixturevalue(name)
    task = inventory.named(f"{service}-task").inputs
    assert task["requiresCompatibilities"] == ["FARGATE"] and task["networkMode"] == "awsvpc"
    assert task["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    found = containers(inventory, service)
    assert set(found) == {service, "otel-collector"}
    log_group = inventory.named(f"{service}-logs")
    for container in found.values():
        assert container["logConfiguration"]["logDriver"] == "awslogs"
        assert container["logConfiguration"]["options"]["awslogs-group"] == log_group.inputs["name"]
    app = found[service]
    assert app["portMappings"] == [{"containerPort": PORTS[service], "protocol": "tcp", "name": "http"}]
    assert app["healthCheck"]["command"][0] == "CMD-SHELL"
    assert {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://localhost:4317"} in app["environment"]
    assert found["otel-collector"]["image"].startswith("public.ecr.aws/aws-observability/aws-otel-collector:")


def test_secrets_are_injected_by_arn_never_as_values(dev: Inventory) -> None:
    app = containers(dev, "hub-v2-api")["hub-v2-api"]
    secret = dev.named("hub-v2-api-secret-airtable-api-key")
    assert secret.inputs["name"] == "hv/dev/hub-v2-api/airtable-api-key"
    assert "secretString" not in secret.inputs
    assert {"name": "AIRTABLE_API_KEY", "valueFrom": secret.outputs["arn"]} in app["secrets"]
    assert not any(env["name"] == "AIRTABLE_API_KEY" for env in app["environment"])
    # Service secrets get their values out of band: the only values Pulumi writes are generated.
    assert {v.name for v in dev.of_type("aws:secretsmanager/secretVersion:SecretVersion")} == {
        "data-redis-auth-secret-value", "identity-clawbot-client-secret-value"}


def readable_secrets(inventory: Inventory, service: str) -> set[str]:
    statements = [s for s in policy(inventory, f"{service}-execution-policy") if s["Sid"] == "ReadOwnSecrets"]
    return {arn for statement in statements for arn in statement["Resource"]}


def test_execution_role_is_scoped_to_exactly_its_secrets_and_log_group(dev: Inventory) -> None:
    statements = {s["Sid"]: s for s in policy(dev, "hub-v2-api-execution-policy")}
    own = {dev.named(f"hub-v2-api-secret-{n}").outputs["arn"] for n in ("airtable-api-key", "webhook-signing-secret")}
    granted = {dev.named("data-postgres").outputs["masterUserSecrets"][0]["secretArn"],
               dev.named("data-redis-auth-secret").outputs["arn"]}
    assert readable_secrets(dev, "hub-v2-api") == own | granted
    assert statements["ReadOwnSecrets"]["Action"] == "secretsmanager:GetSecretValue"
    assert statements["WriteOwnLogs"]["Resource"] == dev.named("hub-v2-api-logs").outputs["arn"] + ":*"
    assert statements["PullOwnImage"]["Resource"] == dev.named("hub-v2-api-repository").outputs["arn"]


def test_web_reads_only_the_redis_token(dev: Inventory) -> None:
    assert readable_secrets(dev, "hub-v2-web") == {dev.named("data-redis-auth-secret").outputs["arn"]}


@BOTH
def test_service_security_group_is_open_only_from_the_alb(request: pytest.FixtureRequest, name: str,
                                                          service: str) -> None:
    inventory = request.getfixturevalue(name)
    group = inventory.named(f"{service}-sg")
    alb_group = inventory.named("ingress-alb-sg")
    ingress = [r.inputs for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.inputs["securityGroupId"] == group.id]
    assert ingress == [{**ingress[0], "referencedSecurityGroupId": alb_group.id, "fromPort": PORTS[service],
                        "toPort": PORTS[service], "ipProtocol": "tcp"}]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_ecr_repositories_are_immutable_and_scanned(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    for service in SERVICES:
        repository = inventory.named(f"{service}-repository").inputs
        assert repository["imageTagMutability"] == "IMMUTABLE"
        assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository["forceDelete"] is (name == "dev")
        rules = json.loads(inventory.named(f"{service}-repository-lifecycle").inputs["policy"])["rules"]
        assert [r["selection"]["tagStatus"] for r in rules] == ["untagged", "tagged"]
        assert rules[0]["selection"]["countNumber"] == 7 and rules[1]["selection"]["countNumber"] == 30


@pytest.mark.parametrize(("name", "days"), [("dev", 14), ("prod", 90)])
def test_log_retention_follows_the_environment(request: pytest.FixtureRequest, name: str, days: int) -> None:
    inventory = request.getfixturevalue(name)
    assert {inventory.named(f"{s}-logs").inputs["retentionInDays"] for s in SERVICES} == {days}


def test_api_owns_ingest_webhooks_on_every_host(dev: Inventory) -> None:
    rule = dev.named("hub-v2-api-path-rule").inputs
    assert rule["conditions"] == [{"pathPattern": {"values": ["/ingest/*"]}}]
    assert rule["actions"][0]["targetGroupArn"] == dev.named("hub-v2-api-tg").outputs["arn"]
    host_priorities = [dev.named(f"{s}-host-rule").inputs["priority"] for s in SERVICES]
    assert rule["priority"] < min(host_priorities)


def test_host_rules_route_each_host_to_its_service(dev: Inventory) -> None:
    for service, host in (("hub-v2-api", "api.hub"), ("hub-v2-web", "hub"), ("clawbot", "clawbot")):
        rule = dev.named(f"{service}-host-rule").inputs
        assert rule["conditions"] == [{"hostHeader": {"values": [f"{host}.dev.happen.ventures"]}}]
        assert rule["listenerArn"] == dev.named("ingress-https").outputs["arn"]


def test_target_groups_check_health_on_the_configured_path(dev: Inventory) -> None:
    group = dev.named("hub-v2-web-tg").inputs
    assert group["targetType"] == "ip" and group["port"] == 3000
    assert group["healthCheck"]["path"] == "/api/health"


def test_autoscaling_tracks_cpu_and_memory_where_configured(dev: Inventory) -> None:
    api_policies = {r.name for r in dev.of_type("aws:appautoscaling/policy:Policy") if r.name.startswith("hub-v2-api")}
    assert api_policies == {"hub-v2-api-scale-on-cpu", "hub-v2-api-scale-on-memory"}
    web_policies = {r.name for r in dev.of_type("aws:appautoscaling/policy:Policy") if r.name.startswith("hub-v2-web")}
    assert web_policies == {"hub-v2-web-scale-on-cpu"}
    cpu = dev.named("hub-v2-api-scale-on-cpu").inputs["targetTrackingScalingPolicyConfiguration"]
    assert cpu["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"


def test_one_cluster_with_container_insights_in_prod_only(dev: Inventory, prod: Inventory) -> None:
    for inventory, value, providers in ((dev, "disabled", ["FARGATE", "FARGATE_SPOT"]), (prod, "enabled", ["FARGATE"])):
        (cluster,) = inventory.of_type("aws:ecs/cluster:Cluster")
        assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": value}]
        assert inventory.named("cluster-capacity").inputs["capacityProviders"] == providers


def test_stack_outputs_name_urls_repositories_alb_and_cluster(dev: Inventory) -> None:
    outputs = dev.stack_outputs
    assert outputs["serviceUrls"]["hub-v2-web"] == "https://hub.dev.happen.ventures"
    assert outputs["ecrRepositoryUrls"]["clawbot"].endswith(".amazonaws.com/hv-dev/clawbot")
    assert outputs["albDnsName"] == dev.named("ingress-alb").outputs["dnsName"]
    assert outputs["clusterName"] == "hv-dev"


# --- who owns the task definition: Pulumi, but the pipeline's image ---------------------------------

GET_RESOURCES = "aws:resourcegroupstaggingapi/getResources:getResources"
GET_SERVICE = "aws:ecs/getService:getService"
GET_CONTAINER = "aws:ecs/getContainerDefinition:getContainerDefinition"
SERVICE_ARN = "arn:aws:ecs:us-east-2:891377221201:service/hv-dev/{}"


@dataclass
class Lookup:
    token: str
    args: dict[str, Any]
    answer: dict[str, Any]


Lookups = Callable[..., list[Lookup]]


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Lookups:
    """Records the running-image lookups the program makes; the tagging API finds the `existing`
    services (preflight's answer finds none), the other lookups keep preflight's answers."""
    def record(existing: Sequence[str] = ()) -> list[Lookup]:
        made: list[Lookup] = []

        def found(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
            arns = [arn for arn in args["resourceArnLists"] if arn.rsplit("/", 1)[-1] in existing]
            return {**answers[GET_RESOURCES](args, region, account),
                    "resourceTagMappingLists": [{"resourceArn": arn, "tags": {}} for arn in arns]}

        answers = {token: mocks._INVOKES[token] for token in (GET_RESOURCES, GET_SERVICE, GET_CONTAINER)}
        for token, answer in {**answers, GET_RESOURCES: found}.items():
            def recording(args: Mapping[str, Any], region: str, account: str, token: str = token,
                          answer: Any = answer) -> dict[str, Any]:
                made.append(Lookup(token, dict(args), result := answer(args, region, account)))
                return result
            monkeypatch.setitem(mocks._INVOKES, token, recording)
        return made
    return record


def app_image(inventory: Inventory, service: str) -> str:
    image: str = containers(inventory, service)[service]["image"]
    return image


def bootstrap_image(inventory: Inventory, service: str) -> str:
    return f"{inventory.named(f'{service}-repository').outputs['repositoryUrl']}:bootstrap"


def test_a_first_deploy_runs_the_configured_image(run_stack, lookups: Lookups) -> None:  # type: ignore[no-untyped-def]
    made = lookups()
    inventory = run_stack("dev")
    for service in SERVICES:  # all three have a pipeline in dev
        assert app_image(inventory, service) == bootstrap_image(inventory, service)
    assert sorted(lookup.args["resourceArnLists"][0] for lookup in made) == sorted(
        SERVICE_ARN.format(service) for service in SERVICES)
    assert {lookup.token for lookup in made} == {GET_RESOURCES}  # get_service would fail on a missing service


def test_a_pipeline_deployed_service_keeps_its_running_image_and_takes_the_config(  # type: ignore[no-untyped-def]
        run_stack, stack_services, lookups: Lookups) -> None:
    made = lookups(existing=["clawbot"])
    services = stack_services("dev")
    services["clawbot"] |= {"cpu": 1024, "memory": 2048, "environment": {"FEATURE": "on"}}
    inventory = run_stack("dev", services=services)
    by_token = {lookup.token: lookup for lookup in made if lookup.token != GET_RESOURCES}
    assert by_token[GET_SERVICE].args == {"clusterArn": "arn:aws:ecs:us-east-2:891377221201:cluster/hv-dev",
                                          "serviceName": "clawbot"}
    running = by_token[GET_SERVICE].answer["taskDefinition"]
    assert by_token[GET_CONTAINER].args == {"taskDefinition": running, "containerName": "clawbot"}
    # The running image, in a revision with the new config, which the service moves to.
    assert app_image(inventory, "clawbot") == by_token[GET_CONTAINER].answer["image"] != bootstrap_image(
        inventory, "clawbot")
    task = inventory.named("clawbot-task")
    assert (task.inputs["cpu"], task.inputs["memory"]) == ("1024", "2048")
    assert {"name": "FEATURE", "value": "on"} in containers(inventory, "clawbot")["clawbot"]["environment"]
    service = inventory.named("clawbot-service")
    assert service.inputs["taskDefinition"] == task.outputs["arn"]
    assert service.options["ignoreChanges"] == ["desiredCount"]  # autoscaling owns the count
    # Services not found by the tagging API still run their configured image.
    assert app_image(inventory, "hub-v2-api") == bootstrap_image(inventory, "hub-v2-api")


def test_a_service_without_a_pipeline_runs_the_configured_image_and_looks_nothing_up(  # type: ignore[no-untyped-def]
        run_stack, lookups: Lookups) -> None:
    made = lookups(existing=SERVICES)
    inventory = run_stack("dev", delivery={"services": {"clawbot": {"repository": "happen-ventures/clawbot"}}})
    assert [lookup.args["resourceArnLists"] for lookup in made if lookup.token == GET_RESOURCES] == [
        [SERVICE_ARN.format("clawbot")]]
    assert app_image(inventory, "hub-v2-api") == bootstrap_image(inventory, "hub-v2-api")
    assert inventory.named("hub-v2-api-service").options["ignoreChanges"] == ["desiredCount"]


@pytest.mark.parametrize("failing", [GET_RESOURCES, GET_SERVICE, GET_CONTAINER])
def test_a_failed_lookup_fails_the_run_instead_of_rolling_back(run_stack, lookups: Lookups,  # type: ignore[no-untyped-def]
                                                                monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    lookups(existing=SERVICES)

    def denied(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
        raise RuntimeError(f"AccessDeniedException: not authorized to perform {failing}")

    allowed = mocks._INVOKES[failing]
    monkeypatch.setitem(mocks._INVOKES, failing, denied)
    with pytest.raises(PreflightError, match="AccessDeniedException"):
        run_stack("dev")
    # The failed run leaves none of its outstanding work to the next run in the process.
    monkeypatch.setitem(mocks._INVOKES, failing, allowed)
    assert run_stack("prod").named("clawbot-service").inputs["name"] == "clawbot"


def test_adding_a_service_is_config_only(run_stack, stack_services) -> None:  # type: ignore[no-untyped-def]
    services = stack_services("prod")
    services["robin"] = {"pillar": "hub-v2", "port": 8080, "host": "robin", "priority": 40,
                         "secrets": {"ROBIN_TOKEN": "robin-token"}, "uses": ["redis"]}
    inventory = run_stack("prod", services=services)
    robin = inventory.named("robin")
    assert robin.type == "hv:compute:FargateService"
    assert len(inventory.children_of(robin)) >= 15
    assert inventory.named("robin-host-rule").inputs["priority"] == 10040
    assert inventory.named("robin-service").inputs["desiredCount"] == 2
    certificate = inventory.named("ingress-certificate").inputs
    assert "robin.happen.ventures" in certificate["subjectAlternativeNames"]
    assert "ingress-alias-robin.happen.ventures" in {r.name for r in inventory.resources}
    assert inventory.stack_outputs["serviceUrls"]["robin"] == "https://robin.happen.ventures"


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_every_secret_uses_the_stack_key_and_readers_may_decrypt_it(request: pytest.FixtureRequest,
                                                                    name: str) -> None:
    inventory = request.getfixturevalue(name)
    key = inventory.named("key-key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.options["protect"] is (name == "prod")
    for secret in inventory.of_type("aws:secretsmanager/secret:Secret"):
        assert secret.inputs["kmsKeyId"] == key.outputs["arn"], secret.name
    for service in SERVICES:
        statements = {s["Sid"]: s for s in policy(inventory, f"{service}-execution-policy")}
        decrypt = statements["DecryptOwnSecrets"]
        assert decrypt["Resource"] == key.outputs["arn"] and decrypt["Action"] == "kms:Decrypt"
        assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-2.amazonaws.com"}}
