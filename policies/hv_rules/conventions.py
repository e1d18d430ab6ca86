"""This pack's conventions that preflight relies on too: rule kinds, how an exception names a
resource and words its not-applicable reason, and how JSON-string values are read.

The pack imports this as `hv_rules.conventions` from its own process (and, under the Pulumi CLI,
its own virtualenv); preflight imports it as `policies.hv_rules.conventions`. It therefore uses
the standard library only, so that the one definition serves both sides.
"""

from __future__ import annotations

import json
from typing import Any

# Rule kinds, carried in each policy's tags. Contract rules are mandatory, cannot be downgraded
# by config and accept no exceptions; security rules accept justified, expiring exceptions;
# advisory rules are raised per stack.
CONTRACT = "contract"
SECURITY = "security"
ADVISORY = "advisory"
KINDS = (CONTRACT, SECURITY, ADVISORY)

# The policy config property holding a security rule's exceptions.
EXCEPTIONS_KEY = "exceptions"
# Every not-applicable reason caused by an exception starts so (preflight counts them apart).
EXCEPTION_PREFIX = "exception "


def resource_key(resource_type: str, name: str) -> str:
    """How an exception names a resource: `aws:s3/bucket:Bucket::assets`."""
    return f"{resource_type}::{name}"


def exception_reason(ticket: str, expires: str, reason: str) -> str:
    """The not-applicable reason of a resource an active exception covers."""
    return f"{EXCEPTION_PREFIX}{ticket} until {expires}: {reason}"


def decoded(value: Any) -> Any:
    """A list or map that travels as a JSON string (provider inputs, structured stack config),
    decoded; any other value, or a string that is not such JSON, as it is.

    The program's `components.config_reader.decode_raw` does the same for stack config: the
    program must deploy without its policy pack on the path, and the pack cannot import the
    program (the CLI runs it from `policies/` in its own virtualenv), so that copy stays there.
    """
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
