"""Stand-ins for what moto cannot answer, used by the audit tests and by `benchmarks.audit_scan`.

`AnswerUnimplemented` answers one operation moto lacks (Cost Explorer's ListCostAllocationTags).

moto 5.2.5 has no App Runner backend (an unmocked call gets a 404 "Not yet implemented", never
the network). `stub_apprunner` wraps any `ClientFactory` so that apprunner clients answer
`ListServices` from a botocore `Stubber` (real botocore response validation), with the
services given per region; every other service goes to the wrapped factory (moto).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from audit.clients import Client, ClientFactory


def apprunner_summary(name: str, region: str, account_id: str) -> dict[str, str]:
    arn = f"arn:aws:apprunner:{region}:{account_id}:service/{name}/0123456789abcdef0123456789abcdef"
    return {
        "ServiceName": name,
        "ServiceId": "0123456789abcdef0123456789abcdef",
        "ServiceArn": arn,
        "ServiceUrl": f"{name}.{region}.awsapprunner.com",
        "Status": "RUNNING",
    }


class StubbedAppRunner:
    """A `ClientFactory` whose apprunner clients list `services[region]` (names)."""

    def __init__(
        self,
        inner: ClientFactory,
        services: Mapping[str, Sequence[str]] | None = None,
        *,
        account_id: str = "891377221201",
    ) -> None:
        self._inner = inner
        self._services = dict(services or {})
        self._account_id = account_id
        self._stubbers: dict[int, Stubber] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str, region: str) -> Client:
        client = self._inner(service, region)
        if service != "apprunner":
            return client
        with self._lock:
            stubber = self._stubbers.get(id(client))
            if stubber is None:
                stubber = Stubber(client)
                stubber.activate()
                self._stubbers[id(client)] = stubber
            # One queued page per hand-out: the collector lists once per client it asks for.
            summaries = [apprunner_summary(name, region, self._account_id) for name in self._services.get(region, ())]
            stubber.add_response("list_services", {"ServiceSummaryList": summaries})
        return client


def stub_apprunner(
    inner: ClientFactory,
    services: Mapping[str, Sequence[str]] | None = None,
    *,
    account_id: str = "891377221201",
) -> ClientFactory:
    return StubbedAppRunner(inner, services, account_id=account_id)


class AnswerUnimplemented:
    """A `ClientFactory` whose `service` clients answer `operation` (one moto lacks) with
    `answer`: a response, validated against the operation's output shape as a Stubber would,
    or an exception to raise. Answered on `before-call`, so moto never sees the call."""

    def __init__(self, inner: ClientFactory, service: str, operation: str, answer: Mapping[str, Any] | Exception):
        self._inner, self._service, self._operation, self._answer = inner, service, operation, answer
        self._hooked: set[int] = set()
        self._lock = threading.Lock()
        #: the request bodies (bytes) of the answered calls
        self.calls: list[bytes] = []

    def __call__(self, service: str, region: str) -> Client:
        client = self._inner(service, region)
        if service != self._service:
            return client
        with self._lock:
            if id(client) not in self._hooked:
                self._hooked.add(id(client))
                service_id = client.meta.service_model.service_id.hyphenize()
                client.meta.events.register_first(f"before-call.{service_id}.{self._operation}", self._respond)
        return client

    def _respond(self, model: Any, params: Mapping[str, Any], **_: Any) -> tuple[AWSResponse, Mapping[str, Any]]:
        self.calls.append(params["body"])
        if isinstance(self._answer, Exception):
            raise self._answer
        validate_parameters(self._answer, model.output_shape)
        return AWSResponse("https://fake.invalid/", 200, {}, None), dict(self._answer)
