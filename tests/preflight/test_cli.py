from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from preflight.cli import main
from preflight.runner import REPO_ROOT


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


def test_an_unwritable_report_path_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cwd", str(REPO_ROOT), "--json", "/nonexistent/dir/report.json"]) == 2
    assert "FAILED: cannot write /nonexistent/dir/report.json: No such file or directory" in capsys.readouterr().err
