"""A time limit for the program, and what it was still waiting for when the limit struck.

The program runs on the main thread's event loop (the monitor answers on worker threads), so a
SIGALRM handler interrupts whatever it is doing: its own code (`while True`) or the loop idling
on an output that never resolves. The Pulumi SDK logs each registration, read and invoke as it
starts; the monitor reports each as it arrives; what started and never arrived is pending.
"""

from __future__ import annotations

import re
import signal
import threading
from collections import Counter
from types import FrameType
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockEngine
from pulumi.runtime.proto import engine_pb2

DEFAULT_TIMEOUT = 300.0
# After the first expiry the alarm repeats: the first interruption may land in a task's callback,
# which asyncio records on that task instead of leaving the loop.
_REPEAT = 0.25

_STARTED = (
    (re.compile(r"registering resource: ty=(?P<type>.+?), name=(?P<name>.+?), custom="), "resource"),
    (re.compile(r"reading resource: ty=(?P<type>.+?), name=(?P<name>.+?), id="), "read"),
    (re.compile(r"Invoking function: tok=(?P<type>.+)$"), "invoke"),
)


class ProgramTimeout(BaseException):
    """The program's time is up (a BaseException, so that a program's `except Exception` cannot
    swallow it)."""


class PendingWork:
    """Registrations, reads and invokes the SDK started and the monitor has not yet received."""

    def __init__(self) -> None:
        self._pending: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()

    def started(self, message: str) -> None:
        for pattern, kind in _STARTED:
            if match := pattern.match(message):
                with self._lock:
                    self._pending[(kind, match["type"], match.groupdict().get("name") or "")] += 1
                return

    def arrived(self, kind: str, type_: str, name: str = "") -> None:
        with self._lock:
            key = (kind, type_, name)
            if self._pending[key] > 0:
                self._pending[key] -= 1

    def describe(self) -> list[str]:
        with self._lock:
            items = sorted(key for key, count in self._pending.items() if count > 0)
        words = {"resource": "resource", "read": "read of", "invoke": "invoke"}
        return [f"{words[kind]} {type_}" + (f" {name!r}" if name else "") for kind, type_, name in items]


class TrackingEngine(MockEngine):
    """The mock engine, also feeding the SDK's debug log of started work to `pending`."""

    def __init__(self, logger: Any, pending: PendingWork) -> None:
        super().__init__(logger)
        self.pending = pending

    def Log(self, request: Any) -> None:
        if request.severity == engine_pb2.DEBUG:
            self.pending.started(request.message)
        super().Log(request)  # type: ignore[no-untyped-call]


def pending_stack_outputs(stack: Any = None) -> list[str]:
    """Names of the root stack's exports whose value has not resolved."""
    outputs = getattr(stack, "outputs", None)
    if not isinstance(outputs, dict):
        return []
    return sorted(name for name, value in outputs.items()
                  if isinstance(value, pulumi.Output) and not value._data.done())


class Deadline:
    """`with Deadline(seconds):` raises ProgramTimeout in the main thread once `seconds` have passed;
    `where` is the frame it interrupted first (the program's own code, if it was looping)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.where: FrameType | None = None
        self._armed = False
        self._previous: Any = None

    def _expired(self, signum: int, frame: FrameType | None) -> None:
        if not self._armed:
            return
        if self.where is None:
            self.where = frame
        raise ProgramTimeout

    def __enter__(self) -> Deadline:
        if self.seconds is None:
            return self
        if self.seconds <= 0:
            raise ValueError(f"timeout must be positive, not {self.seconds}")
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("a program timeout needs the main thread (it is enforced with SIGALRM); "
                               "pass timeout=None when running preflight from another thread")
        self._previous = signal.signal(signal.SIGALRM, self._expired)
        self._armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds, _REPEAT)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.seconds is None:
            return
        self._armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
