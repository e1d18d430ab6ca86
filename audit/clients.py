"""boto3 clients for the audit: one session, shared thread-safe clients, retries, read-only.

Everything AWS-facing goes through a `ClientFactory` (`factory(service, region) -> client`).
The default, `SessionClients`, uses boto3/botocore's defaults for credentials and endpoints (profiles,
`AWS_PROFILE`, `AWS_ENDPOINT_URL[_<SERVICE>]`, SSO, instance roles...): nothing is hard-coded.
Tests and the audit bench wrap a factory to stub services moto lacks (App Runner) or to inject
faults; that is the only seam they need.

Read-only is structural: every client the factory hands out carries an event hook that
raises `ReadOnlyViolation` for any operation whose name does not start with List, Describe or
Get, before a request is signed or sent.

Answers botocore cannot parse are facts about the endpoint, not audit bugs: the session's
parsers (`GuardedParserFactory`) turn whatever a parser raises into an `UnparsableResponse`,
which the engine reports as "not scanned" for that service.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Final, Protocol, TypeAlias

import botocore.loaders
import botocore.retries.standard
import botocore.session
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.parsers import ResponseParser, ResponseParserError, ResponseParserFactory

#: boto3 clients are generated at runtime; without boto3-stubs they are untyped.
Client: TypeAlias = Any

READ_ONLY_PREFIXES: Final = ("List", "Describe", "Get")
DEFAULT_MAX_ATTEMPTS: Final = 10
USER_AGENT_EXTRA: Final = "hv-foundation-audit"
#: Headers every AWS endpoint puts on its answers, errors included; a 5xx without one came
#: from something else (a proxy, a captive portal, an emulator) that retrying will not change.
AWS_REQUEST_ID_HEADERS: Final = ("x-amzn-requestid", "x-amz-request-id", "x-amz-id-2")


class ReadOnlyViolation(RuntimeError):
    """A collector tried to call a non-read operation. Always a bug in the audit."""


class UnparsableResponse(ResponseParserError):  # type: ignore[misc]
    """A botocore parser failed on an answer (a KeyError, a TypeError...): an answer shaped
    unlike the service's model (an emulator, a proxy, a botocore older than the service)."""


class GuardedParser:
    """A botocore response parser whose failures are `ResponseParserError`s, never a bare
    KeyError that would read as a bug in the audit."""

    def __init__(self, inner: ResponseParser, protocol: str) -> None:
        self._inner = inner
        self._protocol = protocol

    def parse(self, response: dict[str, Any], shape: Any) -> dict[str, Any]:
        try:
            parsed: dict[str, Any] = self._inner.parse(response, shape)
        except ResponseParserError:
            raise
        except Exception as exc:
            what = getattr(shape, "name", None) or "the answer"
            raise UnparsableResponse(
                f"botocore's {self._protocol} parser failed on {what} "
                f"(HTTP {response.get('status_code')}): {type(exc).__name__}: {exc}"
            ) from exc
        return parsed


class GuardedParserFactory(ResponseParserFactory):  # type: ignore[misc]
    """The session component botocore asks for a parser on every response."""

    def create_parser(self, protocol_name: str) -> GuardedParser:
        return GuardedParser(super().create_parser(protocol_name), protocol_name)


class ClientFactory(Protocol):
    def __call__(self, service: str, region: str) -> Client: ...


def install_read_only_guard(client: Client) -> Client:
    """Make `client` refuse every operation that is not List*/Describe*/Get*."""
    service = client.meta.service_model.service_name

    def guard(model: Any, **_: Any) -> None:
        name: str = model.name
        if not name.startswith(READ_ONLY_PREFIXES):
            raise ReadOnlyViolation(f"audit is read-only: refusing to call {service}:{name}")

    # before-parameter-build is the first event of every call: nothing is validated, signed
    # or sent before the guard has seen the operation name.
    client.meta.events.register_first("before-parameter-build.*.*", guard, unique_id="hv-audit-read-only")
    return client


