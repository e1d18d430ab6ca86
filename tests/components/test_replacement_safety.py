"""Day-two changes made in config, judged by what they would replace (see replacement.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from preflight.model import Inventory, ResourceRecord

from ..conftest import RunStack, stack_spec
from .replacement import plan

Services = Callable[[str], dict[str, Any]]
STACKS = ["dev", "prod"]


def short(urns: frozenset[str]) -> set[str]:
    return {urn.rsplit("::", 1)[-1] for urn in urns}


@pytest.mark.parametrize("stack", STACKS)
def test_an_unchanged_config_replaces_nothing(request: pytest.FixtureRequest, run_stack: RunStack,
                                              stack: str) -> None:
    result = plan(request.getfixturevalue(stack), run_stack(stack))
    assert (result.created, result.deleted, result.replaced, result.problems) == (
        frozenset(), frozenset(), frozenset(), ())


@pytest.mark.parametrize("stack", STACKS)
def test_a_port_change_replaces_the_target_group_under_a_new_name(
        request: pytest.FixtureRequest, run_stack: RunStack, stack_services: Services, stack: str) -> None:
    before: Inventory = request.getfixturevalue(stack)
    services = stack_services(stack)
    services["clawbot"]["port"] = 8080
    after = run_stack(stack, services=services)
    result = plan(before, after)
    assert short(result.replaced) == {"clawbot-tg"}
    assert result.problems == ()
    assert after.named("clawbot-tg").inputs["name"] == f"hv-{stack}-clawbot-8080"
    # The task security group is kept: only its rules carry the port.
    assert after.named("clawbot-sg").inputs == before.named("clawbot-sg").inputs


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("change", ["host", "add", "remove"])
def test_host_changes_replace_the_certificate_create_first(
        request: pytest.FixtureRequest, run_stack: RunStack, stack_services: Services, stack: str,
        change: str) -> None:
    services = stack_services(stack)
    config: dict[str, Any] = {}
    if change == "host":
        services["clawbot"]["host"] = "claw"
    elif change == "add":
        services["robin"] = {"pillar": "hub-v2", "port": 8080, "host": "robin", "priority": 40}
    else:
        del services["clawbot"]
        delivery = json.loads(stack_spec(stack).config["hv-foundation:delivery"])
        del delivery["services"]["clawbot"]
        config["delivery"] = delivery
    result = plan(request.getfixturevalue(stack), run_stack(stack, services=services, **config))
    assert {"ingress-certificate", "ingress-certificate-validation"} <= short(result.replaced)
    assert result.problems == ()


@pytest.mark.parametrize("stack", STACKS)
def test_a_new_domain_prefix_replaces_the_cognito_domain_delete_first(
        request: pytest.FixtureRequest, run_stack: RunStack, stack: str) -> None:
    identity = json.loads(stack_spec(stack).config["hv-foundation:identity"])
    identity["domainPrefix"] = f"hv-{stack}-hub2"
    result = plan(request.getfixturevalue(stack), run_stack(stack, identity=identity))
    assert "identity-domain" in short(result.replaced)
    assert result.problems == ()


def _renamed(stack: str, services: dict[str, Any], *, declared: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """clawbot renamed robin (with `renamedFrom` when declared), and its pipeline entry moved."""
    services["robin"] = services.pop("clawbot")
    if declared:
        services["robin"]["renamedFrom"] = "clawbot"
    delivery = json.loads(stack_spec(stack).config["hv-foundation:delivery"])
    delivery["services"]["robin"] = delivery["services"].pop("clawbot")
    return services, delivery


@pytest.mark.parametrize("stack", STACKS)
def test_a_declared_rename_moves_the_service_and_keeps_its_rules_and_images(
        request: pytest.FixtureRequest, run_stack: RunStack, stack_services: Services, stack: str) -> None:
    before: Inventory = request.getfixturevalue(stack)
    services, delivery = _renamed(stack, stack_services(stack), declared=True)
    after = run_stack(stack, services=services, delivery=delivery)
    result = plan(before, after)
    assert result.problems == ()
    service = {urn for urn in after.by_urn() if "::robin" in urn}
    # Moved, not created: the rules keep their priority (updated in place to the new target group),
    # the image repository keeps its name and images.
    assert not service & result.created
    assert {"robin-host-rule", "robin-repository"}.isdisjoint(short(result.replaced))
    assert after.named("robin-repository").inputs["name"] == before.named("clawbot-repository").inputs["name"]
    # What carries the name in AWS is replaced under the new one, created first.
    assert {"robin-tg", "robin-service", "robin-sg", "robin-logs", "robin-task-role",
            "robin-secret-airtable-api-key"} <= short(result.replaced)
    assert after.named("robin-tg").inputs["name"] == f"hv-{stack}-robin-8000"


def test_a_rename_that_keeps_its_priority_is_caught(dev: Inventory, run_stack: RunStack,
                                                    stack_services: Services) -> None:
    """README (day two): an undeclared rename is a removal and an addition: its new rules collide."""
    services, delivery = _renamed("dev", stack_services("dev"), declared=False)
    assert plan(dev, run_stack("dev", services=services, delivery=delivery)).problems == (
        "robin-host-rule: created while clawbot-host-rule still holds "
        f"{{'listenerArn': {dev.named('clawbot-host-rule').inputs['listenerArn']!r}, 'priority': 10030}}",)
    services["robin"]["priority"] = 40
    assert plan(dev, run_stack("dev", services=services, delivery=delivery)).problems == ()


@pytest.mark.parametrize("stack", STACKS)
def test_a_postgres_major_upgrade_replaces_only_the_parameter_group_under_a_new_name(
        request: pytest.FixtureRequest, run_stack: RunStack, stack: str) -> None:
    before: Inventory = request.getfixturevalue(stack)
    after = run_stack(stack, data={"postgres": {"engineVersion": "17"}})
    result = plan(before, after)
    assert short(result.replaced) == {"data-postgres-parameters"}
    assert result.problems == ()
    parameters = after.named("data-postgres-parameters").inputs
    assert (parameters["name"], parameters["family"]) == (f"hv-{stack}-postgres17", "postgres17")
    postgres = after.named("data-postgres").inputs
    assert (postgres["engineVersion"], postgres["parameterGroupName"]) == ("17", parameters["name"])
    assert postgres["allowMajorVersionUpgrade"] is True


def test_a_redis_engine_change_replaces_the_parameter_group_under_a_new_name(
        prod: Inventory, run_stack: RunStack) -> None:
    result = plan(prod, run_stack("prod", data={"redis": {"engine": "valkey", "engineVersion": "9.0"}}))
    assert "data-redis-parameters" in short(result.replaced) and "data-redis" not in short(result.replaced)
    assert result.problems == ()


def test_a_replaced_database_takes_its_final_snapshot_under_a_new_name(prod: Inventory,
                                                                       run_stack: RunStack) -> None:
    after = run_stack("prod", data={"postgres": {"databaseName": "hub2"}})
    result = plan(prod, after)
    assert {"data-postgres", "data-postgres-final-snapshot-suffix"} <= short(result.replaced)
    old, new = (inventory.named("data-postgres").inputs["finalSnapshotIdentifier"] for inventory in (prod, after))
    assert old.startswith("hv-prod-postgres-final-") and new.startswith("hv-prod-postgres-final-") and old != new
    # What remains is RDS's own rule, one instance per identifier (README, day two).
    assert result.problems == (
        "data-postgres: created while data-postgres still holds {'identifier': 'hv-prod-postgres'}",)


@pytest.mark.parametrize("stack", STACKS)
def test_final_snapshot_names_stay_put_while_nothing_replaces_the_engines(
        request: pytest.FixtureRequest, run_stack: RunStack, stack: str) -> None:
    before: Inventory = request.getfixturevalue(stack)
    after = run_stack(stack, data={"postgres": {"instanceClass": "db.t4g.small", "engineVersion": "17"},
                                   "redis": {"nodeType": "cache.t4g.small"}})
    for engine in ("data-postgres", "data-redis"):
        assert (after.named(engine).inputs.get("finalSnapshotIdentifier")
                == before.named(engine).inputs.get("finalSnapshotIdentifier"))


def _with(inventory: Inventory, name: str, *, inputs: dict[str, Any] | None = None,
          options: dict[str, Any] | None = None) -> tuple[Inventory, Inventory]:
    """`inventory` before and after changing one resource's inputs (and options in both)."""
    def change(record: ResourceRecord, **fields: Any) -> Inventory:
        resources = tuple(dataclasses.replace(r, **fields) if r.name == name else r for r in inventory.resources)
        return dataclasses.replace(inventory, resources=resources)
    record = inventory.named(name)
    opts = {**record.options, **(options or {})}
    return (change(record, options=opts), change(record, options=opts, inputs={**record.inputs, **(inputs or {})}))


