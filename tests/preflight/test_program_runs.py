"""How a program's run ends (time limit, sys.exit, logged errors) and what it reads rather than
manages (`.get()`, stack references), each with a small program of our own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pulumi_aws.ec2
import pulumi_aws.s3  # noqa: F401 - imported up front: the programs' time limits then measure them, not imports
import pytest

from preflight import stack_references
from preflight.cli import main
from preflight.engine import run_program
from preflight.model import PreflightError
from preflight.project import load_program

WriteProgram = Callable[..., Path]

PINNED = """
aws:region: us-east-2
aws:allowedAccountIds: ["891377221201"]
"""


def _run(directory: Path, **kwargs):  # type: ignore[no-untyped-def]
    return run_program(load_program(directory, "dev"), **kwargs)


# --- the time limit --------------------------------------------------------------------------

STUCK = """
import asyncio
import pulumi, pulumi_aws as aws
never = pulumi.Output.from_input(asyncio.get_event_loop().create_future())
aws.s3.Bucket("waits", bucket=never)
aws.ec2.get_ami_output(owners=[never])
aws.s3.Bucket("done", bucket="done")
pulumi.export("url", never)
pulumi.export("ready", "yes")
"""


def test_a_program_that_never_finishes_times_out_naming_what_is_pending(write_program: WriteProgram) -> None:
    directory = write_program(STUCK, PINNED)
    with pytest.raises(PreflightError) as failure:
        _run(directory, timeout=3)
    message = str(failure.value)
    assert message.startswith("the program did not finish within 3 s (--timeout) (demo, stack dev)")
    assert "still pending: invoke aws:ec2/getAmi:getAmi, resource aws:s3/bucket:Bucket 'waits', " \
           "stack output 'url'" in message
    assert "'done'" not in message and "'ready'" not in message


def test_a_looping_program_times_out_naming_its_line_and_the_next_run_is_unaffected(
        write_program: WriteProgram) -> None:
    directory = write_program("""
        import pulumi
        pulumi.export("before", "set")
        while True:
            pass
    """, PINNED)
    with pytest.raises(PreflightError, match=r"within 2 s \(--timeout\).*; the program was running "
                                             r"__main__\.py:[45] in <module>"):
        _run(directory, timeout=2)
    (directory / "__main__.py").write_text("import pulumi\npulumi.export('after', 'ran')\n")
    assert _run(directory, timeout=30).stack_outputs == {"after": "ran"}


def test_a_program_that_finishes_in_time_is_unaffected_by_the_limit(write_program: WriteProgram) -> None:
    directory = write_program("import pulumi\npulumi.export('x', 1)\n", PINNED)
    assert _run(directory, timeout=60).stack_outputs == {"x": 1}


# --- sys.exit and pulumi.log.error -----------------------------------------------------------

@pytest.mark.parametrize(("call", "code"), [("sys.exit(0)", 0), ("sys.exit()", 0), ("sys.exit(3)", 3)])
def test_sys_exit_in_the_program_is_a_failed_run_whatever_the_code(
        write_program: WriteProgram, call: str, code: int) -> None:
    directory = write_program(f"""
        import sys
        import pulumi_aws as aws
        aws.s3.Bucket("first")
        {call}
        aws.s3.Bucket("never-registered")
    """, PINNED)
    with pytest.raises(PreflightError, match=rf"^the program exited with code {code} \(demo, stack dev\)"):
        _run(directory)


def test_sys_exit_with_a_message_shows_it(write_program: WriteProgram) -> None:
    directory = write_program("import sys\nsys.exit('no config for this region')\n", PINNED)
    with pytest.raises(PreflightError, match=r"exited with code 1 \(demo, stack dev\): no config for this region"):
        _run(directory)


def test_an_error_logged_by_the_program_fails_the_run_with_its_message(write_program: WriteProgram) -> None:
    directory = write_program("""
        import pulumi, pulumi_aws as aws
        aws.s3.Bucket("b")
        pulumi.log.warn("only a warning")
        pulumi.log.error("the bucket policy is missing")
    """, PINNED)
    with pytest.raises(PreflightError) as failure:
        _run(directory)
    assert str(failure.value) == ("the program logged 1 error (demo, stack dev):\n"
                                  "error: the bucket policy is missing")


# --- reads -----------------------------------------------------------------------------------

READS = """
import pulumi, pulumi_aws as aws
vpc = aws.ec2.Vpc.get("shared", "vpc-0abc1234")
subnet = aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block=vpc.cidr_block.apply(lambda c: c.replace("/16", "/24")))
pulumi.export("vpcArn", vpc.arn)
"""


def test_get_reads_are_inventoried_as_reads_with_their_whole_state(write_program: WriteProgram) -> None:
    inventory = _run(write_program(READS, PINNED))
    (read,) = inventory.reads
    assert (read.type, read.name, read.id) == ("aws:ec2/vpc:Vpc", "shared", "vpc-0abc1234")
    assert read.urn == "urn:pulumi:dev::demo::aws:ec2/vpc:Vpc::shared"
    assert read.provider.startswith("urn:pulumi:dev::demo::pulumi:providers:aws::default_")
    # A read answers with the whole state: inputs the program never set are there too.
    assert read.outputs["cidrBlock"].endswith(".0.0/16")
    assert inventory.named("app").inputs["vpcId"] == "vpc-0abc1234"
    assert inventory.named("app").inputs["cidrBlock"].endswith(".0/24")
    assert inventory.stack_outputs["vpcArn"].startswith("arn:aws:ec2:us-east-2:891377221201:")
    assert read.urn not in inventory.by_urn()  # managed resources only: the engine analyses no read


def test_a_read_and_a_registration_with_one_urn_are_refused(write_program: WriteProgram) -> None:
    directory = write_program("""
        import pulumi_aws as aws
        aws.ec2.Vpc.get("vpc", "vpc-0abc1234")
        aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    """, PINNED)
    with pytest.raises(PreflightError, match=r"duplicate URN urn:pulumi:dev::demo::aws:ec2/vpc:Vpc::vpc"):
        _run(directory)


# --- stack references ------------------------------------------------------------------------

REFERENCING = """
import pulumi, pulumi_aws as aws
network = pulumi.StackReference("org/network/prod")
aws.ec2.Subnet("app", vpc_id=network.require_output("vpcId"), cidr_block="10.0.1.0/24")
pulumi.export("vpc", network.get_output("vpcId"))
pulumi.export("missing", network.get_output("nothing"))
"""


def test_a_stack_reference_resolves_from_a_json_object_of_outputs(
        write_program: WriteProgram, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = write_program(REFERENCING, PINNED)
    outputs = tmp_path_factory.mktemp("refs") / "network.json"
    outputs.write_text(json.dumps({"vpcId": "vpc-0net"}))
    inventory = _run(directory, references=stack_references.load([("org/network/prod", outputs)]))
    assert inventory.named("app").inputs["vpcId"] == "vpc-0net"
    assert inventory.stack_outputs == {"vpc": "vpc-0net"}  # an absent output is None, as in the engine
    (reference,) = inventory.reads
    assert (reference.type, reference.id) == ("pulumi:pulumi:StackReference", "org/network/prod")
    assert reference.outputs["outputs"] == {"vpcId": "vpc-0net"}


def test_a_stack_reference_resolves_from_a_preflight_report(
        write_program: WriteProgram, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = tmp_path_factory.mktemp("refs") / "network-prod.json"
    report.write_text(json.dumps({"project": "network", "stack": "prod", "passed": True, "error": None,
                                  "resources": [], "stackOutputs": {"vpcId": "vpc-0rep", "key": "[secret]"}}))
    references = stack_references.load([("org/network/prod", report)])
    assert references == {"org/network/prod": {"vpcId": "vpc-0rep", "key": "[secret]"}}
    inventory = _run(write_program(REFERENCING, PINNED), references=references)
    assert inventory.named("app").inputs["vpcId"] == "vpc-0rep"
    assert inventory.reads[0].outputs["secretOutputNames"] == ["key"]


def test_an_unresolved_stack_reference_names_it_and_the_flag(write_program: WriteProgram) -> None:
    with pytest.raises(PreflightError, match=r"the program reads stack reference 'org/network/prod', which no "
                                             r"--stack-reference resolves \(given: none\); pass "
                                             r"--stack-reference org/network/prod=FILE"):
        _run(write_program(REFERENCING, PINNED))


@pytest.mark.parametrize(("content", "error"), [
    (None, r"--stack-reference n=.*: cannot read .*missing\.json"),
    ("{not json", r"--stack-reference n=.*: .* is not JSON"),
    ("[1, 2]", r"holds a JSON list; expected a preflight report or an object of outputs"),
    (json.dumps({"project": "p", "stack": "s", "resources": [], "stackOutputs": {}, "error": "boom\nmore"}),
     r"is the report of a failed run \(boom\), which has no outputs"),
])
def test_a_bad_stack_reference_file_names_the_flag(tmp_path: Path, content: str | None, error: str) -> None:
    path = tmp_path / "missing.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(PreflightError, match=error):
        stack_references.load([("n", path)])


def test_a_stack_reference_given_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(PreflightError, match=r"--stack-reference n is given twice"):
        stack_references.load([("n", tmp_path / "a.json"), ("n", tmp_path / "a.json")])


# --- through the CLI: remote components, reads and assumptions in the console and the report -

LOOKS_UP = """
import pulumi, pulumi_aws as aws
vpc = aws.ec2.Vpc.get("shared", "vpc-0abc1234")  # untagged, no flow log: blocked if it were analysed
network = pulumi.StackReference("org/network/prod")
pulumi.ComponentResource("hv:edge:Cdn", "cdn", None, None, remote=True)
pulumi.export("ami", aws.ec2.get_ami(owners=["amazon"], most_recent=True).id)
pulumi.export("vpc", network.get_output("vpcId"))
"""


def test_remote_components_block_unless_allowed_and_reads_are_not_analysed(
        write_program: WriteProgram, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_program(LOOKS_UP, PINNED)
    scratch = tmp_path_factory.mktemp("out")
    (scratch / "network.json").write_text('{"vpcId": "vpc-0net"}')
    flags = ["--cwd", str(directory), "--stack-reference", f"org/network/prod={scratch / 'network.json'}"]

    assert main([*flags, "--json", str(scratch / "blocked.json")]) == 1
    out = capsys.readouterr().out
    opaque = ("hv:edge:Cdn 'cdn' not analysed: its children are built by a component provider that "
              "does not run offline")
    assert opaque in out
    assert "read, not managed (2; no policy judges a read)" in out
    assert "invoke results: aws:ec2/getAmi:getAmi" in out
    report = json.loads((scratch / "blocked.json").read_text())
    levels = {(v["policy"], v["urn"].rsplit("::", 1)[-1]): v["enforcementLevel"] for v in report["violations"]}
    # The component's package is judged too: a component provider other than AWS is out of contract.
    assert levels == {("preflight-opaque-component", "cdn"): "mandatory",
                      ("hv-aws-allow-contract-services-only", "cdn"): "mandatory"}
    assert [r["type"] for r in report["reads"]] == ["aws:ec2/vpc:Vpc", "pulumi:pulumi:StackReference"]
    assert report["stackOutputs"]["vpc"] == "vpc-0net"

    assert main([*flags, "--allow-opaque-components", "--json", str(scratch / "allowed.json")]) == 1
    report = json.loads((scratch / "allowed.json").read_text())
    levels = {v["policy"]: v["enforcementLevel"] for v in report["violations"]}
    assert levels == {"preflight-opaque-component": "advisory", "hv-aws-allow-contract-services-only": "mandatory"}


def test_sys_exit_0_in_the_program_exits_2_not_0(write_program: WriteProgram,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_program("import sys\nsys.exit(0)\n", PINNED)
    assert main(["--cwd", str(directory)]) == 2
    assert "FAILED: the program exited with code 0 (demo, stack dev)" in capsys.readouterr().out


@pytest.mark.parametrize(("flag", "error"), [
    (["--timeout", "0"], "--timeout: '0': expected a positive number of seconds"),
    (["--timeout", "soon"], "--timeout: 'soon': expected a positive number of seconds"),
    (["--stack-reference", "org/network/prod"], "--stack-reference: 'org/network/prod': expected NAME=FILE"),
])
def test_bad_flags_exit_2_saying_what_is_allowed(flag: list[str], error: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(flag)
    assert exited.value.code == 2 and error in capsys.readouterr().err


def test_the_console_says_briefly_which_outputs_were_assumed() -> None:
    from preflight.model import Inventory
    from preflight.report_console import render_assumed

    inventory = Inventory("p", "dev", (), {}, synthesized={
        "outputs": {"urn:a": ["arn", "ownerId"], "urn:b": ["ownerId"]}, "invokes": []})
    assert render_assumed(inventory)[-1] == "    3 outputs of 2 resources: ownerId ×2, arn ×1"
    assert render_assumed(Inventory("p", "dev", (), {}, synthesized={"outputs": {}, "invokes": []})) == []


def test_hand_answered_tags_all_is_not_reported_as_synthesized(write_program: WriteProgram) -> None:
    inventory = _run(write_program("import pulumi_aws as aws\naws.s3.Bucket('b')\n", PINNED))
    bucket = inventory.named("b")
    assert bucket.outputs["tagsAll"] == {}
    assert "tagsAll" not in inventory.synthesized["outputs"].get(bucket.urn, ())