def retry_config(max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Config:
    """Standard retry mode: exponential backoff with jitter on throttling and transient errors
    (narrowed by `install_fail_fast`).

    "standard" rather than "adaptive": the audit makes a handful of calls per service and
    region, too few for adaptive's client-side rate limiter to learn anything, and botocore
    documents adaptive mode as experimental. `max_attempts` counts the first call
    too (botocore's `total_max_attempts`; its `max_attempts` would count retries only).
    """
    return Config(
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=30,
        user_agent_extra=USER_AGENT_EXTRA,
    )


def worth_retrying(caught_exception: object, response: object) -> bool:
    """False for what another attempt cannot fix: an endpoint that does not resolve or refuses
    connections, and a 5xx that no AWS endpoint sent. Everything else (throttling, AWS's own
    5xx, timeouts, dropped connections) is left to botocore's standard retry policy."""
    if isinstance(caught_exception, EndpointConnectionError):
        return False
    if isinstance(response, tuple) and response:
        http = response[0]
        status = getattr(http, "status_code", 0)
        if status >= 500:
            headers = {str(k).lower() for k in getattr(http, "headers", {})}
            return any(name in headers for name in AWS_REQUEST_ID_HEADERS)
    return True


def install_fail_fast(client: Client, max_attempts: int) -> Client:
    """Put `worth_retrying` in front of the client's standard retry handler.

    botocore registers one `needs-retry.<service>` handler per client (unique id
    `retry-config-<service>`) and does not hand it back; it is replaced by an identical one
    from `register_retry_handler` (which does), wrapped to answer "no retry" (None) first, so
    backoff and retry quota stay botocore's for everything else.
    """
    name = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{name}", f"retry-config-{name}"
    client.meta.events.unregister(event, unique_id=unique_id)
    inner = botocore.retries.standard.register_retry_handler(client, max_attempts=max_attempts)
    client.meta.events.unregister(event, unique_id=unique_id)

    def needs_retry(**kwargs: Any) -> Any:
        if not worth_retrying(kwargs.get("caught_exception"), kwargs.get("response")):
            return None
        return inner.needs_retry(**kwargs)

    client.meta.events.register(event, needs_retry, unique_id=unique_id)
    return client


@functools.cache
def shared_loader() -> botocore.loaders.Loader:
    """One botocore data loader for the whole process.

    Loading service models and endpoint data is JSON parsing of static files and dominates
    the cost of a fresh Session (about 30 ms per service model). Each loader caches what it
    read, so sessions that share it parse each file once. Sharing is safe: the loader's cache
    only ever maps a file to the same parsed content, and nothing mutates it.
    """
    return botocore.loaders.create_loader()


def new_botocore_session() -> botocore.session.Session:
    """A fresh botocore session (the standard credential and config chain) on the shared loader,
    with guarded response parsers."""
    session = botocore.session.Session()
    session.register_component("data_loader", shared_loader())
    session.register_component("response_parser_factory", GuardedParserFactory())
    return session


class SessionClients:
    """The default factory: one session, one shared client per (service, region).

    A botocore session is not thread-safe, so it is only ever used under a lock, to create
    clients; clients are thread-safe once created (boto3 docs, "Multithreading"), so each
    (service, region) client is created once and shared by the scan's threads.

    One session rather than one per thread: the credential chain runs once. With a profile
    that assumes a role (or asks for an MFA code, or reads an SSO token), a session per
    thread would call sts:AssumeRole, or prompt, once per thread; and a session costs ~30 ms
    of CPU to build. Client creation is CPU-bound Python, so serialising it loses nothing.

    The session is a botocore session, the one boto3.Session wraps: same credential chain,
    profiles and endpoint configuration (AWS_PROFILE, AWS_ENDPOINT_URL...), minus boto3's
    resource layer, which the audit does not use.
    """

    def __init__(self, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
        self._config = retry_config(max_attempts)
        self._max_attempts = max_attempts
        self._session: botocore.session.Session | None = None
        self._clients: dict[tuple[str, str], Client] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str, region: str) -> Client:
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                if self._session is None:
                    self._session = new_botocore_session()
                created = self._session.create_client(service, region_name=region, config=self._config)
                client = self._clients[key] = install_read_only_guard(install_fail_fast(created, self._max_attempts))
        return client
