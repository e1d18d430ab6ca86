from __future__ import annotations

import json
from typing import Any

import pytest

from preflight.model import Inventory

SERVICES = ("hub-v2-api", "hub-v2-web", "clawbot")
# Who may reach which engine, by security group and by IAM.
POSTGRES = {"hub-v2-api"}
REDIS = {"hub-v2-api", "hub-v2-web", "clawbot"}
TABLES = {"hub-v2-api": {"rate-limits", "locks", "feature-flags"}, "hub-v2-web": set(),
          "clawbot": {"dedup", "rate-limits", "locks"}}



def task_statements(inventory: Inventory, service: str) -> list[dict[str, Any]]:
    document = json.loads(inventory.named(f"{service}-task-policy").inputs["policy"])
    statements: list[dict[str, Any]] = document["Statement"]
    return statements


def reachers(inventory: Inventory, engine: str) -> set[str]:
    """Services whose security group the engine's security group admits."""
    group = inventory.named(f"data-{engine}-sg")
    sources = {r.inputs["referencedSecurityGroupId"]
               for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.inputs["securityGroupId"] == group.id}
    return {service for service in SERVICES if inventory.named(f"{service}-sg").id in sources}


def granted_tables(inventory: Inventory, service: str) -> set[str]:
    arns = {inventory.named(f"data-{t}").outputs["arn"]: t for t in ("rate-limits", "locks", "dedup", "feature-flags")}
    found = set()
    for statement in task_statements(inventory, service):
        if any(a.startswith("dynamodb:") for a in statement["Action"]):
            found |= {arns[r] for r in statement["Resource"] if r in arns}
    return found


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_postgres_is_reachable_only_from_the_api(request: pytest.FixtureRequest, name: str) -> None:
    assert reachers(request.getfixturevalue(name), "postgres") == POSTGRES


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_redis_is_reachable_from_all_three(request: pytest.FixtureRequest, name: str) -> None:
    assert reachers(request.getfixturevalue(name), "redis") == REDIS


def test_clawbot_cannot_reach_postgres(dev: Inventory) -> None:
    assert "clawbot" not in reachers(dev, "postgres")
    assert not any("rds-db:connect" in str(s["Action"]) for s in task_statements(dev, "clawbot"))
    assert "DATABASE_HOST" not in dev.named("clawbot-task").inputs["containerDefinitions"]


@pytest.mark.parametrize("name", ["dev", "prod"])
@pytest.mark.parametrize("service", SERVICES)
def test_dynamodb_grants_follow_the_matrix(request: pytest.FixtureRequest, name: str, service: str) -> None:
    assert granted_tables(request.getfixturevalue(name), service) == TABLES[service]


def test_web_has_no_dynamodb_grant(dev: Inventory) -> None:
    assert not any(a.startswith("dynamodb:") for s in task_statements(dev, "hub-v2-web") for a in s["Action"])


def test_table_grants_are_scoped_to_table_and_index_arns(dev: Inventory) -> None:
    for statement in task_statements(dev, "clawbot"):
        if statement["Sid"].startswith("Table"):
            table_arn = statement["Resource"][0]
            assert statement["Resource"] == [table_arn, f"{table_arn}/index/*"]
            assert table_arn.startswith("arn:aws:dynamodb:us-east-2:891377221201:table/hv-dev-")
            assert "dynamodb:Scan" not in statement["Action"] and "dynamodb:*" not in statement["Action"]


def test_api_connects_to_postgres_as_its_iam_user(dev: Inventory) -> None:
    (statement,) = [s for s in task_statements(dev, "hub-v2-api") if s["Sid"] == "PostgresIamAuth"]
    resource_id = dev.named("data-postgres").outputs["resourceId"]
    assert statement["Resource"] == f"arn:aws:rds-db:us-east-2:891377221201:dbuser:{resource_id}/hub_app"


