from __future__ import annotations

import json
from typing import Any

import pytest

from components.config import load_stack_config
from components.config_reader import ConfigError
from tests.components.stack_config import MINIMAL_DEV_CONFIG

BASE = MINIMAL_DEV_CONFIG


def load(**changes: Any) -> Any:
    raw = dict(BASE)
    for name, value in changes.items():
        key = name.replace("__", ":").replace("hv:", "hv-foundation:")
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value if isinstance(value, str) else json.dumps(value)
    return load_stack_config(raw, "hv-foundation", "dev")


def problems(**changes: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(**changes)
    return [str(problem) for problem in caught.value.problems]


def test_valid_dev_config_derives_dev_posture() -> None:
    config = load()
    assert config.environment == "dev"
    assert config.network.az_count == 2
    assert config.network.nat == "single"
    assert config.network.interface_endpoints == ()
    assert config.network.flow_log_traffic == "REJECT"
    assert config.network.flow_log_retention_days == 7
    assert config.posture.deletion_protection is False
    assert config.posture.ecs_exec is True
    assert config.physical_name("vpc") == "hv-dev-vpc"


def test_prod_environment_derives_prod_posture() -> None:
    config = load(hv__environment="prod")
    assert config.network.az_count == 3
    assert config.network.nat == "per-az"
    assert "bedrock-runtime" in config.network.interface_endpoints
    assert config.network.flow_log_traffic == "ALL"
    assert config.network.flow_log_retention_days == 90
    assert config.posture.multi_az and config.posture.deletion_protection
    assert config.posture.protect_stateful and not config.posture.ecs_exec
    assert config.posture.log_retention_days == 90


def test_posture_is_overridable_per_stack() -> None:
    config = load(hv__environment="prod", hv__posture={"ecsExec": True, "logRetentionDays": 30})
    assert config.posture.ecs_exec is True
    assert config.posture.log_retention_days == 30
    assert config.posture.deletion_protection is True


def test_other_region_is_refused() -> None:
    assert problems(aws__region="us-west-2") == [
        "aws:region: 'us-west-2' is not allowed (allowed: us-east-2, the contract's only region)"]


def test_missing_region_is_refused() -> None:
    assert problems(aws__region=None)[0].startswith("aws:region: missing is not allowed")


@pytest.mark.parametrize("accounts", [["123456789012"], ["891377221201", "123456789012"], []])
def test_other_account_list_is_refused(accounts: list[str]) -> None:
    (problem,) = problems(aws__allowedAccountIds=accounts)
    assert problem.startswith("aws:allowedAccountIds: ")
    assert '(allowed: ["891377221201"]' in problem


def test_static_credentials_are_refused() -> None:
    (problem,) = problems(aws__accessKey="AKIAEXAMPLE")
    assert problem.startswith("aws:accessKey: static credentials are not allowed")


def test_unknown_top_level_key_is_an_error() -> None:
    (problem,) = problems(hv__netwrok={"cidr": "10.0.0.0/16"})
    assert problem.startswith("hv-foundation:netwrok: unknown key (allowed: ")
    assert "network" in problem


def test_unknown_nested_key_names_its_path() -> None:
    (problem,) = problems(hv__network={"cidr": "10.20.0.0/16", "azcount": 3})
    assert problem.startswith("hv-foundation:network.azcount: unknown key (allowed: ")
    assert "azCount" in problem


@pytest.mark.parametrize(("cidr", "expected"), [
    ("10.20.0.0/33", "is not a valid IPv4 network"),
    ("10.20.0.1/16", "is not a valid IPv4 network"),
    ("banana", "is not a valid IPv4 network"),
    ("10.20.0.0/24", "has prefix /24 (allowed: /16 to /20)"),
    ("8.8.0.0/16", "is not a private range"),
    ("fd00::/56", "is not an IPv4 network"),
])
def test_bad_vpc_cidr_is_refused(cidr: str, expected: str) -> None:
    (problem,) = problems(hv__network={"cidr": cidr})
    assert problem.startswith(f"hv-foundation:network.cidr: '{cidr}' ")
    assert expected in problem


def test_missing_cidr_is_required() -> None:
    assert problems(hv__network={}) == ["hv-foundation:network.cidr: is required (a string)"]


@pytest.mark.parametrize("count", [1, 4])
def test_az_count_out_of_range(count: int) -> None:
    assert problems(hv__network={"cidr": "10.20.0.0/16", "azCount": count}) == [
        f"hv-foundation:network.azCount: {count} is out of range (allowed: 2–3)"]


def test_nat_strategy_must_be_known() -> None:
    assert problems(hv__network={"cidr": "10.20.0.0/16", "nat": "two"}) == [
        "hv-foundation:network.nat: 'two' is not allowed (allowed: single, per-az, none)"]


def test_retention_must_be_a_cloudwatch_period() -> None:
    (problem,) = problems(hv__posture={"logRetentionDays": 10})
    assert problem.startswith("hv-foundation:posture.logRetentionDays: 10 is not a CloudWatch")


def test_wrong_types_are_named() -> None:
    assert problems(hv__posture={"multiAz": "yes"}) == [
        "hv-foundation:posture.multiAz: 'yes' is not true or false"]


def test_unknown_environment_is_refused() -> None:
    assert problems(hv__environment="staging") == [
        "hv-foundation:environment: 'staging' is not allowed (allowed: dev, prod)"]


def test_domain_must_be_inside_the_zone() -> None:
    assert problems(hv__domain="dev.example.com") == [
        "hv-foundation:domain: 'dev.example.com' is not inside the zone 'happen.ventures'"]


def test_all_problems_are_reported_together() -> None:
    found = problems(aws__region="eu-west-1", hv__environment="qa",
                     hv__network={"cidr": "1.2.3.0/24", "azCount": 9, "extra": 1})
    assert len(found) == 5
    assert [p.split(":")[0] + ":" + p.split(":")[1].split(" ")[0] for p in found] == [
        "aws:region", "hv-foundation:environment", "hv-foundation:network.cidr",
        "hv-foundation:network.azCount", "hv-foundation:network.extra"]


def test_error_message_lists_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        load(aws__region="eu-west-1", hv__environment="qa")
    assert str(caught.value).startswith("2 problems in the stack config:\n  - aws:region: ")


def test_data_defaults() -> None:
    data = load().data
    assert data.postgres.parameter_group_family == "postgres16"
    assert data.redis.engine == "valkey" and data.redis.parameter_group_family == "valkey8"


@pytest.mark.parametrize(("data", "expected"), [
    ({"postgres": {"instanceClass": "m5.large"}},
     "hv-foundation:data.postgres.instanceClass: 'm5.large' is not of a supported family"),
    ({"redis": {"nodeType": "db.t4g.micro"}},
     "hv-foundation:data.redis.nodeType: 'db.t4g.micro' is not of a supported family"),
    ({"postgres": {"allocatedStorage": 100, "maxAllocatedStorage": 50}},
     "hv-foundation:data.postgres.maxAllocatedStorage: 50 must exceed allocatedStorage 100"),
    ({"redis": {"engine": "memcached"}},
     "hv-foundation:data.redis.engine: 'memcached' is not allowed (allowed: redis, valkey)"),
    ({"mysql": {}}, "hv-foundation:data.mysql: unknown key"),
])
def test_bad_data_config_is_refused(data: dict[str, Any], expected: str) -> None:
    (problem,) = problems(hv__data=data)
    assert problem.startswith(expected)


@pytest.mark.parametrize("days", [0, 36])
def test_backup_retention_outside_1_to_35_days_is_refused(days: int) -> None:
    assert problems(hv__posture={"backupRetentionDays": days}) == [
        f"hv-foundation:posture.backupRetentionDays: {days} is out of range (allowed: 1–35)"]


IDENTITY = {"googleClientId": "1234-abc.apps.googleusercontent.com"}
WEB = {"hub-v2-web": {"pillar": "hub-v2", "port": 3000, "host": "hub", "priority": 20}}


def test_identity_section_is_parsed() -> None:
    identity = load(hv__identity=IDENTITY, hv__services=WEB).identity
    assert identity.domain_prefix == "hv-dev-hub" and identity.groups == ("admin", "operator", "viewer")
    assert identity.google_client_secret_name == "hv/dev/identity/google-client-secret"


@pytest.mark.parametrize(("identity", "expected"), [
    ({}, "hv-foundation:identity.googleClientId: is required"),
    ({**IDENTITY, "extraCallbackUrls": ["http://hub.example.com/cb"]},
     "hv-foundation:identity.extraCallbackUrls: 'http://hub.example.com/cb' is not an https URL"),
    ({**IDENTITY, "groups": ["admin", "admin"]},
     "hv-foundation:identity.groups: [\"admin\", \"admin\"] names a group twice"),
    ({**IDENTITY, "webService": "portal"}, "hv-foundation:identity.webService: 'portal' is not a service"),
])
def test_bad_identity_config_is_refused(identity: dict[str, Any], expected: str) -> None:
    (problem,) = problems(hv__identity=identity, hv__services=WEB)
    assert problem.startswith(expected)


def test_cognito_uses_need_the_identity_section() -> None:
    services = {"hub-v2-web": {**WEB["hub-v2-web"], "uses": ["cognito"]}}
    assert problems(hv__services=services) == [
        "hv-foundation:services.hub-v2-web.uses: 'cognito' needs the identity pillar "
        "(add an hv-foundation:identity section)"]


@pytest.mark.parametrize("profile", ["anthropic.claude-sonnet-4-6", "us.meta.llama3-70b", "eu.anthropic.claude"])
def test_bedrock_profiles_must_be_anthropic_us_profiles(profile: str) -> None:
    (problem,) = problems(hv__bedrock={"inferenceProfiles": [profile]})
    assert problem.startswith(f"hv-foundation:bedrock.inferenceProfiles: '{profile}' is not an Anthropic US")


def test_bedrock_logging_defaults_follow_the_environment() -> None:
    assert load().bedrock.invocation_logging is False
    assert load(hv__environment="prod").bedrock.invocation_logging is True


@pytest.mark.parametrize(("expression", "reason"), [
    ("cron(0 7 * * *)", "has 5 cron fields"),
    ("cron(0 7 * * MON *)", "must set exactly one of day-of-month and day-of-week to ?"),
    ("cron(0 25h * * ? *)", "has an invalid hours field"),
    ("every day", "is not cron(…), rate(…) or at(…)"),
    ("rate(1 minutes)", "is not cron(…), rate(…) or at(…)"),
])
def test_invalid_schedule_expressions_are_refused(expression: str, reason: str) -> None:
    (problem,) = problems(hv__scheduler={"enabled": True, "consumer": "hub-v2-web",
                                         "schedules": {"job": {"expression": expression}}}, hv__services=WEB)
    assert problem.startswith(f"hv-foundation:scheduler.schedules.job.expression: {expression!r} {reason}")


@pytest.mark.parametrize("expression", ["cron(0/15 * * * ? *)", "cron(0 7 ? * MON-FRI *)", "rate(5 minutes)",
                                        "rate(1 hour)", "at(2027-01-01T00:00:00)"])
def test_valid_schedule_expressions_pass(expression: str) -> None:
    config = load(hv__scheduler={"enabled": True, "consumer": "hub-v2-web",
                                 "schedules": {"job": {"expression": expression}}}, hv__services=WEB)
    assert config.scheduler.schedules[0].expression == expression


def test_alarm_emails_must_be_addresses() -> None:
    assert problems(hv__operations={"alarmEmails": ["oncall-at-happen"]}) == [
        "hv-foundation:operations.alarmEmails: 'oncall-at-happen' is not an email address"]


@pytest.mark.parametrize("repository", ["hv-foundation", "https://github.com/a/b", "a/b/c"])
def test_repositories_must_be_owner_slash_name(repository: str) -> None:
    (problem,) = problems(hv__ci={"infrastructureRepository": repository})
    assert problem.startswith(f"hv-foundation:ci.infrastructureRepository: '{repository}' is not valid "
                              "(allowed: owner/name)")


def test_environment_is_required() -> None:
    found = problems(hv__environment=None, hv__network={"cidr": "10.20.0.0/16", "azCount": 9})
    assert found[0] == "hv-foundation:environment: is required (one of dev, prod)"
    assert len(found) == 2  # the other sections are still checked
