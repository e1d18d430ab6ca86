from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from preflight.cli import for_stack, main, parse_args
from preflight.runner import REPO_ROOT
from preflight.stacks import overall_verdict


def test_dev_stack_passes_and_prints_the_inventory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cwd", str(REPO_ROOT), "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "preflight: hv-foundation / stack dev" in out
    assert "hv:network:VpcNetwork network" in out
    assert "  by pillar" in out and "clawbot" in out
    assert "aws:ec2/subnet:Subnet" in out
    assert out.rstrip().splitlines()[-1].startswith("PASSED: 0 mandatory violations")


def test_json_report_has_the_documented_shape(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    assert main(["--cwd", str(REPO_ROOT), "--stack", "prod", "--json", str(target)]) == 0
    report = json.loads(target.read_text())
    assert report["project"] == "hv-foundation" and report["stack"] == "prod"
    # The project's prod stack passes its own gate: no mandatory violation.
    assert report["passed"] is True
    assert [v for v in report["violations"] if v["enforcementLevel"] == "mandatory"] == []
    vpc = next(r for r in report["resources"] if r["type"] == "aws:ec2/vpc:Vpc")
    assert set(vpc) >= {"urn", "id", "type", "name", "parent", "provider", "custom", "inputs",
                        "outputs", "options", "dependencies"}
    assert vpc["inputs"]["cidrBlock"] == "10.30.0.0/16"
    assert isinstance(report["violations"], list)


def write_project(directory: Path, body: str, stack_config: str) -> None:
    (directory / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text(textwrap.dedent(stack_config))
    (directory / "__main__.py").write_text(textwrap.dedent(body))


def test_bad_config_exits_2_with_the_key_path_and_no_resources(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / name).write_text((REPO_ROOT / name).read_text())
    (tmp_path / "components").symlink_to(REPO_ROOT / "components")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        (REPO_ROOT / "Pulumi.dev.yaml").read_text().replace("us-east-2", "eu-central-1"))
    target = tmp_path / "report.json"
    assert main(["--cwd", str(tmp_path), "--json", str(target)]) == 2
    out = capsys.readouterr().out
    assert "aws:region: 'eu-central-1' is not allowed (allowed: us-east-2" in out
    assert "Traceback" not in out
    report = json.loads(target.read_text())
    assert report["resources"] == [] and report["passed"] is False


def test_program_exception_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, "raise ValueError('boom')\n", "config: {}\n")
    assert main(["--cwd", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "FAILED: the program failed (demo, stack dev): ValueError: boom" in out
    assert "Traceback" not in out


def test_missing_cwd_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cwd", str(tmp_path / "missing")]) == 2
    assert "no such directory" in capsys.readouterr().out


def test_console_lists_the_exceptions_in_effect() -> None:
    from preflight.model import Inventory, NotApplicable, Report
    from preflight.report_console import render

    report = Report(project="p", stack="dev", inventory=Inventory("p", "dev", (), {}), not_applicable=(
        NotApplicable("hv", "hv-ec2-restrict-world-ingress", "urn:pulumi:dev::p::aws:vpc/x:Y::smtp",
                      "exception HV-1 until 2027-01-31: SMTP relay for the migration window"),
        NotApplicable("hv", "hv-rds-protect-prod-data", "urn:pulumi:dev::p::aws:rds/i:I::db", "not prod")))
    text = render(report)
    assert "Exceptions in effect: 1" in text
    assert "exception HV-1 until 2027-01-31" in text and "not prod" not in text




PASSING = """
import pulumi_aws as aws
aws.sqs.Queue("q", tags={"pillar": "aws", "service": "t"})
"""


def test_an_unwritable_report_path_is_found_before_the_preview(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").write_text("a file, so no folder can be made here")
    target = tmp_path / "out" / "report.json"
    assert main(["--cwd", str(REPO_ROOT), "--diagram", str(tmp_path / "d.mmd"), "--json", str(target)]) == 2
    captured = capsys.readouterr()
    assert f"FAILED: --json {target}: cannot write there" in captured.err
    assert "(checked before the run)" in captured.err
    assert "preflight:" not in captured.out  # no preview ran
    assert not (tmp_path / "d.mmd").exists()


def test_report_folders_are_created(tmp_path: Path) -> None:
    write_project(tmp_path, PASSING, "config: {}\n")
    target, drawing = tmp_path / "out" / "dev" / "report.json", tmp_path / "out" / "d.mmd"
    assert main(["--cwd", str(tmp_path), "--json", str(target), "--diagram", str(drawing)]) in (0, 1)
    assert json.loads(target.read_text())["stack"] == "dev"
    assert drawing.read_text().startswith("flowchart")
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]  # no temp file left


def test_reports_that_cannot_all_be_written_leave_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, PASSING, "config: {}\n")
    target, drawing = tmp_path / "ok.json", tmp_path / "d.mmd"
    target.write_text('{"passed": true}\n')  # an earlier run's
    real_replace = os.replace

    def disk_full_for_the_diagram(source: str | Path, destination: str | Path) -> None:
        if Path(destination) == drawing:
            raise OSError(28, "No space left on device", str(destination))
        real_replace(source, destination)

    monkeypatch.setattr("preflight.outputs.os.replace", disk_full_for_the_diagram)
    assert main(["--cwd", str(tmp_path), "--json", str(target), "--diagram", str(drawing)]) == 2
    assert f"FAILED: cannot write {drawing}: No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".json", ".mmd", ".tmp")) == []


def test_a_failed_run_clears_an_earlier_runs_reports(tmp_path: Path) -> None:
    write_project(tmp_path, "raise ValueError('boom')\n", "config: {}\n")
    target, drawing = tmp_path / "report.json", tmp_path / "d.mmd"
    target.write_text('{"passed": true}\n')
    drawing.write_text("flowchart LR\n")
    assert main(["--cwd", str(tmp_path), "--json", str(target), "--diagram", str(drawing)]) == 2
    report = json.loads(target.read_text())
    assert report["passed"] is False and "ValueError: boom" in report["error"]
    assert not drawing.exists()  # a failed program has no diagram, and the old one is not this run's


def test_a_bad_usage_file_is_found_before_the_preview(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = tmp_path / "usage.json"
    usage.write_text('{"typos": {}}')
    assert main(["--cwd", str(REPO_ROOT), "--usage", str(usage)]) == 2
    captured = capsys.readouterr()
    assert "unknown key(s) typos" in captured.err and "preflight:" not in captured.out


@pytest.mark.parametrize("flag", ["--json", "--diagram", "--markdown"])
def test_several_stacks_need_the_stack_placeholder(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--base", "base-{stack}.json"] if flag == "--markdown" else []
    with pytest.raises(SystemExit) as exit_:
        main(["--stack", "dev", "--stack", "prod", flag, "out/report.txt", *extra])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"{flag} out/report.txt names one file for 2 stacks: put {{stack}} in it" in err
    assert "out/report-{stack}.txt" in err


def test_a_stack_given_twice_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--stack", "dev", "--stack", "dev"])
    assert exit_.value.code == 2 and "--stack dev is given twice" in capsys.readouterr().err


def test_each_stack_gets_its_own_paths() -> None:
    args = parse_args(["--stack", "dev", "--stack", "prod", "--json", "out/{stack}.json",
                       "--policy-pack", "p", "--policy-pack-config", "p/config.{stack}.json"])
    prod = for_stack(args, "prod")
    assert (prod.stack, prod.json, prod.policy_pack_config) == ("prod", "out/prod.json", ["p/config.prod.json"])
    assert for_stack(args, "dev").json == "out/dev.json" and args.json == "out/{stack}.json"


def test_the_overall_verdict_is_the_worst_stack() -> None:
    assert overall_verdict([("dev", 0), ("prod", 0)]) == ("Overall: PASSED (dev PASSED, prod PASSED)", 0)
    assert overall_verdict([("dev", 1), ("prod", 0)]) == ("Overall: BLOCKED (dev BLOCKED, prod PASSED)", 1)
    assert overall_verdict([("prod", -9), ("dev", 1)]) == ("Overall: FAILED (prod FAILED, dev BLOCKED)", 2)


# Each stack waits until the other has started: run one after the other, the first would never
# see the second and fail. Prod (given first) also finishes last, and then fails.
SIDE_BY_SIDE = """
import pathlib, time
import pulumi, pulumi_aws as aws
stack = pulumi.get_stack()
other = {"dev": "prod", "prod": "dev"}[stack]
pathlib.Path(f"started-{stack}").touch()
deadline = time.monotonic() + 120
while not pathlib.Path(f"started-{other}").exists():
    if time.monotonic() > deadline:
        raise RuntimeError(f"stack {other} never started while {stack} ran")
    time.sleep(0.05)
aws.sqs.Queue(f"q-{stack}", tags={"pillar": "aws", "service": "t"})
if stack == "prod":
    time.sleep(1)
    raise ValueError("prod is broken")
"""


def test_several_stacks_run_side_by_side_and_report_in_the_given_order(tmp_path: Path) -> None:
    write_project(tmp_path, SIDE_BY_SIDE, "config: {}\n")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "preflight", "--cwd", str(tmp_path), "--stack", "prod", "--stack", "dev",
         "--json", f"{out}/{{stack}}.json", "--diagram", f"{out}/{{stack}}.mmd"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stdout.rstrip().splitlines()
    assert lines[-1].startswith("Overall: FAILED (prod FAILED, dev ")
    prod_at, dev_at = lines.index("preflight: demo / stack prod"), lines.index("preflight: demo / stack dev")
    assert prod_at < dev_at
    assert "FAILED: the program failed (demo, stack prod): ValueError: prod is broken" in lines[prod_at:dev_at]
    assert "never started" not in result.stdout
    prod, dev = (json.loads((out / f"{stack}.json").read_text()) for stack in ("prod", "dev"))
    assert prod["passed"] is False and "prod is broken" in prod["error"]
    # One process per stack: the runtime's global state never mixes the two.
    assert {r["name"] for r in dev["resources"] if r["custom"] and not r["type"].startswith("pulumi:")} == {"q-dev"}
    assert all(r["urn"].startswith("urn:pulumi:dev::") for r in dev["resources"])
    assert (out / "dev.mmd").is_file() and not (out / "prod.mmd").exists()
    assert "Traceback" not in result.stderr


# Each stack's program notes which others were running when it started, and stays a while.
TAKING_TURNS = """
import pathlib, time
import pulumi
stack = pulumi.get_stack()
others = sorted(path.name.removeprefix("running-") for path in pathlib.Path(".").glob("running-*"))
pathlib.Path(f"order-{time.monotonic_ns()}-{stack}").touch()
pathlib.Path(f"running-{stack}").touch()
time.sleep(0.3)
pathlib.Path(f"running-{stack}").unlink()
pathlib.Path(f"saw-{stack}").write_text(" ".join(others))
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_jobs_bounds_how_many_stacks_run_at_once_in_the_given_order(tmp_path: Path, jobs: int) -> None:
    stacks = ["qa", "prod", "dev"]
    write_project(tmp_path, TAKING_TURNS, "config: {}\n")
    for stack in stacks:
        (tmp_path / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    result = subprocess.run(
        [sys.executable, "-m", "preflight", "--cwd", str(tmp_path), "--jobs", str(jobs),
         *(arg for stack in stacks for arg in ("--stack", stack))],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.rstrip().splitlines()
    assert lines[-1] == "Overall: PASSED (qa PASSED, prod PASSED, dev PASSED)"
    assert [line for line in lines if line.startswith("preflight: demo")] == [
        f"preflight: demo / stack {stack}" for stack in stacks]
    saw = {stack: (tmp_path / f"saw-{stack}").read_text().split() for stack in stacks}
    assert all(len(others) < jobs for others in saw.values()), saw
    if jobs == 1:
        started = sorted(tmp_path.glob("order-*"), key=lambda path: int(path.name.split("-")[1]))
        assert [path.name.split("-")[2] for path in started] == stacks


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "1.5", "²", ""])
def test_jobs_must_be_a_whole_number_of_one_or_more(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--stack", "dev", "--stack", "prod", "--jobs", jobs])
    assert exit_.value.code == 2
    assert f"argument --jobs: {jobs!r}: expected a whole number of stacks, 1 or more" in capsys.readouterr().err
