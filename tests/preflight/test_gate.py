"""The gate itself: starting packs like the CLI, reconciling config, refusing what must be refused."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from preflight.cli import parse_args
from preflight.engine import run_program
from preflight.gate import describe_pack
from preflight.model import PreflightError
from preflight.pack_config import STRICTER, reconcile_config
from preflight.pack_process import PolicyPackProcess, running_packs
from preflight.project import load_program
from preflight.runner import DEFAULT_POLICY_PACK, preflight
from tests.batch_gate import gate

WriteProgram = Callable[..., Path]

PROGRAM = """
import json, pulumi, pulumi_aws as aws
p = aws.Provider("pinned", region="us-east-2", allowed_account_ids=["891377221201"],
                 default_tags=aws.ProviderDefaultTagsArgs(tags={"environment": "dev"}))
class Box(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("hv:test:Box", name)
        self.queue = aws.sqs.Queue("q", tags={"pillar": "aws", "service": "t"},
                                   opts=pulumi.ResourceOptions(parent=self, provider=p))
        # A valid document: the pack lints every policy document (hv-iam-lint-policy-documents).
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::891377221201:root"},
            "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-2:891377221201:q"}]})
        aws.sqs.QueuePolicy("qp", queue_url=self.queue.url, policy=policy,
                            opts=pulumi.ResourceOptions(parent=self, provider=p))
Box("box")
"""

# A second pack, written like any CrossGuard pack, that reports what AnalyzeStack received.
STACK_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

def validate(args, report_violation):
    for r in args.resources:
        if r.resource_type == "aws:sqs/queuePolicy:QueuePolicy":
            deps = sorted(d.name for d in r.dependencies)
            report_violation(f"parent={r.parent.name if r.parent else None} deps={deps} "
                             f"queueUrl-from={[d.name for d in r.property_dependencies['queueUrl']]} "
                             f"url={r.props['queueUrl']}")

PolicyPack(name="inspector", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    StackValidationPolicy(name="report-stack", description="Reports the stack", validate=validate)])
"""


def make_pack(directory: Path, source: str) -> Path:
    directory.mkdir()
    (directory / "__main__.py").write_text(textwrap.dedent(source))
    (directory / "PulumiPolicy.yaml").write_text("runtime: python\n")
    return directory


