from __future__ import annotations

import json
from typing import Any

import pytest

from components.config import load_stack_config
from components.config_reader import ConfigError
from tests.components.stack_config import MINIMAL_DEV_CONFIG

BASE = MINIMAL_DEV_CONFIG
API = {"pillar": "hub-v2", "cpu": 512, "memory": 1024, "port": 3000, "host": "api", "priority": 10,
       "paths": ["/ingest/*"], "secrets": {"AIRTABLE_API_KEY": "airtable-api-key"}, "uses": ["redis"]}
WEB = {"pillar": "hub-v2", "port": 3000, "host": "hub", "priority": 20}


def load(environment: str = "dev", **services: Any) -> Any:
    raw = {**BASE, "hv-foundation:environment": environment,
           "hv-foundation:services": json.dumps(services)}
    return load_stack_config(raw, "hv-foundation", environment)


def problems(environment: str = "dev", **services: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(environment, **services)
    return [str(problem) for problem in caught.value.problems]


def test_a_service_block_becomes_a_typed_service() -> None:
    (api,) = load(**{"hub-v2-api": API}).services
    assert api.name == "hub-v2-api" and api.pillar == "hub-v2"
    assert (api.cpu, api.memory, api.port) == (512, 1024, 3000)
    assert api.fqdn("dev.happen.ventures") == "api.dev.happen.ventures"
    assert api.paths == ("/ingest/*",)
    assert api.secrets == {"AIRTABLE_API_KEY": "airtable-api-key"}
    assert api.image_repository == "hub-v2-api" and api.image_tag == "bootstrap"
    assert api.architecture == "ARM64" and api.ecs_exec is True
    assert (api.scaling.min_count, api.scaling.max_count, api.desired_count) == (1, 2, 1)


def test_prod_services_default_to_two_tasks_and_no_exec() -> None:
    (api,) = load("prod", **{"hub-v2-api": API}).services
    assert api.desired_count == 2 and api.scaling.min_count == 2
    assert api.ecs_exec is False


def test_invalid_fargate_pair_names_the_allowed_memory() -> None:
    assert problems(clawbot={**API, "cpu": 256, "memory": 700}) == [
        "hv-foundation:services.clawbot.memory: 700 is not a valid Fargate memory for cpu 256 "
        "(allowed: 512, 1024, 2048)"]


def test_invalid_fargate_cpu() -> None:
    (problem,) = problems(clawbot={**API, "cpu": 300})
    assert problem.startswith("hv-foundation:services.clawbot.cpu: 300 is not a Fargate cpu size")


@pytest.mark.parametrize("port", [0, 70000])
def test_port_out_of_range(port: int) -> None:
    assert problems(clawbot={**API, "port": port}) == [
        f"hv-foundation:services.clawbot.port: {port} is out of range (allowed: 1–65535)"]


def test_duplicate_hosts_are_refused() -> None:
    (problem,) = problems(**{"hub-v2-api": API, "hub-v2-web": {**WEB, "host": "api"}})
    assert problem == ("hv-foundation:services.hub-v2-web: host 'api' is already used by service "
                       "'hub-v2-api' (hosts must be unique)")


def test_duplicate_paths_and_priorities_are_refused() -> None:
    found = problems(**{"hub-v2-api": API, "hub-v2-web": {**WEB, "priority": 10, "paths": ["/ingest/*"]}})
    assert any("priority '10' is already used by service 'hub-v2-api'" in p for p in found)
    assert any("path '/ingest/*' is already used by service 'hub-v2-api'" in p for p in found)


def test_secret_names_must_be_dns_and_arn_safe() -> None:
    assert problems(clawbot={**API, "secrets": {"API_KEY": "Airtable Key!"}}) == [
        "hv-foundation:services.clawbot.secrets.API_KEY: 'Airtable Key!' is not valid (allowed: a secret "
        "name: lowercase letters, digits and hyphens)"]


def test_environment_variable_names_are_checked() -> None:
    assert problems(clawbot={**API, "environment": {"bad-name": "x"}}) == [
        "hv-foundation:services.clawbot.environment.bad-name: is not an environment variable name "
        "(allowed: A–Z, 0–9, _)"]


def test_uses_must_name_an_engine_or_grant() -> None:
    (problem,) = problems(clawbot={**API, "uses": ["mongodb"]})
    assert problem.startswith("hv-foundation:services.clawbot.uses: 'mongodb' names nothing that can be "
                              "granted (allowed: postgres, redis, bedrock")


def test_prod_refuses_a_single_task() -> None:
    assert problems("prod", clawbot={**API, "scaling": {"min": 1, "max": 2}}) == [
        "hv-foundation:services.clawbot.scaling.min: 1 is out of range (allowed: 2–100)"]


def test_prod_refuses_ecs_exec_and_spot() -> None:
    found = problems("prod", clawbot={**API, "ecsExec": True, "spot": True})
    assert found == [
        "hv-foundation:services.clawbot.ecsExec: true is not allowed in this environment (posture.ecsExec is false)",
        "hv-foundation:services.clawbot.spot: true is not allowed in this environment "
        "(posture.fargateSpot is false)"]


def test_unknown_service_key_is_an_error() -> None:
    (problem,) = problems(clawbot={**API, "memroy": 512})
    assert problem.startswith("hv-foundation:services.clawbot.memroy: unknown key (allowed: ")


def test_service_names_must_be_dns_safe() -> None:
    (problem,) = problems(**{"Claw_Bot": API})
    assert problem.startswith("hv-foundation:services.Claw_Bot: is not a valid service name")


def test_pillar_is_required_and_known() -> None:
    found = problems(clawbot={k: v for k, v in API.items() if k != "pillar"}, other={**WEB, "pillar": "ops"})
    assert "hv-foundation:services.clawbot.pillar: is required (one of aws, hub-v2, clawbot, airtable)" in found
    assert ("hv-foundation:services.other.pillar: 'ops' is not allowed (allowed: aws, hub-v2, clawbot, "
            "airtable)") in found
