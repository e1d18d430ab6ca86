"""Which errors mean "could not scan this" (and why), as opposed to bugs.

An AWS-side refusal, a throttle that outlived the retries, an unreachable endpoint, an answer
that is not the service's protocol (or that botocore's parser fails on) or expired credentials is
a fact about the environment: the audit records it as `NotScanned` with a one-line reason and goes
on. Anything else (`ParamValidationError`, a `KeyError` in a collector, `ReadOnlyViolation`...) is a
bug and propagates with its traceback.
"""

from __future__ import annotations

from typing import Final

from botocore.exceptions import (
    ClientError,
    ConnectionError,
    CredentialRetrievalError,
    EndpointResolutionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    SSOError,
    TokenRetrievalError,
    UnknownEndpointError,
    UnknownServiceError,
)
from botocore.parsers import ResponseParserError

from audit.clients import UnparsableResponse

#: Errors that stop one collector in one region, never the whole scan.
SCAN_ERRORS: Final = (
    ClientError,
    ConnectionError,  # EndpointConnectionError, ConnectTimeoutError, SSLError, proxy errors
    HTTPClientError,  # ReadTimeoutError, ConnectionClosedError
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    TokenRetrievalError,
    SSOError,
    UnknownEndpointError,
    EndpointResolutionError,
    UnknownServiceError,  # a botocore too old to know the service
    ResponseParserError,  # an answer that is not the service's protocol (a proxy's HTML page),
    # or one botocore's parser fails on (`UnparsableResponse`, raised by the audit's parsers)
)

ACCESS_DENIED_CODES: Final = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthFailure",
        "AuthorizationError",
        "Forbidden",
        "InvalidClientTokenId",
        "OptInRequired",
        "SubscriptionRequiredException",
        "UnauthorizedAccess",
        "UnauthorizedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "403",
    }
)

#: botocore's own list (retries/standard.py ThrottledRetryableChecker) plus EC2's variant.
THROTTLING_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "")) or "Unknown"


def explain(exc: Exception) -> str:
    """A one-line reason for a `SCAN_ERRORS` exception: kind, code, operation, AWS message."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        message = str(exc.response.get("Error", {}).get("Message", "")).strip()
        where = f"{code} on {exc.operation_name}"
        detail = f": {message}" if message else ""
        if code in THROTTLING_CODES:
            attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            return f"throttled ({where}) after {int(attempts) + 1} attempts{detail}"
        if code in ACCESS_DENIED_CODES:
            return f"access denied ({where}){detail}"
        return f"AWS error ({where}){detail}"
    if isinstance(exc, ConnectionError | HTTPClientError):
        return f"endpoint not reachable: {exc}"
    if isinstance(exc, UnparsableResponse):
        return f"unreadable response: {exc}"
    if isinstance(exc, ResponseParserError):
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"unexpected response, not from AWS: {first_line}"
    if isinstance(exc, UnknownEndpointError | EndpointResolutionError | UnknownServiceError):
        return f"service not available here: {exc}"
    return f"credentials failed: {exc}"
