"""`python -m audit` end to end: exit codes, console output, progress, the JSON file."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.cli import main
from audit.clients import Client, ClientFactory, SessionClients
from audit.contract import CONTRACT_ACCOUNT_ID as ACCOUNT
from audit.contract import HOME_REGION as HOME

Aws = Callable[..., Client]
REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str], clients: ClientFactory | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, clients=clients, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_an_empty_account_passes_with_exit_0_and_a_clean_json(clients: ClientFactory, tmp_path: Path) -> None:
    report_file = tmp_path / "audit.json"
    code, out, err = run(["--regions", HOME, "--json", str(report_file)], clients)
    assert code == 0
    assert "verdict: PASS" in out
    assert f"audit: scanned 1/1 regions ({HOME})" in err
    assert json.loads(report_file.read_text()) == {
        "account": ACCOUNT,
        "regions": [HOME],
        "findings": [],
        "not_scanned": [],
        "passed": True,
    }


def test_findings_exit_1_grouped_by_severity_then_region_with_json(
    aws: Aws, clients: ClientFactory, tmp_path: Path
) -> None:
    aws("ec2", "eu-west-1").create_key_pair(KeyName="ops")
    aws("iam").create_user(UserName="breakglass")
    aws("dynamodb", "eu-west-1").create_table(
        TableName="shadow",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    report_file = tmp_path / "audit.json"

    code, out, err = run(["--regions", f"{HOME},eu-west-1", "--json", str(report_file)], clients)

    assert code == 1
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[1:4] == ["HIGH (1)", "MEDIUM (1)", "LOW (1)"]
    assert out.index("HIGH (1)\n  eu-west-1\n    outside-home-region") > 0
    assert "MEDIUM (1)\n  eu-west-1\n    ec2-key-pair" in out
    assert "LOW (1)\n  global\n    iam-user" in out
    assert "verdict: FAIL: 3 findings (1 high, 1 medium, 1 low)" in out
    assert err.count("audit: scanned ") == 2 and "scanned 2/2 regions" in err

    data = json.loads(report_file.read_text())
    assert (data["account"], data["regions"], data["passed"]) == (ACCOUNT, [HOME, "eu-west-1"], False)
    assert [(f["check"], f["severity"], f["region"]) for f in data["findings"]] == [
        ("outside-home-region", "high", "eu-west-1"),
        ("ec2-key-pair", "medium", "eu-west-1"),
        ("iam-user", "low", "global"),
    ]
    assert all(set(f) == {"check", "severity", "region", "resource", "found", "fix"} for f in data["findings"])
    assert all(f["found"] and f["fix"] for f in data["findings"])


def test_not_scanned_services_are_listed_with_their_reason(faults: Any, tmp_path: Path, no_sleep: list[float]) -> None:
    faults.fail("dynamodb", "ListTables", "ThrottlingException")
    report_file = tmp_path / "audit.json"
    code, out, _ = run(["--regions", HOME, "--json", str(report_file)], faults)
    assert code == 2
    assert "NOT SCANNED (1): these parts of the account were not audited" in out
    assert f"  {HOME}  dynamodb  throttled (ThrottlingException on ListTables) after 3 attempts" in out
    assert "verdict: INCOMPLETE: no findings in what could be scanned; 1 service/region pair not scanned" in out
    data = json.loads(report_file.read_text())
    assert data["passed"] is False
    assert data["not_scanned"] == [
        {
            "service": "dynamodb",
            "region": HOME,
            "reason": "throttled (ThrottlingException on ListTables) after 3 attempts: injected ThrottlingException",
        }
    ]


def test_no_credentials_exits_2_with_one_line_and_a_json_saying_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    report_file = tmp_path / "audit.json"
    code, out, err = run(["--regions", HOME, "--json", str(report_file), "--max-attempts", "1"])
    assert code == 2
    assert out == ""
    assert err.startswith("audit: CANNOT SCAN: no AWS credentials found (set AWS_PROFILE")
    assert err.count("\n") == 1 and "Traceback" not in err
    data = json.loads(report_file.read_text())
    assert (data["account"], data["passed"], data["findings"]) == (None, False, [])
    assert data["not_scanned"][0]["service"] == "all"
    assert data["not_scanned"][0]["reason"].startswith("no AWS credentials found")


def test_the_module_runs_as_a_program_without_credentials(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "audit", "--regions", HOME, "--max-attempts", "1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("audit: CANNOT SCAN: no AWS credentials found")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--regions", "us-east-2,mars-1"], "--regions: 'mars-1' is not a region name"),
        (["--regions", " , "], "--regions: empty list"),
        (["--workers", "0"], "--workers and --max-attempts must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(argv: list[str], message: str) -> None:
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert message in err


def _no_scan(service: str, region: str) -> Client:
    raise AssertionError(f"the scan started ({service} in {region}) although the arguments are bad")


def test_an_unknown_region_is_refused_before_scanning_naming_the_known_ones() -> None:
    code, out, err = run(["--regions", "us-east-2,us-east-9"], _no_scan)
    assert (code, out) == (2, "")
    assert "--regions: 'us-east-9' (did you mean us-east-" in err
    assert "is not a region botocore knows; aws regions are: " in err and "eu-west-1" in err


def test_json_parent_folders_are_created(clients: ClientFactory, tmp_path: Path) -> None:
    target = tmp_path / "out" / "nested" / "audit.json"
    code, _, err = run(["--regions", HOME, "--json", str(target)], clients)
    assert (code, err.count("cannot write")) == (0, 0)
    assert json.loads(target.read_text())["passed"] is True
    assert sorted(p.name for p in target.parent.iterdir()) == ["audit.json"]  # no temp or probe left


@pytest.mark.parametrize("where", ["parent is a file", "is a directory"])
def test_an_unwritable_json_path_exits_2_before_scanning(tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "audit.json" if where == "parent is a file" else tmp_path
    code, out, err = run(["--regions", HOME, "--json", str(target)], _no_scan)
    assert (code, out) == (2, "")
    assert f"audit: --json {target}: cannot write: " in err and "(checked before scanning)" in err


def test_a_failed_json_write_leaves_the_previous_report_intact(
    clients: ClientFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "audit.json"
    target.write_text('{"previous": true}\n')

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("audit.report_json.os.replace", disk_full)
    code, _, err = run(["--regions", HOME, "--json", str(target)], clients)
    assert code == 2 and "No space left on device" in err
    assert json.loads(target.read_text()) == {"previous": True}
    assert [p.name for p in tmp_path.iterdir()] == ["audit.json"]


def test_the_client_factory_honours_aws_endpoint_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    client = SessionClients()("dynamodb", HOME)  # created only: nothing is sent
    assert client.meta.endpoint_url == "http://localhost:4566"
    assert client.meta.region_name == HOME
