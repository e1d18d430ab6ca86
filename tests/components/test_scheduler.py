from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from preflight.engine import run_program
from preflight.model import Inventory
from preflight.pack_process import PolicyPackProcess
from preflight.project import ProgramSpec
from preflight.runner import DEFAULT_POLICY_PACK
from tests.batch_gate import gate
from tests.conftest import stack_spec

SCHEDULER = {"enabled": True, "schedules": {
    "airtable-sync": {"expression": "cron(0/15 * * * ? *)", "payload": {"job": "sync"}},
    "daily-report": {"expression": "cron(0 7 ? * MON-FRI *)", "timezone": "Europe/Paris"}}}


@pytest.fixture(scope="module")
def scheduled() -> Callable[[str], Inventory]:
    """`stack` with the scheduler on, run once per stack for this module's tests."""
    runs: dict[str, Inventory] = {}

    def run(stack: str) -> Inventory:
        if stack not in runs:
            runs[stack] = run_program(scheduled_spec(stack))
        return runs[stack]
    return run


def scheduled_spec(stack: str) -> ProgramSpec:
    return stack_spec(stack, scheduler=SCHEDULER)


def scheduler_resources(inventory: Inventory) -> list[str]:
    return [r.type for r in inventory.resources if r.type.startswith(("aws:scheduler/", "aws:sqs/"))]


def test_scheduler_off_creates_nothing(dev: Inventory, prod: Inventory) -> None:
    assert scheduler_resources(dev) == [] and scheduler_resources(prod) == []
    assert not [r for r in dev.resources if r.name.startswith("scheduler")]


def test_scheduler_on_creates_the_whole_shelf(scheduled: Callable[[str], Inventory]) -> None:
    inventory = scheduled("prod")
    queue, dlq = inventory.named("scheduler-queue"), inventory.named("scheduler-dlq")
    assert json.loads(queue.inputs["redrivePolicy"]) == {"deadLetterTargetArn": dlq.outputs["arn"],
                                                         "maxReceiveCount": 5}
    assert queue.inputs["sqsManagedSseEnabled"] is True and dlq.inputs["sqsManagedSseEnabled"] is True
    schedules = {s.inputs["name"]: s.inputs for s in inventory.of_type("aws:scheduler/schedule:Schedule")}
    assert set(schedules) == {"airtable-sync", "daily-report"}
    assert schedules["daily-report"]["scheduleExpressionTimezone"] == "Europe/Paris"
    target = schedules["airtable-sync"]["target"]
    assert target["arn"] == queue.outputs["arn"]
    assert json.loads(target["input"]) == {"schedule": "airtable-sync", "job": "sync"}
    (send,) = json.loads(inventory.named("scheduler-role-policy").inputs["policy"])["Statement"]
    assert send["Action"] == "sqs:SendMessage"
    assert send["Resource"] == [queue.outputs["arn"], dlq.outputs["arn"]]
    alarm_names = {a.inputs["name"] for a in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert "hv-prod-scheduler-dlq-depth" in alarm_names


def test_only_the_consumer_may_read_the_queue(scheduled: Callable[[str], Inventory]) -> None:
    inventory = scheduled("dev")
    queue_arn = inventory.named("scheduler-queue").outputs["arn"]
    for service in ("hub-v2-api", "hub-v2-web", "clawbot"):
        policy = inventory.named(f"{service}-task-policy").inputs["policy"]
        assert (queue_arn in policy) is (service == "hub-v2-api"), service


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_gate_passes_with_the_scheduler_on(policy_pack: PolicyPackProcess,
                                              scheduled: Callable[[str], Inventory], stack: str) -> None:
    violations, _ = gate([policy_pack], [DEFAULT_POLICY_PACK / f"config.{stack}.json"],
                         scheduled_spec(stack), scheduled(stack))
    assert [v.detail for v in violations if v.mandatory] == []
