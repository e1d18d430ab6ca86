"""`python -m benchmarks.audit_scan`: wall time of a full audit scan (every region) against moto.

    python -m benchmarks.audit_scan [--runs 3] [--workers 16]

Each run starts a fresh `mock_aws`, seeds a few resources (breaches in three regions, a
compliant service at home), then times `engine.scan` over every region moto reports as
enabled, exactly as `python -m audit` would (App Runner, which moto lacks, is stubbed). One
untimed home-region scan first loads the service models, which a real run pays once too but
which would otherwise dominate the first sample. Prints the median.

Needs the dev requirements (moto). Never talks to AWS: credentials are replaced with fakes
and every request is answered by moto or the stub.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
import zipfile
from collections.abc import Iterator, Sequence

from moto import mock_aws

from audit.clients import Client, SessionClients, new_botocore_session
from audit.contract import CONTRACT_ACCOUNT_ID, HOME_REGION
from audit.engine import DEFAULT_WORKERS, ScanOptions, scan
from audit.models import Report
from tests.audit.fakes import stub_apprunner

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": HOME_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "MOTO_ACCOUNT_ID": CONTRACT_ACCOUNT_ID,
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
_CLEARED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN")


@contextlib.contextmanager
def fake_aws_env() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in (*_FAKE_ENV, *_CLEARED_ENV)}
    os.environ.update(_FAKE_ENV)
    for name in _CLEARED_ENV:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _handler_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def seed() -> None:
    """A home-region service done right, and breaches in three regions."""
    session = new_botocore_session()

    def aws(service: str, region: str = HOME_REGION) -> Client:
        return session.create_client(service, region_name=region)

    tags = [{"Key": "pillar", "Value": "hub-v2"}, {"Key": "service", "Value": "hub-v2-api"}]
    tags.append({"Key": "environment", "Value": "prod"})
    aws("dynamodb").create_table(
        TableName="hv-prod-rate",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=tags,
    )
    aws("ecs").create_cluster(clusterName="hv-prod", tags=[{"key": t["Key"], "value": t["Value"]} for t in tags])
    aws("s3").create_bucket(Bucket="hv-prod-assets", CreateBucketConfiguration={"LocationConstraint": HOME_REGION})
    role = aws("iam").create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    aws("lambda", "us-west-2").create_function(
        FunctionName="side-cron",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _handler_zip()},
    )
    aws("dynamodb", "eu-west-1").create_table(
        TableName="shadow",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws("ec2", "ap-southeast-1").create_key_pair(KeyName="ops")
    aws("iam").create_user(UserName="ci")
    aws("iam").create_access_key(UserName="ci")


def timed_scan(workers: int) -> tuple[float, Report]:
    with mock_aws():
        seed()
        factory = stub_apprunner(SessionClients(), {HOME_REGION: ["bench-docs"]})
        start = time.perf_counter()
        report = scan(factory, ScanOptions(regions=None, workers=workers))
        elapsed = time.perf_counter() - start
    if report.error is not None or not report.findings:
        raise RuntimeError(f"bench scan did not run as expected: {report.error or 'no findings'}")
    return elapsed, report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.audit_scan", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="scan concurrency")
    args = parser.parse_args(argv)
    with fake_aws_env():
        with mock_aws():  # warm-up: load botocore and moto service models once, untimed
            scan(stub_apprunner(SessionClients()), ScanOptions(regions=(HOME_REGION,), workers=1))
        samples = [timed_scan(args.workers) for _ in range(max(1, args.runs))]
    times = [elapsed for elapsed, _ in samples]
    report = samples[-1][1]
    print(
        f"audit: full scan of {len(report.regions)} regions against moto: "
        f"{statistics.median(times):.2f} s (median of {len(times)}; "
        f"{len(report.findings)} findings, {report.scanned_units} service/region units, "
        f"workers={args.workers})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
