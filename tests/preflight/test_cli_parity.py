"""Behaviours of `pulumi preview --policy-pack` that preflight reproduces, each checked with a small
program and a small pack of our own against what the CLI's source says it reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from preflight.runner import preflight
from tests.preflight.test_gate import make_pack

WriteProgram = Callable[..., Path]

OPTIONS_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def timeouts(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue":
        t = args.opts.custom_timeouts
        report_violation(f"{args.name} create={t.create_seconds} update={t.update_seconds} "
                         f"delete={t.delete_seconds}")

PolicyPack(name="options", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="timeouts", description="d", validate=timeouts)])
"""

TIMEOUTS_PROGRAM = """
import pulumi, pulumi_aws as aws
aws.sqs.Queue("slow", opts=pulumi.ResourceOptions(
    custom_timeouts=pulumi.CustomTimeouts(create="10m", delete="1h30m")))
aws.sqs.Queue("plain")
"""


def test_custom_timeouts_reach_the_pack_in_seconds(write_program: WriteProgram, tmp_path: Path) -> None:
    report = preflight(write_program(TIMEOUTS_PROGRAM), "dev", [make_pack(tmp_path / "options", OPTIONS_PACK)])
    assert report.error is None
    # The CLI parses the Go durations and always sends the timeouts, zero where none is set.
    assert sorted(v.detail for v in report.violations) == [
        "plain create=0.0 update=0.0 delete=0.0", "slow create=600.0 update=0.0 delete=5400.0"]
    assert report.inventory is not None
    assert report.inventory.named("slow").options["customTimeouts"] == {"create": 600.0, "delete": 5400.0}
    assert "customTimeouts" not in report.inventory.named("plain").options


def test_a_custom_timeout_that_is_no_duration_fails_the_run(write_program: WriteProgram) -> None:
    program = write_program(TIMEOUTS_PROGRAM.replace('"10m"', '"ten minutes"'))
    report = preflight(program, "dev")
    assert report.exit_code == 2
    assert report.error is not None and "unable to parse customTimeout Value ten minutes" in report.error
    assert "aws:sqs/queue:Queue::slow" in report.error


DYNAMIC_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def provider_config(args, report_violation):
    if args.resource_type == "pulumi-python:dynamic:Resource":
        report_violation(f"{args.provider.urn.rsplit('::', 1)[-1]}: {sorted(args.provider.props.items())}")
    elif args.resource_type == "pulumi:providers:aws":
        report_violation(f"aws: {sorted((k, v) for k, v in args.props.items() if k != 'version')}")

PolicyPack(name="dynamic", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="provider-config", description="d", validate=provider_config)])
"""

DYNAMIC_PROGRAM = """
import pulumi, pulumi_aws as aws
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

class Provider(ResourceProvider):
    def create(self, props):
        return CreateResult("thing-1", props)

class Thing(Resource):
    def __init__(self, name):
        super().__init__(Provider(), name, {"size": 3})

Thing("thing")
aws.sqs.Queue("q")
"""


def test_dynamic_providers_get_the_whole_stack_config(write_program: WriteProgram, tmp_path: Path) -> None:
    program = write_program(DYNAMIC_PROGRAM, "demo:greeting: hello\naws:region: us-east-2\n")
    report = preflight(program, "dev", [make_pack(tmp_path / "dynamic", DYNAMIC_PACK)])
    assert report.error is None
    # `Target.GetPackageConfig`: a dynamic provider gets every key with its namespace, others
    # only their package's keys without it.
    assert sorted(v.detail for v in report.violations) == [
        "aws: [('region', 'us-east-2')]",
        "default: [('aws:region', 'us-east-2'), ('demo:greeting', 'hello')]"]
