"""The pack's boot code: it answers exactly as `python -m pulumi.policy` (the CLI's start) does."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi_policy import deserialize, proxy, secret
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG as SECRET_SIG
from pulumi_policy.deserialize import SPECIAL_SIG_KEY as SIG_KEY
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE

from preflight import gate, pack_process
from preflight.model import Inventory
from preflight.pack_boot import _ConversionsPerRequest, build_property_maps_on_first_use
from preflight.pack_config import reconcile_config
from preflight.pack_process import PolicyPackProcess, running_packs
from preflight.runner import DEFAULT_POLICY_PACK
from tests.conftest import stack_spec

# What the analyzer plugin runs, without anything preflight's boot adds.
CLI_BOOT = "import runpy; runpy.run_module('pulumi.policy', run_name='__main__', alter_sys=True)"


def _answers(pack: PolicyPackProcess, inventory: Inventory) -> list[Any]:
    info = gate.describe_pack(pack, stack_spec(inventory.stack))
    pack.config = reconcile_config(pack.name, pack.policies, info.initialConfig, None)
    gate.configure(pack)
    providers = {record.urn: record for record in inventory.resources if record.is_provider}
    answers = [pack.stub.Analyze(gate.analyze_request(record, providers)) for record in inventory.resources]
    return [*answers, pack.stub.AnalyzeStack(gate.analyze_stack_request(inventory))]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_pack_answers_every_request_of_a_stack_as_the_clis_start_does(
        request: pytest.FixtureRequest, stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory: Inventory = request.getfixturevalue(stack)
    spec = stack_spec(stack)
    with running_packs([DEFAULT_POLICY_PACK], spec) as (booted,):
        ours = _answers(booted, inventory)
    monkeypatch.setattr(pack_process, "_BOOT", CLI_BOOT)
    with running_packs([DEFAULT_POLICY_PACK], spec) as (plain,):
        theirs = _answers(plain, inventory)
    assert any(answer.diagnostics for answer in theirs), "the comparison covers violations"
    assert ours == theirs


class _JsonFormat:
    """json_format's MessageToDict, counting its conversions."""

    def __init__(self) -> None:
        self.conversions = 0

    def MessageToDict(self, message: Any, **options: Any) -> dict[str, Any]:
        self.conversions += 1
        return {"converted": dict(message), **options}


def _struct(**fields: Any) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(fields)
    return message


def test_a_message_is_converted_once_per_request_and_afresh_in_the_next() -> None:
    json_format = _JsonFormat()
    conversions = _ConversionsPerRequest(json_format)
    properties, provider = _struct(a=1), _struct(region="us-east-2")

    def analyze(_servicer: object, request: Any, _context: object) -> list[Any]:
        # Three policies, as the servicer converts for each: the request's properties and its provider's.
        return [conversions.MessageToDict(message) for _ in range(3) for message in request]

    answer = conversions.answering(analyze)
    first = answer(None, (properties, provider), None)
    assert json_format.conversions == 2
    assert first[0] is first[2] is first[4] and first[1] is first[3]
    second = answer(None, (properties, provider), None)
    assert json_format.conversions == 4 and second[0] is not first[0]
    assert second == first


def test_outside_a_request_and_with_options_every_call_converts() -> None:
    json_format = _JsonFormat()
    conversions = _ConversionsPerRequest(json_format)
    message = _struct(a=1)
    assert conversions.MessageToDict(message) is not conversions.MessageToDict(message)

    def analyze(_servicer: object, _request: Any, _context: object) -> Any:
        return conversions.MessageToDict(message, preserving_proto_field_name=True)

    answering = conversions.answering(analyze)
    answering(None, None, None)
    answering(None, None, None)
    assert json_format.conversions == 4


@pytest.fixture
def deferred_maps(monkeypatch: pytest.MonkeyPatch) -> Any:
    """pulumi-policy's servicer module with the deferred property maps installed (undone after)."""
    from pulumi_policy import policy

    for name in ("deserialize_properties", "unknown_checking_proxy"):
        monkeypatch.setattr(policy, name, getattr(policy, name))
    assert build_property_maps_on_first_use()
    return policy


PROPERTIES = {"name": "db", "tags": {"pillar": "aws"}, "ports": [{"from": 5432}, {"from": UNKNOWN_NUMBER_VALUE}],
              "password": {SIG_KEY: SECRET_SIG, "value": "hunter2"}}


def _as_servicer_builds(policy: Any, converted: dict[str, Any]) -> Any:
    """The two calls the servicer makes for each policy, on an already converted map."""
    return policy.unknown_checking_proxy(policy.deserialize_properties(converted))


def test_a_deferred_map_is_what_the_servicer_built_and_each_policy_gets_its_own(deferred_maps: Any) -> None:
    eager = proxy.unknown_checking_proxy(deserialize.deserialize_properties(PROPERTIES))
    first, second = _as_servicer_builds(deferred_maps, PROPERTIES), _as_servicer_builds(deferred_maps, PROPERTIES)
    assert isinstance(first, proxy._DictProxy) and type(first).__name__ == "_DictProxy"
    assert deserialize.serialize_properties(first["tags"]) == {"pillar": "aws"} and first["password"] == "hunter2"
    assert len(first) == len(eager) and list(first) == list(eager) and "tags" in first
    first["name"] = "changed by one policy"
    assert second["name"] == "db" and PROPERTIES["name"] == "db"
    assert deserialize.serialize_properties(second) == deserialize.serialize_properties(eager)
    with pytest.raises(proxy.UnknownValueError) as deferred_error:
        second["ports"][1]["from"]
    with pytest.raises(proxy.UnknownValueError) as eager_error:
        eager["ports"][1]["from"]
    assert deferred_error.value.message == eager_error.value.message == (
        "number value at .ports.1.from can't be known during preview")


def test_a_map_no_policy_reads_is_never_deserialized(deferred_maps: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    monkeypatch.setattr(deserialize, "_deserialize_property",
                        lambda value, *args: built.append(value) or value)
    props = _as_servicer_builds(deferred_maps, PROPERTIES)
    assert built == []
    assert props["name"] == "db" and len(built) == len(PROPERTIES)


def test_remediations_and_other_callers_get_what_pulumi_policy_builds(deferred_maps: Any) -> None:
    kept = deferred_maps.deserialize_properties(PROPERTIES, True)  # Remediate's call: secrets kept
    assert isinstance(kept, secret._DictSecretsProxy)
    plain = deferred_maps.unknown_checking_proxy({"a": [1]})
    assert type(plain) is proxy._DictProxy and deserialize.serialize_properties(plain) == {"a": [1]}
