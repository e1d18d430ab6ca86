"""Go duration strings (`"10m"`, `"1h30m"`, `"1.5s"`), as the engine parses custom timeouts."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Go's time.ParseDuration units, in seconds.
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TERM = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def seconds(text: str) -> float:
    """The duration in seconds, or ValueError worded as the engine words it."""
    sign, body = (-1.0, text[1:]) if text.startswith("-") else (1.0, text.removeprefix("+"))
    if body == "0":
        return 0.0
    total, position = 0.0, 0
    for match in _TERM.finditer(body):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if not body or position != len(body):
        raise ValueError(f"unable to parse customTimeout Value {text} (expected a Go duration such as "
                         "\"30s\", \"10m\" or \"1h30m\"; units ns, us, ms, s, m, h)")
    return sign * total


def custom_timeouts(timeouts: Mapping[str, str]) -> dict[str, float]:
    """The operations given a timeout (`create`, `update`, `delete`, `read`), in seconds, like the
    engine records them; operations without one are left out."""
    return {operation: seconds(value) for operation, value in timeouts.items() if value}
