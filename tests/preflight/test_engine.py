from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from preflight.engine import run_program
from preflight.model import PreflightError
from preflight.project import load_program

WriteProgram = Callable[..., Path]

PINNED = """
aws:region: us-east-2
aws:allowedAccountIds: ["891377221201"]
"""

COMPONENT_PROGRAM = """
import pulumi, pulumi_aws as aws

class Box(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("demo:index:Box", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", tags={"pillar": "aws"},
                                    opts=pulumi.ResourceOptions(parent=self, protect=True))
        self.block = aws.s3.BucketPublicAccessBlock(
            f"{name}-block", bucket=self.bucket.id, block_public_acls=True,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["blockPublicPolicy"]))
        self.register_outputs({"bucket": self.bucket.id})

box = Box("box")
role = aws.iam.Role("role", assume_role_policy="{}", opts=pulumi.ResourceOptions(depends_on=[box]))
pulumi.export("bucketArn", box.bucket.arn)
"""


def run(directory: Path, stack: str = "dev"):  # type: ignore[no-untyped-def]
    return run_program(load_program(directory, stack))


def test_records_parents_urns_and_options(write_program: WriteProgram) -> None:
    inventory = run(write_program(COMPONENT_PROGRAM, PINNED))
    box = inventory.named("box")
    bucket = inventory.named("box-bucket")
    assert box.urn == "urn:pulumi:dev::demo::demo:index:Box::box"
    assert bucket.urn == "urn:pulumi:dev::demo::demo:index:Box$aws:s3/bucket:Bucket::box-bucket"
    assert bucket.parent == box.urn
    assert box.parent == inventory.of_type("pulumi:pulumi:Stack")[0].urn
    assert bucket.options["protect"] is True
    assert inventory.named("box-block").options["ignoreChanges"] == ["blockPublicPolicy"]
    assert bucket.custom and not box.custom


def test_records_dependencies_and_property_dependencies(write_program: WriteProgram) -> None:
    inventory = run(write_program(COMPONENT_PROGRAM, PINNED))
    bucket, block = inventory.named("box-bucket"), inventory.named("box-block")
    assert bucket.urn in block.dependencies
    assert block.property_dependencies["bucket"] == (bucket.urn,)
    role = inventory.named("role")
    # depends_on a component means on its resources, as the SDK expands it.
    assert role.options["dependsOn"] == [bucket.urn, block.urn]


def test_outputs_look_like_aws(write_program: WriteProgram) -> None:
    inventory = run(write_program(COMPONENT_PROGRAM, PINNED))
    bucket = inventory.named("box-bucket")
    assert bucket.id.startswith("box-bucket-")
    assert bucket.outputs["arn"] == f"arn:aws:s3:::{bucket.id}"
    assert inventory.named("role").outputs["arn"].startswith("arn:aws:iam::891377221201:role/role-")
    assert inventory.stack_outputs == {"bucketArn": bucket.outputs["arn"]}


def test_default_provider_is_synthesized_from_config(write_program: WriteProgram) -> None:
    inventory = run(write_program(COMPONENT_PROGRAM, PINNED))
    (provider,) = inventory.of_type("pulumi:providers:aws")
    assert provider.name.startswith("default_7_")
    assert provider.inputs["region"] == "us-east-2"
    assert provider.inputs["allowedAccountIds"] == '["891377221201"]'
    assert inventory.named("box-bucket").provider == f"{provider.urn}::{provider.id}"
    # Providers come first in the inventory, as they are registered before the resources using them.
    order = [r.name for r in inventory.resources]
    assert order.index(provider.name) < order.index("box-bucket")


def test_explicit_provider_sets_region_and_account_of_outputs(write_program: WriteProgram) -> None:
    inventory = run(write_program("""
        import pulumi, pulumi_aws as aws
        p = aws.Provider("west", region="us-west-2", allowed_account_ids=["111111111111"])
        aws.sqs.Queue("q", opts=pulumi.ResourceOptions(provider=p))
    """))
    assert inventory.of_type("pulumi:providers:aws")[0].name == "west"
    assert inventory.named("q").outputs["arn"].startswith("arn:aws:sqs:us-west-2:111111111111:q-")


def test_no_default_provider_when_every_resource_has_one(write_program: WriteProgram) -> None:
    inventory = run(write_program("""
        import pulumi, pulumi_aws as aws
        p = aws.Provider("pinned", region="us-east-2")
        aws.sqs.Queue("q", opts=pulumi.ResourceOptions(provider=p))
    """))
    assert [r.name for r in inventory.of_type("pulumi:providers:aws")] == ["pinned"]


def test_duplicate_urn_is_refused(write_program: WriteProgram) -> None:
    directory = write_program("""
        import pulumi_aws as aws
        aws.sqs.Queue("same")
        aws.sqs.Queue("same")
    """, PINNED)
    with pytest.raises(PreflightError,
                       match=r"duplicate URN urn:pulumi:dev::demo::aws:sqs/queue:Queue::same"):
        run(directory)