def write_config(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_stack_analysis_gets_parents_dependencies_and_outputs(write_program: WriteProgram,
                                                             tmp_path: Path) -> None:
    program = write_program(PROGRAM)
    inspector = make_pack(tmp_path / "inspector", STACK_PACK)
    report = preflight(program, "dev", [DEFAULT_POLICY_PACK, inspector])
    assert report.error is None
    (violation,) = [v for v in report.violations if v.policy == "report-stack"]
    assert violation.policy_pack == "inspector" and violation.enforcement_level == "advisory"
    assert "parent=box deps=['q'] queueUrl-from=['q'] url=https://sqs.us-east-2.amazonaws.com/" \
           "891377221201/q-" in violation.detail
    assert report.passed


def test_a_pack_that_crashes_on_start_is_a_clear_error(write_program: WriteProgram, tmp_path: Path) -> None:
    broken = make_pack(tmp_path / "broken", "raise RuntimeError('pack is broken')\n")
    report = preflight(write_program(PROGRAM), "dev", [broken])
    assert report.exit_code == 2
    assert report.error is not None
    assert f"policy pack {broken} did not start" in report.error
    assert "RuntimeError: pack is broken" in report.error


def test_a_directory_that_is_no_pack_is_refused(write_program: WriteProgram, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "PulumiPolicy.yaml").write_text("runtime: python\n")
    report = preflight(write_program(PROGRAM), "dev", [empty])
    assert report.error == f"--policy-pack {empty}: no __main__.py there (not a Python policy pack)"


@pytest.mark.parametrize(("document", "expected"), [
    ({"hv-no-such-rule": "advisory"}, "'hv-no-such-rule' is not a policy of pack hv-foundation"),
    ({"hv-aws-pin-region": "advisory"},
     "hv-aws-pin-region is a contract rule and must stay mandatory (the config makes it advisory)"),
    ({"hv-aws-pin-account": {"enforcementLevel": "disabled"}},
     "hv-aws-pin-account is a contract rule and must stay mandatory (the config makes it disabled)"),
    ({"all": "advisory"}, "is a contract rule and must stay mandatory (the config makes it advisory)"),
    ({"hv-aws-require-cost-tags": {"exceptions": []}},
     "hv-aws-require-cost-tags is a contract rule and accepts no exceptions"),
    ({"hv-aws-pin-region": "sometimes"}, "enforcement level 'sometimes' is not one of"),
    ({"hv-aws-pin-region": {"color": "red"}}, "hv-aws-pin-region: 'color' not declared by the rule's schema"),
])
def test_bad_policy_config_is_refused(policy_pack: PolicyPackProcess, write_program: WriteProgram,
                                      tmp_path: Path, document: object, expected: str) -> None:
    config = write_config(tmp_path / "policy.json", document)
    info = describe_pack(policy_pack, load_program(write_program(PROGRAM), "dev"))
    with pytest.raises(PreflightError) as caught:
        reconcile_config(policy_pack.name, policy_pack.policies, info.initialConfig, config)
    assert expected in str(caught.value) and str(config) in str(caught.value)


def test_bad_policy_config_stops_preflight_with_exit_2(write_program: WriteProgram, tmp_path: Path) -> None:
    config = write_config(tmp_path / "policy.json", {"hv-aws-pin-region": "advisory"})
    report = preflight(write_program(PROGRAM), "dev", [DEFAULT_POLICY_PACK], [config])
    assert report.exit_code == 2 and report.error is not None
    assert "hv-aws-pin-region is a contract rule and must stay mandatory" in report.error


def test_more_configs_than_packs_is_refused(write_program: WriteProgram, tmp_path: Path) -> None:
    config = write_config(tmp_path / "policy.json", {})
    report = preflight(write_program(PROGRAM), "dev", [], [config, config])
    assert report.error is not None and "2 --policy-pack-config for 1 --policy-pack" in report.error


def test_a_rule_that_cannot_run_on_unknowns_is_a_mandatory_violation(write_program: WriteProgram) -> None:
    spec = load_program(write_program(PROGRAM), "dev")
    inventory = run_program(spec)
    # The pinned provider's region made unknown, as a preview would see a computed value.
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    resources = tuple(replace(r, wire_inputs={**r.wire_inputs, "region": unknown}) if r.name == "pinned"
                      else r for r in inventory.resources)
    with running_packs([DEFAULT_POLICY_PACK], spec) as packs:
        violations, _ = gate(packs, [None], spec, replace(inventory, resources=resources))
    (violation,) = [v for v in violations if v.policy == "hv-aws-pin-region"]
    assert violation.enforcement_level == "mandatory"
    assert violation.message.startswith("can't run policy 'hv-aws-pin-region'")


def test_packs_are_stopped_after_the_run(write_program: WriteProgram) -> None:
    spec = load_program(write_program(PROGRAM), "dev")
    with running_packs([DEFAULT_POLICY_PACK], spec) as packs:
        process = packs[0].process
        # Started and answering: the pack describes itself over gRPC.
        assert describe_pack(packs[0], spec).name == "hv-foundation"
        assert process.poll() is None
    assert process.poll() is not None


RAISING_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def validate(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue":
        raise RuntimeError("rule bug")

PolicyPack(name="buggy", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="buggy-rule", description="Raises", validate=validate)])
"""


def test_a_rule_that_crashes_during_analysis_is_a_clear_error(write_program: WriteProgram,
                                                             tmp_path: Path) -> None:
    buggy = make_pack(tmp_path / "buggy", RAISING_PACK)
    report = preflight(write_program(PROGRAM), "dev", [buggy])
    assert report.exit_code == 2 and report.error is not None
    assert report.error.startswith(f"policy pack {buggy} failed during Analyze of urn:pulumi:dev::demo::")
    assert "aws:sqs/queue:Queue::q (policy 'buggy-rule' raised): " in report.error
    # The exception's type and traceback, down to the rule's own line.
    assert "RuntimeError: rule bug" in report.error and "in validate\n" in report.error


def test_an_unreadable_policy_config_is_a_clear_error(write_program: WriteProgram, tmp_path: Path) -> None:
    report = preflight(write_program(PROGRAM), "dev", [DEFAULT_POLICY_PACK], [tmp_path])
    assert report.exit_code == 2
    assert report.error == f"--policy-pack-config {tmp_path}: cannot be read (Is a directory)"


def test_a_broken_pack_settings_file_is_a_clear_error(write_program: WriteProgram, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack", "x = 1\n")
    (pack / "PulumiPolicy.yaml").write_text("runtime: [\n")
    report = preflight(write_program(PROGRAM), "dev", [pack])
    assert report.exit_code == 2 and report.error is not None
    assert report.error.startswith(f"{pack / 'PulumiPolicy.yaml'}: not valid YAML")


def test_an_analysis_that_dies_never_passes(write_program: WriteProgram, monkeypatch: pytest.MonkeyPatch) -> None:
    import preflight.gate as gate_module

    def broken(pack: PolicyPackProcess) -> None:
        raise RuntimeError("configure broke")

    monkeypatch.setattr(gate_module, "configure", broken)
    spec = load_program(write_program(PROGRAM), "dev")
    inventory = run_program(spec)
    with running_packs([DEFAULT_POLICY_PACK], spec) as packs, pytest.raises(RuntimeError, match="configure broke"):
        gate(packs, [None], spec, inventory)


# What `pulumi preview --policy-pack` reports (pulumi/pulumi's analyzer plugin, config
# reconciliation and step generator), and where preflight is deliberately stricter.

URN_PACK = """
from pulumi_policy import (EnforcementLevel, PolicyPack, ResourceValidationPolicy,
                           StackValidationPolicy)

