"""Cost controls: pillar budgets, cost allocation tags and the anomaly monitor, on the on-call topic."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.config import load_stack_config
from components.config_reader import ConfigError
from preflight.model import Inventory
from tests.components.stack_config import MINIMAL_DEV_CONFIG

BASE = MINIMAL_DEV_CONFIG


def problems(cost: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_stack_config({**BASE, "hv-foundation:cost": json.dumps(cost)}, "hv-foundation", "dev")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(("cost", "message"), [
    ({"budgets": {"crm": 10}},
     "hv-foundation:cost.budgets.crm: unknown pillar (allowed: aws, hub-v2, clawbot, airtable)"),
    ({"budgets": {"aws": 0}}, "hv-foundation:cost.budgets.aws: 0 is not a whole number of USD from 1 to 100000"),
    ({"budgets": {"aws": "lots"}}, "hv-foundation:cost.budgets.aws: 'lots' is not a whole number of USD"),
    ({"budget": {"aws": 1}}, "hv-foundation:cost.budget: unknown key (allowed: anomalyThresholdUsd, budgets, "
                             "createAccountControls)"),
    ({"anomalyThresholdUsd": 0}, "hv-foundation:cost.anomalyThresholdUsd: 0 is out of range"),
])
def test_a_bad_cost_section_names_the_key(cost: Any, message: str) -> None:
    assert any(problem.startswith(message) for problem in problems(cost)), problems(cost)


def budgets(inventory: Inventory) -> dict[str, Any]:
    return {b.inputs["name"]: b.inputs for b in inventory.of_type("aws:budgets/budget:Budget")}


@pytest.mark.parametrize(("stack", "amounts"), [
    ("dev", {"aws": 150, "hub-v2": 40, "clawbot": 30}), ("prod", {"aws": 400, "hub-v2": 70, "clawbot": 50})])
def test_a_budget_per_pillar_filtered_on_pillar_and_environment(
        stack: str, amounts: dict[str, int], dev: Inventory, prod: Inventory) -> None:
    inventory = {"dev": dev, "prod": prod}[stack]
    topic = inventory.named("operations-oncall").outputs["arn"]
    found = budgets(inventory)
    assert set(found) == {f"hv-{stack}-{pillar}" for pillar in amounts}
    for pillar, amount in amounts.items():
        budget = found[f"hv-{stack}-{pillar}"]
        assert float(budget["limitAmount"]) == amount and budget["timeUnit"] == "MONTHLY"
        assert budget["filterExpression"]["ands"] == [
            {"tags": {"key": "pillar", "values": [pillar], "matchOptions": ["EQUALS"]}},
            {"tags": {"key": "environment", "values": [stack], "matchOptions": ["EQUALS"]}}]
        assert sorted((n["notificationType"], n["threshold"]) for n in budget["notifications"]) == [
            ("ACTUAL", 100), ("FORECASTED", 80)]
        assert all(n["subscriberSnsTopicArns"] == [topic] for n in budget["notifications"])


def test_only_prod_activates_the_tags_and_watches_anomalies(dev: Inventory, prod: Inventory) -> None:
    for token in ("aws:costexplorer/costAllocationTag:CostAllocationTag",
                  "aws:costexplorer/anomalyMonitor:AnomalyMonitor",
                  "aws:costexplorer/anomalySubscription:AnomalySubscription"):
        assert dev.of_type(token) == [], token
    tags = prod.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag")
    assert sorted((t.inputs["tagKey"], t.inputs["status"]) for t in tags) == [
        ("environment", "Active"), ("pillar", "Active"), ("service", "Active")]
    (monitor,) = prod.of_type("aws:costexplorer/anomalyMonitor:AnomalyMonitor")
    assert json.loads(monitor.inputs["monitorSpecification"])["Tags"]["Key"] == "pillar"
    (subscription,) = prod.of_type("aws:costexplorer/anomalySubscription:AnomalySubscription")
    assert subscription.inputs["subscribers"] == [
        {"type": "SNS", "address": prod.named("operations-oncall").outputs["arn"]}]
    assert subscription.inputs["frequency"] == "IMMEDIATE"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_one_topic_policy_lets_alarms_budgets_and_anomaly_detection_publish_to_the_encrypted_topic(
        stack: str, dev: Inventory, prod: Inventory) -> None:
    inventory = {"dev": dev, "prod": prod}[stack]
    topic = inventory.named("operations-oncall")
    # A topic has one policy document: a second TopicPolicy would silently replace the first.
    (policy,) = inventory.of_type("aws:sns/topicPolicy:TopicPolicy")
    assert policy.inputs["arn"] == topic.outputs["arn"]
    statements = json.loads(policy.inputs["policy"])["Statement"]
    publishers = {s["Principal"]["Service"]: s for s in statements if s["Action"] == "sns:Publish"}
    assert set(publishers) == {"cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"}
    for statement in publishers.values():
        assert statement["Resource"] == topic.outputs["arn"]
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "891377221201"}}
    # The topic is encrypted with the on-call key, whose policy lets each publisher use it.
    key = inventory.named("operations-oncall-key")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["id"]
    users: set[str] = set()
    for statement in json.loads(key.inputs["policy"])["Statement"]:
        if {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(statement["Action"]):
            services = statement["Principal"].get("Service", [])
            users |= {services} if isinstance(services, str) else set(services)
    assert users == set(publishers)
