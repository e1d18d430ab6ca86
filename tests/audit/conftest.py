"""Fixtures for the audit tests: fake credentials, moto, seeding clients, fault injection.

Nothing here can reach the network: credentials are fake, ~/.aws is hidden, the instance
metadata service is disabled, moto answers every AWS URL it knows and 404s the others (App
Runner is answered by a botocore Stubber through `tests/audit/fakes.py`).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from audit.clients import Client, ClientFactory, SessionClients, new_botocore_session
from audit.contract import CONTRACT_ACCOUNT_ID, HOME_REGION
from audit.engine import ScanOptions, scan
from audit.models import Report
from tests.audit.fakes import stub_apprunner

ACCOUNT = CONTRACT_ACCOUNT_ID
HOME = HOME_REGION

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": HOME,
    "AWS_EC2_METADATA_DISABLED": "true",
    "MOTO_ACCOUNT_ID": ACCOUNT,
    # moto otherwise builds thousands of AMIs per region: seconds per test, for nothing.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
_CLEARED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


def _fake_aws_env(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    for name in _CLEARED_ENV:
        mp.delenv(name, raising=False)
    for name, value in _FAKE_ENV.items():
        mp.setenv(name, value)
    mp.setenv("AWS_CONFIG_FILE", str(tmp / "no-config"))
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-credentials"))


@pytest.fixture(scope="session", autouse=True)
def _warm_moto(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One sequential scan first, so moto loads its service models once.

    moto caches its models lazily with no lock; the first concurrent scan would make every
    thread parse them at once (seconds of CPU). This keeps each test well under a second.
    """
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        _fake_aws_env(mp, tmp_path_factory.mktemp("aws"))
        scan(stub_apprunner(SessionClients()), ScanOptions(regions=(HOME,), workers=1))


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials for the contract account; no profile, no ~/.aws, no IMDS."""
    _fake_aws_env(monkeypatch, tmp_path)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Any socket connection is refused and fails the test, even if the code swallowed it."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object, *args: Any) -> None:
        attempts.append(address)
        raise OSError(f"audit tests must not use the network (tried {address!r})")

    def refuse_lookup(host: object, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        raise socket.gaierror(f"audit tests must not use the network (looked up {host!r})")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    yield attempts
    assert attempts == [], f"the test tried to reach the network: {attempts}"


@pytest.fixture
def moto() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def aws(moto: None) -> Callable[..., Client]:
    """`aws("ec2", "eu-west-1")`: a plain client for seeding, created inside the mock (on the
    audit's shared botocore loader, so each test does not re-parse the service models)."""
    session = new_botocore_session()

    def client(service: str, region: str = HOME) -> Client:
        return session.create_client(service, region_name=region)

    return client


@pytest.fixture
def clients(moto: None) -> ClientFactory:
    """The audit's default factory on moto, App Runner stubbed empty, few retry attempts."""
    return stub_apprunner(SessionClients(max_attempts=3))


@pytest.fixture
def run_scan(clients: ClientFactory) -> Callable[..., Report]:
    def run(*regions: str, factory: ClientFactory | None = None, **options: Any) -> Report:
        # Two workers: still concurrent, without 16 threads fighting over the GIL for moto's
        # in-process answers (the CLI, read-only and all-regions tests use the default 16).
        options.setdefault("workers", 2)
        return scan(factory or clients, ScanOptions(regions=regions or (HOME,), **options))

    return run


# --- fault injection ----------------------------------------------------------------------


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def error_response(client: Client, code: str, message: str, status: int) -> AWSResponse:
    """An HTTP error response in `client`'s wire protocol, as AWS would send it."""
    protocol = client.meta.service_model.protocol
    headers = {"x-amzn-RequestId": "fake"}  # every AWS answer carries one, errors included
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message})
        headers["Content-Type"] = "application/x-amz-json-1.0"
    elif protocol == "rest-json":
        body = json.dumps({"message": message})
        headers["x-amzn-ErrorType"] = code
        headers["Content-Type"] = "application/json"
    elif protocol == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
            "</Errors><RequestID>fake</RequestID></Response>"
        )
    elif protocol == "query":
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}"
            "</Message></Error><RequestId>fake</RequestId></ErrorResponse>"
        )
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    else:  # pragma: no cover - a protocol these tests do not inject into
        raise AssertionError(f"no error template for protocol {protocol}")
    return AWSResponse("https://fake.invalid/", status, headers, _Raw(body.encode()))


@dataclass
class Faults:
    """A ClientFactory wrapper that makes chosen operations fail at the HTTP layer.

    Failures are injected on `before-send`, inside botocore's retry loop, so the client's own
    retry/backoff handles them exactly as it would AWS's answer.
    """

    inner: ClientFactory
    #: (service, operation, region or None for all) -> (code, exception or raw body, status, times;
    #: None = always). A raw body is sent as is, with no AWS headers (a proxy's error page).
    rules: dict[tuple[str, str, str | None], tuple[str | bytes | Exception, int, int | None]] = field(
        default_factory=dict
    )
    sent: dict[tuple[str, str, str], int] = field(default_factory=dict)
    _hooked: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(
        self,
        service: str,
        operation: str,
        code: str | bytes | Exception,
        *,
        status: int = 400,
        times: int | None = None,
        region: str | None = None,
    ) -> Faults:
        self.rules[(service, operation, region)] = (code, status, times)
        return self

    def __call__(self, service: str, region: str) -> Client:
        client = self.inner(service, region)
        with self._lock:
            if id(client) not in self._hooked:
                self._hooked.add(id(client))
                client.meta.events.register_first("before-send", self._handler(client, service, region))
        return client

    def _handler(self, client: Client, service: str, region: str) -> Callable[..., AWSResponse | None]:
        def handler(request: Any, **kwargs: Any) -> AWSResponse | None:
            operation = kwargs["event_name"].split(".")[-1]
            rule = self.rules.get((service, operation, region)) or self.rules.get((service, operation, None))
            if rule is None:
                return None
            code, status, times = rule
            with self._lock:
                key = (service, operation, region)
                count = self.sent.get(key, 0)
                if times is not None and count >= times:
                    return None
                self.sent[key] = count + 1
            if isinstance(code, Exception):
                raise code
            if isinstance(code, bytes):
                return AWSResponse("https://fake.invalid/", status, {"Content-Type": "text/html"}, _Raw(code))
            return error_response(client, code, f"injected {code}", status)

        return handler


@pytest.fixture
def faults(clients: ClientFactory) -> Faults:
    return Faults(clients)


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record botocore's retry backoff sleeps instead of sleeping."""
    import time as real_time

    import botocore.endpoint

    slept: list[float] = []

    class _Time:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_time, name)

        @staticmethod
        def sleep(seconds: float) -> None:
            slept.append(seconds)

    monkeypatch.setattr(botocore.endpoint, "time", _Time())
    return slept
