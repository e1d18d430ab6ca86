"""The pack's boot code: it answers exactly as `python -m pulumi.policy` (the CLI's start) does."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import struct_pb2

from preflight import gate, pack_process
from preflight.model import Inventory
from preflight.pack_boot import _ConversionsPerRequest
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


def test_the_pack_answers_every_request_of_a_stack_as_the_clis_start_does(
        dev: Inventory, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = stack_spec("dev")
    with running_packs([DEFAULT_POLICY_PACK], spec) as (booted,):
        ours = _answers(booted, dev)
    monkeypatch.setattr(pack_process, "_BOOT", CLI_BOOT)
    with running_packs([DEFAULT_POLICY_PACK], spec) as (plain,):
        theirs = _answers(plain, dev)
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