def test_the_check_sees_a_fixed_name_collision(dev: Inventory) -> None:
    # The former target group: a fixed name while the port forces replacement.
    before, after = _with(dev, "clawbot-tg", inputs={"port": 8080})
    assert plan(before, after).problems == (
        "clawbot-tg: created while clawbot-tg still holds {'name': 'hv-dev-clawbot-8000'}",)


def test_the_check_sees_a_delete_first_replacement_still_in_use(dev: Inventory) -> None:
    # The former certificate: delete-first while the HTTPS listener (through the validation) uses it.
    before, after = _with(dev, "ingress-certificate", inputs={"subjectAlternativeNames": ["x.example"]},
                          options={"deleteBeforeReplace": True})
    (problem,) = plan(before, after).problems
    assert problem.startswith("ingress-certificate: deleted before its replacement while ")
    assert "ingress-https" in problem


def test_the_check_sees_a_final_snapshot_name_reused_by_a_replacement(prod: Inventory) -> None:
    # The former Postgres: a fixed final snapshot name while its database name forces replacement.
    before, after = _with(prod, "data-postgres", inputs={"dbName": "hub2", "identifier": "hv-prod-postgres-2"})
    snapshot = prod.named("data-postgres").inputs["finalSnapshotIdentifier"]
    assert plan(before, after).problems == (
        f"data-postgres: replaced, but its new incarnation's final snapshot {snapshot!r} is the one the old "
        "one's deletion leaves",)
