"""Stand-ins for what moto cannot answer, used by the audit tests and by `benchmarks.audit_scan`.

moto 5.2.5 has no App Runner backend (an unmocked call gets a 404 "Not yet implemented", never
the network). `stub_apprunner` wraps any `ClientFactory` so that apprunner clients answer
`ListServices` from a botocore `Stubber` (real botocore response validation), with the
services given per region; every other service goes to the wrapped factory (moto).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from botocore.stub import Stubber

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
