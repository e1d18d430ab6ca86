from __future__ import annotations

import json
from typing import Any

import pytest

from components.operations import Monitored, MonitoredService, alarm_specs
from preflight.model import Inventory

SERVICES = ("hub-v2-api", "hub-v2-web", "clawbot")



def alarms(inventory: Inventory) -> dict[str, dict[str, Any]]:
    return {r.inputs["name"]: r.inputs for r in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}


def test_alarm_specs_cover_every_kind_of_resource() -> None:
    monitored = Monitored(
        load_balancer="app/alb/1", database="db", database_max_storage_gib=100,
        services=[MonitoredService(name="svc", pillar="hub-v2", cluster="c", target_group="tg/1", min_count=2)],
        cache_nodes={"redis-001": "r-001"}, tables={"locks": "t-locks"}, dead_letter_queues={"dlq": "q-dlq"})
    keys = {spec.key for spec in alarm_specs(monitored)}
    assert keys == {"alb-5xx-rate", "alb-response-time", "svc-cpu", "svc-memory", "svc-running", "svc-unhealthy",
                    "postgres-cpu", "postgres-free-storage", "postgres-connections", "redis-001-cpu",
                    "redis-001-memory", "redis-001-evictions", "locks-throttles", "dlq-depth"}


def test_free_storage_threshold_is_a_tenth_of_the_maximum_storage() -> None:
    (spec,) = [s for s in alarm_specs(Monitored(database="db", database_max_storage_gib=100))
               if s.key == "postgres-free-storage"]
    assert spec.threshold == 10 * 1024 ** 3 and spec.comparison == "LessThanThreshold"


def test_nothing_monitored_means_no_alarms() -> None:
    assert alarm_specs(Monitored()) == []


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_every_alarm_notifies_the_oncall_topic_only(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    (topic,) = inventory.of_type("aws:sns/topic:Topic")
    found = alarms(inventory)
    assert len(found) >= 20
    for alarm in found.values():
        assert alarm["alarmActions"] == [topic.outputs["arn"]]
        assert alarm["okActions"] == [topic.outputs["arn"]]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_alarms_cover_alb_services_database_cache_and_tables(request: pytest.FixtureRequest, name: str) -> None:
    found = alarms(request.getfixturevalue(name))
    prefix = f"hv-{name}"
    expected = {f"{prefix}-alb-5xx-rate", f"{prefix}-alb-response-time", f"{prefix}-postgres-cpu",
                f"{prefix}-postgres-free-storage", f"{prefix}-postgres-connections", f"{prefix}-redis-001-evictions",
                f"{prefix}-dedup-throttles", f"{prefix}-locks-throttles"}
    for service in SERVICES:
        expected |= {f"{prefix}-{service}-{kind}" for kind in ("cpu", "memory", "running", "unhealthy")}
    assert expected <= set(found)
    assert (f"{prefix}-redis-002-cpu" in found) is (name == "prod")


def test_alb_5xx_alarm_is_a_rate(dev: Inventory) -> None:
    alarm = alarms(dev)["hv-dev-alb-5xx-rate"]
    expression = next(q for q in alarm["metricQueries"] if q["id"] == "e1")
    assert expression["expression"] == "100 * (m1 + m2) / MAX([m3, 1])" and expression["returnData"] is True
    assert alarm["threshold"] == 5


def test_a_fourth_service_gets_its_alarms_and_widgets(run_stack, stack_services) -> None:  # type: ignore[no-untyped-def]
    services = stack_services("dev")
    services["robin"] = {"pillar": "hub-v2", "port": 8080, "host": "robin", "priority": 40}
    inventory = run_stack("dev", services=services)
    assert {f"hv-dev-robin-{kind}" for kind in ("cpu", "memory", "running", "unhealthy")} <= set(alarms(inventory))
    body = json.loads(inventory.named("operations-dashboard").inputs["dashboardBody"])
    assert any(w["properties"].get("title", "").startswith("robin ") for w in body["widgets"])


def test_dashboard_shows_every_service_by_pillar(dev: Inventory) -> None:
    body = json.loads(dev.named("operations-dashboard").inputs["dashboardBody"])
    headers = [w["properties"]["markdown"] for w in body["widgets"] if w["type"] == "text"]
    assert headers == ["## aws", "## clawbot", "## hub-v2"]
    titles = [w["properties"]["title"] for w in body["widgets"] if w["type"] == "metric"]
    for service in SERVICES:
        assert f"{service} CPU > 85%" in titles
    assert len(titles) == len(alarms(dev))


def test_oncall_topic_is_encrypted_with_a_key_cloudwatch_may_use(dev: Inventory) -> None:
    topic = dev.named("operations-oncall").inputs
    key = dev.named("operations-oncall-key")
    assert topic["kmsMasterKeyId"] == key.id
    assert key.inputs["enableKeyRotation"] is True
    statements = json.loads(key.inputs["policy"])["Statement"]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in statements)
    (subscription,) = dev.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["protocol"] == "email" and subscription.inputs["endpoint"] == "oncall@happen.ventures"


@pytest.mark.parametrize(("name", "versioned"), [("dev", False), ("prod", True)])
def test_buckets_are_private_encrypted_and_tls_only(request: pytest.FixtureRequest, name: str,
                                                     versioned: bool) -> None:
    inventory = request.getfixturevalue(name)
    for purpose in ("docs", "reports", "assets"):
        bucket = inventory.named(f"operations-{purpose}-bucket")
        assert bucket.inputs["bucket"] == f"hv-{name}-{purpose}-891377221201"
        block = inventory.named(f"operations-{purpose}-public-access-block").inputs
        assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                              "restrictPublicBuckets"))
        ownership = inventory.named(f"operations-{purpose}-ownership").inputs
        assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        assert inventory.named(f"operations-{purpose}-encryption").inputs["rules"][0][
            "applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
        (deny,) = json.loads(inventory.named(f"operations-{purpose}-policy").inputs["policy"])["Statement"]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        names = {r.name for r in inventory.resources}
        assert (f"operations-{purpose}-versioning" in names) is versioned
        rules = {r["id"] for r in inventory.named(f"operations-{purpose}-lifecycle").inputs["rules"]}
        assert ("expire-noncurrent" in rules) is versioned
