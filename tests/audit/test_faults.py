"""Access denied, throttling, missing credentials, the wrong account: reported, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from audit.clients import Client, SessionClients
from audit.collect import COLLECTORS
from audit.contract import CONTRACT_ACCOUNT_ID as ACCOUNT
from audit.contract import HOME_REGION as HOME
from audit.engine import ScanOptions, scan
from audit.faults import explain
from audit.models import Report
from tests.audit.fakes import stub_apprunner

Aws = Callable[..., Client]
Scan = Callable[..., Report]


def create_table(aws: Aws, name: str, region: str = HOME) -> None:
    aws("dynamodb", region).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_a_denied_service_is_not_scanned_and_the_rest_is_still_reported(aws: Aws, faults: Any, run_scan: Scan) -> None:
    aws("ec2").create_key_pair(KeyName="ops")
    faults.fail("lambda", "ListFunctions", "AccessDeniedException", status=403)

    report = run_scan(factory=faults)

    [gap] = report.not_scanned
    assert (gap.service, gap.region, gap.gap) == ("lambda", HOME, True)
    assert gap.reason.startswith("access denied (AccessDeniedException on ListFunctions): injected")
    assert [f.check for f in report.findings] == ["ec2-key-pair"]
    assert report.exit_code == 1  # findings win over gaps


def test_a_denied_region_does_not_stop_the_other_regions(aws: Aws, faults: Any, run_scan: Scan) -> None:
    create_table(aws, "shadow", region="eu-west-1")
    faults.fail("dynamodb", "ListTables", "UnrecognizedClientException", region="us-west-2")
    report = run_scan(HOME, "eu-west-1", "us-west-2", factory=faults)
    assert [(n.service, n.region) for n in report.not_scanned] == [("dynamodb", "us-west-2")]
    assert [(f.check, f.region) for f in report.findings] == [("outside-home-region", "eu-west-1")]


def test_a_gap_without_findings_exits_2_because_the_account_is_not_vouched_for(faults: Any, run_scan: Scan) -> None:
    faults.fail("ec2", "DescribeSecurityGroups", "UnauthorizedOperation", status=403)
    report = run_scan(factory=faults)
    assert report.findings == ()
    assert [n.reason.split(":")[0] for n in report.not_scanned] == [
        "access denied (UnauthorizedOperation on DescribeSecurityGroups)"
    ]
    assert (report.exit_code, report.passed) == (2, False)


def test_throttling_is_retried_with_backoff_until_it_succeeds(
    aws: Aws, faults: Any, run_scan: Scan, no_sleep: list[float]
) -> None:
    create_table(aws, "rate")
    faults.fail("dynamodb", "ListTables", "ThrottlingException", times=2)
    report = run_scan(factory=faults)
    assert faults.sent[("dynamodb", "ListTables", HOME)] == 2
    assert len(no_sleep) == 2 and all(s >= 0 for s in no_sleep)
    assert report.not_scanned == ()
    assert [t.name for t in report.inventory.tables] == ["rate"]


def test_throttling_that_outlasts_the_retries_is_not_scanned_with_the_reason(
    faults: Any, run_scan: Scan, no_sleep: list[float]
) -> None:
    faults.fail("dynamodb", "ListTables", "ThrottlingException")
    report = run_scan(factory=faults)  # the fixture's factory allows 3 attempts
    [gap] = report.not_scanned
    assert (gap.service, gap.region) == ("dynamodb", HOME)
    assert gap.reason.startswith("throttled (ThrottlingException on ListTables) after 3 attempts")
    assert faults.sent[("dynamodb", "ListTables", HOME)] == 3
    assert len(no_sleep) == 2
    assert report.exit_code == 2


def test_one_unreadable_bucket_does_not_hide_the_others(aws: Aws, faults: Any, run_scan: Scan) -> None:
    s3 = aws("s3")
    for name in ("hv-a", "hv-b"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
    faults.fail("s3", "GetBucketTagging", "AccessDenied", status=403)
    report = run_scan(factory=faults)
    assert sorted(n.reason.split(":")[0] for n in report.not_scanned) == ["tags of bucket hv-a", "tags of bucket hv-b"]
    # the public access block was still read and judged for both
    assert sorted(f.resource for f in report.findings if f.check == "bucket-public-access") == [
        "arn:aws:s3:::hv-a",
        "arn:aws:s3:::hv-b",
    ]
    assert [f for f in report.findings if f.check == "required-tags"] == []


def test_nothing_scanned_at_all_exits_2(faults: Any) -> None:
    only_lambda = [c for c in COLLECTORS if c.service == "lambda"]
    faults.fail("lambda", "ListFunctions", "AccessDeniedException", status=403)
    report = scan(faults, ScanOptions(regions=(HOME,)), collectors=only_lambda)
    assert (report.scanned_units, report.scanned_nothing, report.exit_code) == (0, True, 2)


def test_a_refused_region_list_falls_back_to_botocore_regions(faults: Any) -> None:
    only_apprunner = [c for c in COLLECTORS if c.service == "apprunner"]
    faults.fail("ec2", "DescribeRegions", "UnauthorizedOperation", status=403)
    report = scan(faults, ScanOptions(regions=None), collectors=only_apprunner)
    assert {HOME, "eu-west-1", "ap-east-1"} <= set(report.regions)  # opt-in regions too
    [note] = [n for n in report.not_scanned if n.service == "ec2"]
    assert note.gap is False
    assert "UnauthorizedOperation on DescribeRegions" in note.reason


def test_no_credentials_is_a_clear_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    report = scan(SessionClients(max_attempts=1), ScanOptions(regions=(HOME,)))
    assert report.error is not None and report.error.startswith("no AWS credentials found")
    assert (report.account, report.exit_code) == (None, 2)


def test_credentials_that_sts_rejects_cannot_scan(faults: Any) -> None:
    faults.fail("sts", "GetCallerIdentity", "InvalidClientTokenId", status=403)
    report = scan(faults, ScanOptions(regions=(HOME,)))
    assert report.error == (
        f"cannot verify the credentials with sts:GetCallerIdentity in {HOME}: "
        "access denied (InvalidClientTokenId on GetCallerIdentity): injected InvalidClientTokenId"
    )
    assert report.exit_code == 2


def test_credentials_for_another_account_are_refused_unless_asked(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    factory = stub_apprunner(SessionClients(), account_id="111122223333")
    refused = scan(factory, ScanOptions(regions=(HOME,)))
    assert refused.error is not None
    assert refused.error.startswith(f"the credentials are for account 111122223333, not {ACCOUNT}")
    assert refused.exit_code == 2
    accepted = scan(factory, ScanOptions(regions=(HOME,), expected_account=None))
    assert (accepted.error, accepted.account, accepted.exit_code) == (None, "111122223333", 0)


def test_an_unknown_profile_cannot_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    report = scan(SessionClients(), ScanOptions(regions=(HOME,)))
    assert report.error is not None and "does-not-exist" in report.error
    assert report.exit_code == 2


def test_an_unreachable_endpoint_is_not_scanned_after_one_attempt(
    faults: Any, run_scan: Scan, no_sleep: list[float]
) -> None:
    url = f"https://eks.{HOME}.amazonaws.com/clusters"
    faults.fail("eks", "ListClusters", EndpointConnectionError(endpoint_url=url))
    report = run_scan(factory=faults)
    [gap] = report.not_scanned
    assert (gap.service, gap.region, gap.gap) == ("eks", HOME, True)
    assert gap.reason == f'endpoint not reachable: Could not connect to the endpoint URL: "{url}"'
    assert faults.sent[("eks", "ListClusters", HOME)] == 1 and no_sleep == []


def test_a_5xx_that_no_aws_endpoint_sent_is_not_retried(faults: Any, run_scan: Scan, no_sleep: list[float]) -> None:
    faults.fail("eks", "ListClusters", b"<html><body>500 Internal Server Error</body></html>", status=500)
    report = run_scan(factory=faults)
    [gap] = report.not_scanned
    assert (gap.service, gap.gap) == ("eks", True) and "500" in gap.reason
    assert faults.sent[("eks", "ListClusters", HOME)] == 1 and no_sleep == []


def test_a_5xx_from_aws_is_retried_with_backoff(faults: Any, run_scan: Scan, no_sleep: list[float]) -> None:
    # error_response carries the request id every AWS answer has
    faults.fail("ec2", "DescribeKeyPairs", "InternalError", status=500, times=2)
    report = run_scan(factory=faults)
    assert report.not_scanned == ()
    assert faults.sent[("ec2", "DescribeKeyPairs", HOME)] == 2 and len(no_sleep) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"502 Bad Gateway <b>upstream</b> <hr>", 502),  # a proxy's page
        (b"<html><body><hr>Sign in to the Wi-Fi</body></html>", 200),  # a captive portal
    ],
)
def test_a_non_aws_page_is_not_scanned_and_the_scan_goes_on(
    aws: Aws, faults: Any, run_scan: Scan, body: bytes, status: int
) -> None:
    create_table(aws, "other-service-still-read")
    faults.fail("ec2", "DescribeKeyPairs", body, status=status)
    report = run_scan(factory=faults)
    [gap] = report.not_scanned
    assert (gap.service, gap.region, gap.gap) == ("ec2", HOME, True)
    assert gap.reason.startswith("unexpected response, not from AWS: ")
    assert any("other-service-still-read" in f.resource for f in report.findings)
    assert faults.sent[("ec2", "DescribeKeyPairs", HOME)] == 1


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("AccessDenied", "access denied"),
        ("AccessDeniedException", "access denied"),
        ("UnauthorizedOperation", "access denied"),
        ("AuthFailure", "access denied"),
        ("OptInRequired", "access denied"),
        ("UnrecognizedClientException", "access denied"),
        ("Throttling", "throttled"),
        ("RequestLimitExceeded", "throttled"),
        ("InternalFailure", "AWS error"),
    ],
)
def test_errors_are_explained_by_kind_code_and_operation(code: str, kind: str) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "m"}}, "DescribeThings")
    assert explain(error).startswith(f"{kind} ({code} on DescribeThings)")
    assert explain(error).endswith(": m")


def test_the_network_guard_stops_a_call_that_escaped_moto(no_network: list[object]) -> None:
    # no mock here: a real call would leave the machine; the autouse guard refuses it
    report = scan(SessionClients(max_attempts=1), ScanOptions(regions=(HOME,)))
    assert report.error is not None and "endpoint not reachable" in report.error
    assert any("amazonaws.com" in str(address) for address in no_network)
    no_network.clear()  # seen; let the guard's own teardown check pass


@pytest.mark.parametrize(
    "case",
    [
        # a query-protocol answer without its <DescribeLoadBalancersResult> wrapper
        ("elbv2", "DescribeLoadBalancers", b"<DescribeLoadBalancersResponse><Other/></DescribeLoadBalancersResponse>",
         "KeyError: 'DescribeLoadBalancersResult'"),
        # a JSON answer that is not an object
        ("dynamodb", "ListTables", b"[1]", "AttributeError: 'list' object has no attribute 'get'"),
    ],
)
def test_an_answer_botocore_cannot_parse_is_not_scanned_for_that_service_only(
    aws: Aws, faults: Any, run_scan: Scan, case: tuple[str, str, bytes, str]
) -> None:
    service, operation, body, raised = case
    aws("iam").create_user(UserName="still-found")
    faults.fail(service, operation, body, status=200)
    report = run_scan(factory=faults)
    [gap] = report.not_scanned
    assert (gap.service, gap.region, gap.gap) == (service, HOME, True)
    assert gap.reason.startswith("unreadable response: botocore's ") and gap.reason.endswith(raised)
    assert any("still-found" in f.resource for f in report.findings)
    assert faults.sent[(service, operation, HOME)] == 1


def test_an_unparsable_identity_answer_cannot_scan_rather_than_crash(faults: Any) -> None:
    faults.fail("sts", "GetCallerIdentity", b"<a><b/></a>", status=200)
    report = scan(faults, ScanOptions(regions=(HOME,)))
    assert report.error is not None and "KeyError: 'GetCallerIdentityResult'" in report.error
    assert report.exit_code == 2