def on_queue(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue":
        report_violation("queue", "urn:pulumi:dev::demo::some:other:Thing::elsewhere")

def on_stack(args, report_violation):
    report_violation("stack-wide")
    deps = {r.name: sorted(r.property_dependencies) for r in args.resources if r.name in ("q", "qp")}
    report_violation(f"deps={deps} tags={dict(sorted(args.stack_tags.items()))}")

PolicyPack(name="urns", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="resource-rule", description="d", validate=on_queue),
    StackValidationPolicy(name="stack-rule", description="d", validate=on_stack)])
"""


def test_violations_carry_the_urns_the_cli_reports(write_program: WriteProgram, tmp_path: Path) -> None:
    report = preflight(write_program(PROGRAM), "dev", [make_pack(tmp_path / "urns", URN_PACK)])
    assert report.error is None
    by_message = {v.detail: v.urn for v in report.violations}
    # A resource rule's violation is the analysed resource's, whatever URN the rule names.
    assert by_message["queue"].endswith("aws:sqs/queue:Queue::q")
    # A stack rule's violation without a URN is the root stack's.
    assert by_message["stack-wide"] == "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev"


def test_empty_property_dependencies_are_omitted_and_stack_tags_sent(write_program: WriteProgram,
                                                                      tmp_path: Path) -> None:
    report = preflight(write_program(PROGRAM), "dev", [make_pack(tmp_path / "urns", URN_PACK)],
                       stack_tags={"team": "platform", "cost-centre": "42"})
    (message,) = [v.detail for v in report.violations if v.detail.startswith("deps=")]
    # The SDK registers every input; only `queueUrl` depends on another resource.
    assert message == "deps={'q': [], 'qp': ['queueUrl']} tags={'cost-centre': '42', 'team': 'platform'}"


def test_stack_tags_are_parsed_as_key_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert dict(parse_args(["--stack-tag", "a=b=c", "--stack-tag", "x="]).stack_tag) == {"a": "b=c", "x": ""}
    with pytest.raises(SystemExit):
        parse_args(["--stack-tag", "novalue"])
    assert "'novalue': expected KEY=VALUE" in capsys.readouterr().err


CONFIG_PACK = """
from pulumi_policy import EnforcementLevel, PolicyConfigSchema, PolicyPack, ResourceValidationPolicy

def noop(args, report_violation):
    pass

schema = PolicyConfigSchema(properties={"size": {"type": "integer"}, "name": {"type": "string"}},
                            required=["size"])
PolicyPack(name="configured", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="first", description="d", validate=noop, config_schema=schema),
    ResourceValidationPolicy(name="second", description="d", validate=noop, config_schema=schema)])
