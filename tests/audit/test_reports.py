"""Report rendering and exit codes from hand-built reports; region argument parsing."""

from __future__ import annotations

import io
import json

import pytest

from audit import report_console, report_json
from audit.models import Finding, NotScanned, Report, Severity
from audit.regions import BadRegions, parse_regions


def finding(severity: Severity, region: str, check: str = "c", resource: str = "r") -> Finding:
    return Finding(check=check, severity=severity, region=region, resource=resource, found="what", fix="how")


GAP = NotScanned(service="lambda", region="us-east-2", reason="access denied (AccessDenied on ListFunctions)")
ABSENT = [
    NotScanned(service="apprunner", region=region, reason="not offered", gap=False)
    for region in ("eu-north-1", "ca-central-1")
]


@pytest.mark.parametrize(
    ("report", "code"),
    [
        (Report(account="1", regions=("us-east-2",), scanned_units=5), 0),
        (Report(account="1", regions=("us-east-2",), scanned_units=5, not_scanned=tuple(ABSENT)), 0),
        (Report(account="1", regions=("us-east-2",), scanned_units=5, findings=(finding(Severity.LOW, "x"),)), 1),
        (
            Report(
                account="1",
                regions=("us-east-2",),
                scanned_units=5,
                findings=(finding(Severity.LOW, "x"),),
                not_scanned=(GAP,),
            ),
            1,
        ),
        (Report(account="1", regions=("us-east-2",), scanned_units=5, not_scanned=(GAP,)), 2),
        (Report(account="1", regions=("us-east-2",), scanned_units=0, not_scanned=(GAP,)), 2),
        (Report(account=None, regions=(), error="no AWS credentials found"), 2),
    ],
    ids=["clean", "clean-with-absent-services", "findings", "findings-and-gaps", "gaps-only", "nothing", "error"],
)
def test_the_report_decides_the_exit_code(report: Report, code: int) -> None:
    assert report.exit_code == code
    assert report.passed is (code == 0)
    assert report_json.to_dict(report)["passed"] is (code == 0)


def test_console_groups_findings_by_severity_then_region() -> None:
    report = Report(
        account="891377221201",
        regions=("eu-west-1", "us-east-2"),
        scanned_units=3,
        findings=(
            finding(Severity.HIGH, "eu-west-1", "forbidden-service", "arn:a"),
            finding(Severity.HIGH, "us-east-2", "public-rds", "arn:b"),
            finding(Severity.HIGH, "us-east-2", "sg-open-to-world", "sg-1"),
            finding(Severity.LOW, "us-east-2", "required-tags", "arn:c"),
        ),
        not_scanned=(GAP, *ABSENT),
    )
    lines = report_console.render(report).splitlines()
    assert lines[0] == "audit of account 891377221201: 2 regions (eu-west-1, us-east-2)"
    skeleton = [line.split("  found:")[0].rstrip() for line in lines if line.strip() and "found:" not in line]
    skeleton = [line for line in skeleton if "fix:" not in line]
    assert skeleton[1:9] == [
        "HIGH (3)",
        "  eu-west-1",
        "    forbidden-service  arn:a",
        "  us-east-2",
        "    public-rds         arn:b",
        "    sg-open-to-world   sg-1",
        "LOW (1)",
        "  us-east-2",
    ]
    text = "\n".join(lines)
    assert "NOT SCANNED (1): these parts of the account were not audited" in text
    assert "  us-east-2  lambda  access denied (AccessDenied on ListFunctions)" in text
    assert "  apprunner: not offered: ca-central-1, eu-north-1" in text
    assert lines[-1] == "verdict: FAIL: 4 findings (3 high, 1 low); 1 service/region pair not scanned"


def test_json_has_exactly_the_documented_shape() -> None:
    report = Report(
        account="891377221201",
        regions=("us-east-2",),
        scanned_units=1,
        findings=(finding(Severity.MEDIUM, "us-east-2", "ec2-key-pair", "key-1"),),
        not_scanned=(GAP,),
    )
    data = json.loads(report_json.render(report))
    assert data == {
        "account": "891377221201",
        "regions": ["us-east-2"],
        "findings": [
            {
                "check": "ec2-key-pair",
                "severity": "medium",
                "region": "us-east-2",
                "resource": "key-1",
                "found": "what",
                "fix": "how",
            }
        ],
        "not_scanned": [{"service": "lambda", "region": "us-east-2", "reason": GAP.reason}],
        "passed": False,
    }


def test_progress_is_one_line_per_region_off_a_terminal() -> None:
    stream = io.StringIO()
    show = report_console.progress_printer(stream)
    show(1, 2, "us-east-2")
    show(2, 2, "eu-west-1")
    assert stream.getvalue() == "audit: scanned 1/2 regions (us-east-2)\naudit: scanned 2/2 regions (eu-west-1)\n"


def test_progress_rewrites_one_line_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    show = report_console.progress_printer(stream)
    show(1, 2, "us-east-2")
    show(2, 2, "eu-west-1")
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().endswith("\r\033[Kaudit: scanned 2/2 regions (eu-west-1)\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("all", None),
        (" ALL ", None),
        ("us-east-2", ("us-east-2",)),
        ("us-east-2, eu-west-1,us-east-2", ("us-east-2", "eu-west-1")),
        ("us-gov-west-1", ("us-gov-west-1",)),
    ],
)
def test_regions_argument_parses(value: str | None, expected: tuple[str, ...] | None) -> None:
    assert parse_regions(value) == expected


@pytest.mark.parametrize("value", ["", "us-east", "US-EAST-2", "us_east_2", "us-east-2,,eu west 1"])
def test_bad_regions_argument_names_the_value(value: str) -> None:
    with pytest.raises(BadRegions, match="--regions"):
        parse_regions(value)