def test_invokes_are_answered_realistically(write_program: WriteProgram) -> None:
    inventory = run(write_program("""
        import pulumi, pulumi_aws as aws
        zones = aws.get_availability_zones(state="available")
        me = aws.get_caller_identity()
        region = aws.get_region()
        zone = aws.route53.get_zone(name="happen.ventures")
        doc = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
            actions=["s3:GetObject"], resources=["arn:aws:s3:::b/*"],
            principals=[aws.iam.GetPolicyDocumentStatementPrincipalArgs(type="Service",
                                                                      identifiers=["ecs.amazonaws.com"])],
            conditions=[aws.iam.GetPolicyDocumentStatementConditionArgs(
                test="Bool", variable="aws:SecureTransport", values=["true"])])])
        pulumi.export("zones", zones.names)
        pulumi.export("account", me.account_id)
        pulumi.export("region", region.region)
        pulumi.export("zone", zone.zone_id)
        pulumi.export("doc", doc.json)
    """, PINNED))
    outputs = inventory.stack_outputs
    assert outputs["zones"] == ["us-east-2a", "us-east-2b", "us-east-2c"]
    assert outputs["account"] == "891377221201"
    assert outputs["region"] == "us-east-2"
    assert outputs["zone"].startswith("Z")
    assert json.loads(outputs["doc"]) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
        "Principal": {"Service": "ecs.amazonaws.com"},
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}


def test_structured_and_secret_config_reach_the_program(write_program: WriteProgram) -> None:
    inventory = run(write_program("""
        import pulumi
        config = pulumi.Config()
        pulumi.export("network", config.require_object("network"))
        pulumi.export("count", config.require_int("count"))
        pulumi.export("token", config.require_secret("token"))
    """, """
        demo:network:
          cidr: 10.0.0.0/16
          zones: [a, b]
        count: 3
        token:
          secure: AAABAKx
    """))
    assert inventory.stack_outputs["network"] == {"cidr": "10.0.0.0/16", "zones": ["a", "b"]}
    assert inventory.stack_outputs["count"] == 3
    assert inventory.stack_outputs["token"] == "[secret]"


def test_a_program_error_is_reported_without_a_traceback(write_program: WriteProgram) -> None:
    directory = write_program("""
        def build():
            raise RuntimeError("no VPC for you")
        build()
    """)
    with pytest.raises(PreflightError) as caught:
        run(directory)
    message = str(caught.value)
    assert message.startswith("the program failed (demo, stack dev): RuntimeError: no VPC for you")
    assert "at __main__.py:3 in build" in message
    assert "Traceback" not in message


def test_an_error_inside_apply_fails_the_run(write_program: WriteProgram) -> None:
    directory = write_program("""
        import pulumi_aws as aws
        q = aws.sqs.Queue("q")
        q.arn.apply(lambda arn: 1 / 0)
    """, PINNED)
    with pytest.raises(PreflightError, match="ZeroDivisionError"):
        run(directory)


def test_two_runs_give_the_same_inventory(write_program: WriteProgram) -> None:
    directory = write_program(COMPONENT_PROGRAM, PINNED)
    first, second = run(directory), run(directory)
    assert [r.to_json() for r in first.resources] == [r.to_json() for r in second.resources]


def test_registrations_carry_no_stack_trace_and_the_sdk_is_restored_after(write_program: WriteProgram) -> None:
    from pulumi.runtime import resource as sdk_resource

    builder = sdk_resource._get_stack_trace
    inventory = run(write_program("""
        import pulumi
        from pulumi.runtime import resource
        pulumi.export("frames", len(resource._get_stack_trace().frames))
    """, PINNED))
    assert inventory.stack_outputs == {"frames": 0}
    assert sdk_resource._get_stack_trace is builder


def test_each_run_gets_a_fresh_root_stack(write_program: WriteProgram) -> None:
    directory = write_program(COMPONENT_PROGRAM, PINNED)
    run(directory)
    inventory = run(directory)
    stacks = inventory.of_type("pulumi:pulumi:Stack")
    assert len(stacks) == 1 and stacks[0].parent == ""


def test_missing_stack_file_names_the_known_stacks(write_program: WriteProgram) -> None:
    directory = write_program("x = 1")
    with pytest.raises(PreflightError, match=r"Pulumi.prod.yaml: no such stack config \(stacks here: dev\)"):
        load_program(directory, "prod")


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PreflightError, match="no such directory"):
        load_program(tmp_path / "nowhere", "dev")
    with pytest.raises(PreflightError, match=r"no Pulumi\.yaml here"):
        load_program(tmp_path, "dev")


def test_bad_stack_config_registers_nothing(run_stack) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PreflightError) as caught:
        run_stack("dev", aws__region="eu-west-1", network={"cidr": "10.20.0.0/16", "typo": 1})
    message = str(caught.value)
    assert "2 problems in the stack config" in message
    assert "aws:region: 'eu-west-1' is not allowed (allowed: us-east-2" in message
    assert "hv-foundation:network.typo: unknown key" in message
    assert "Traceback" not in message


FAILING_AFTER_REGISTERING = """
import pulumi_aws as aws
for index in range(4):
    aws.sqs.Queue(f"q{index}")
raise ValueError("boom")
"""

# Runs the failing program 20 times in one interpreter, then lets it exit. With ResourceWarning
# shown every time, an event loop the engine leaves unclosed is reported on each run; left to the
# garbage collector it is also what sometimes prints `Invalid file descriptor: -1`.
REPEATED_FAILURES = """
import sys
from preflight.engine import run_program
from preflight.model import PreflightError
from preflight.project import load_program
spec = load_program(sys.argv[1], "dev")
for _ in range(20):
    try:
        run_program(spec)
    except PreflightError as error:
        assert "ValueError: boom" in str(error), error
    else:
        raise AssertionError("the program should have failed")
"""


def test_failing_programs_leave_no_event_loop_behind(write_program: WriteProgram) -> None:
    directory = write_program(FAILING_AFTER_REGISTERING)
    result = subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", REPEATED_FAILURES, str(directory)],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "unclosed event loop" not in result.stderr
    assert "Exception ignored" not in result.stderr and "Invalid file descriptor" not in result.stderr