"""


def test_every_config_error_of_every_policy_is_reported(write_program: WriteProgram, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "configured", CONFIG_PACK)
    config = write_config(tmp_path / "policy.json", {"first": {"size": "big", "name": 3}, "second": {}})
    report = preflight(write_program(PROGRAM), "dev", [pack], [config])
    assert report.exit_code == 2 and report.error is not None
    assert report.error.splitlines() == [
        f"{config}: policy config of pack configured is invalid:",
        "  - first: name: 3 is not of type 'string'",
        "  - first: size: 'big' is not of type 'integer'",
        "  - second: 'size' is a required property"]


def test_preflight_says_where_it_is_stricter_and_cli_compatible_drops_it(write_program: WriteProgram,
                                                                         tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "configured", CONFIG_PACK)
    config = write_config(tmp_path / "policy.json", {"first": {"size": 1, "colour": "red"},
                                                     "second": {"size": 2}, "third": "mandatory"})
    program = write_program(PROGRAM)
    strict = preflight(program, "dev", [pack], [config])
    assert strict.error is not None
    assert f"first: 'colour' not declared by the rule's schema ({STRICTER} an undeclared" in strict.error
    assert f"'third' is not a policy of pack configured ({STRICTER} a config" in strict.error
    compatible = preflight(program, "dev", [pack], [config], cli_compatible=True)
    assert compatible.error is None and compatible.passed


def test_cannot_run_during_preview_is_raised_only_outside_cli_compatible(write_program: WriteProgram) -> None:
    spec = load_program(write_program(PROGRAM), "dev")
    inventory = run_program(spec)
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    resources = tuple(replace(r, wire_inputs={**r.wire_inputs, "region": unknown}) if r.name == "pinned"
                      else r for r in inventory.resources)
    levels = {}
    for compatible in (False, True):
        with running_packs([DEFAULT_POLICY_PACK], spec) as packs:
            violations, _ = gate(packs, [None], spec, replace(inventory, resources=resources),
                                 cli_compatible=compatible)
        (violation,) = [v for v in violations if v.policy == "hv-aws-pin-region"]
        levels[compatible] = (violation.enforcement_level, "the CLI would report this as advisory"
                              in violation.message)
    assert levels == {False: ("mandatory", True), True: ("advisory", False)}


PRINTING_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def chatty(args, report_violation):
    print("x" * 100_000)

PolicyPack(name="chatty", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="chatty-rule", description="Prints a lot", validate=chatty)])
"""


def test_a_policy_that_prints_does_not_block_the_pack(write_program: WriteProgram, tmp_path: Path) -> None:
    started = time.monotonic()
    report = preflight(write_program(PROGRAM), "dev", [make_pack(tmp_path / "chatty", PRINTING_PACK)])
    assert report.error is None and report.passed
    assert time.monotonic() - started < 30  # a blocked pack only fails at the 60 s call deadline


def test_a_directory_without_pulumipolicy_yaml_is_refused(write_program: WriteProgram, tmp_path: Path) -> None:
    pack = tmp_path / "nosettings"
    pack.mkdir()
    (pack / "__main__.py").write_text("raise SystemExit('must not run')\n")
    report = preflight(write_program(PROGRAM), "dev", [pack])
    assert report.exit_code == 2
    assert report.error is not None and report.error.startswith(
        f"--policy-pack {pack}: no PulumiPolicy.yaml there (a policy pack directory holds PulumiPolicy.yaml")


PROVIDER_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

def on_provider(args, report_violation):
    if args.resource_type == "pulumi:providers:aws":
        report_violation(f"{args.name} version={args.props.get('version')}")

def on_stack(args, report_violation):
    for r in args.resources:
        if r.resource_type == "pulumi:providers:aws":
            report_violation(f"{r.name} parent={r.parent.name if r.parent else None}")

PolicyPack(name="providers", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="provider-inputs", description="d", validate=on_provider),
    StackValidationPolicy(name="provider-parents", description="d", validate=on_stack)])
"""


def test_providers_are_seen_as_the_cli_registers_them(write_program: WriteProgram, tmp_path: Path) -> None:
    from importlib import metadata

    version = metadata.version("pulumi_aws")
    default = f"default_{version.replace('.', '_')}"
    program = write_program(PROGRAM + '\naws.sqs.Queue("plain", tags={"pillar": "aws", "service": "t"})\n')
    report = preflight(program, "dev", [make_pack(tmp_path / "providers", PROVIDER_PACK)])
    details = sorted(v.detail for v in report.violations)
    # The explicit provider carries the plugin version; the default provider has no parent.
    assert details == sorted([f"pinned version={version}", f"{default} version={version}",
                              "pinned parent=demo-dev", f"{default} parent=None"])