def test_engines_reach_services_as_environment_and_secrets(dev: Inventory) -> None:
    (api,) = [c for c in json.loads(dev.named("hub-v2-api-task").inputs["containerDefinitions"])
              if c["name"] == "hub-v2-api"]
    environment = {e["name"]: e["value"] for e in api["environment"]}
    assert environment["DATABASE_HOST"] == dev.named("data-postgres").outputs["address"]
    assert environment["REDIS_TLS"] == "true"
    assert environment["RATE_LIMITS_TABLE"] == "hv-dev-rate-limits"
    assert "DEDUP_TABLE" not in environment
    secrets = {s["name"]: s["valueFrom"] for s in api["secrets"]}
    assert secrets["REDIS_AUTH_TOKEN"] == dev.named("data-redis-auth-secret").outputs["arn"]
    assert secrets["DATABASE_MASTER_CREDENTIALS"].startswith(
        "arn:aws:secretsmanager:us-east-2:891377221201:secret:rds!")


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_postgres_posture_common_to_both(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    db = inventory.named("data-postgres").inputs
    assert db["engine"] == "postgres" and db["storageType"] == "gp3"
    assert db["storageEncrypted"] is True and db["manageMasterUserPassword"] is True
    assert "password" not in db and db["publiclyAccessible"] is False
    assert db["iamDatabaseAuthenticationEnabled"] is True
    assert db["maxAllocatedStorage"] > db["allocatedStorage"]
    assert db["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    isolated = {s.id for s in inventory.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "isolated-data"}
    assert set(inventory.named("data-postgres-subnets").inputs["subnetIds"]) == isolated
    parameters = {p["name"]: p["value"] for p in inventory.named("data-postgres-parameters").inputs["parameters"]}
    assert parameters["rds.force_ssl"] == "1" and parameters["log_min_duration_statement"] == "1000"


def test_dev_postgres_is_disposable(dev: Inventory) -> None:
    db = dev.named("data-postgres")
    assert db.inputs["multiAz"] is False and db.inputs["deletionProtection"] is False
    assert db.inputs["backupRetentionPeriod"] == 1 and db.inputs["skipFinalSnapshot"] is True
    assert db.inputs["performanceInsightsEnabled"] is False and db.inputs.get("monitoringInterval", 0) == 0
    assert db.options["protect"] is False


def test_prod_postgres_survives_mistakes(prod: Inventory) -> None:
    db = prod.named("data-postgres")
    assert db.inputs["multiAz"] is True and db.inputs["deletionProtection"] is True
    assert db.inputs["backupRetentionPeriod"] >= 14
    suffix = prod.named("data-postgres-final-snapshot-suffix").outputs["hex"]
    assert db.inputs["skipFinalSnapshot"] is False
    assert db.inputs["finalSnapshotIdentifier"] == f"hv-prod-postgres-final-{suffix}"
    assert db.inputs["performanceInsightsEnabled"] is True
    assert db.inputs["monitoringInterval"] == 60
    assert db.inputs["monitoringRoleArn"] == prod.named("data-postgres-monitoring-role").outputs["arn"]
    assert db.options["protect"] is True


@pytest.mark.parametrize(("name", "durable"), [("dev", False), ("prod", True)])
def test_tables(request: pytest.FixtureRequest, name: str, durable: bool) -> None:
    inventory = request.getfixturevalue(name)
    for table in ("rate-limits", "locks", "dedup", "feature-flags"):
        resource = inventory.named(f"data-{table}")
        assert resource.inputs["name"] == f"hv-{name}-{table}"
        assert resource.inputs["billingMode"] == "PAY_PER_REQUEST"
        assert ("ttl" in resource.inputs) is (table != "feature-flags")
        assert resource.inputs["pointInTimeRecovery"]["enabled"] is durable
        assert resource.inputs["deletionProtectionEnabled"] is durable
        assert resource.options["protect"] is durable


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_redis_posture_common_to_both(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    group = inventory.named("data-redis").inputs
    assert group["atRestEncryptionEnabled"] is True and group["transitEncryptionEnabled"] is True
    assert group["authToken"] == "[secret]"
    assert group["engine"] == "valkey"
    parameters = inventory.named("data-redis-parameters").inputs
    assert parameters["parameters"] == [{"name": "maxmemory-policy", "value": "noeviction"}]
    token = inventory.named("data-redis-auth-secret-value")
    assert token.property_dependencies["secretString"] == (inventory.named("data-redis-auth-token").urn,)


def test_dev_redis_is_one_node(dev: Inventory) -> None:
    group = dev.named("data-redis").inputs
    assert group["numCacheClusters"] == 1 and group["automaticFailoverEnabled"] is False
    assert group["snapshotRetentionLimit"] == 0


def test_prod_redis_is_multi_az_with_failover_and_snapshots(prod: Inventory) -> None:
    group = prod.named("data-redis")
    assert group.inputs["numCacheClusters"] == 2
    assert group.inputs["multiAzEnabled"] is True and group.inputs["automaticFailoverEnabled"] is True
    assert group.inputs["snapshotRetentionLimit"] > 0
    assert group.options["protect"] is True
    assert prod.named("data-redis-auth-secret").options["protect"] is True


def test_engine_security_groups_have_no_rules_of_their_own(dev: Inventory) -> None:
    for engine in ("postgres", "redis"):
        group = dev.named(f"data-{engine}-sg")
        assert "ingress" not in group.inputs and "egress" not in group.inputs
        egress = [r for r in dev.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
                  if r.inputs["securityGroupId"] == group.id]
        assert egress == []  # engines never initiate connections


def test_outputs_name_endpoints_and_secret_arns_never_values(dev: Inventory) -> None:
    outputs = dev.stack_outputs
    assert outputs["postgresEndpoint"] == dev.named("data-postgres").outputs["address"]
    assert outputs["redisAuthSecretArn"] == dev.named("data-redis-auth-secret").outputs["arn"]
    assert outputs["tableNames"]["dedup"] == "hv-dev-dedup"
    assert dev.named("data-redis-auth-token").outputs["result"] not in json.dumps(outputs)


def test_database_storage_and_its_secrets_use_the_stack_key(prod: Inventory) -> None:
    key_arn = prod.named("key-key").outputs["arn"]
    db = prod.named("data-postgres").inputs
    assert db["kmsKeyId"] == key_arn and db["masterUserSecretKmsKeyId"] == key_arn
    assert db["performanceInsightsKmsKeyId"] == key_arn
    assert prod.named("data-redis").inputs["kmsKeyId"] == key_arn
