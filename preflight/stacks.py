"""Several stacks in one command: the imports paid once, then one process per stack.

The Pulumi runtime keeps its state in module globals (settings, the root stack, the config), so
two stacks cannot run in one process. They run in processes forked after the warm-up, side by
side on the cores there are (at most `--jobs` at once): each starts its packs at once and finds
the program's modules loaded. The parent holds no event loop, thread or gRPC channel when it
forks (it has run nothing yet), so the children start clean. Each child's console output is
kept apart and printed by the parent in the order the stacks were given, then one verdict for all.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from . import forking
from .model import EXIT_FAILED, EXIT_PASSED, EXIT_VIOLATIONS

VERDICTS = {EXIT_PASSED: "PASSED", EXIT_VIOLATIONS: "BLOCKED", EXIT_FAILED: "FAILED"}
EXIT_INTERRUPTED = 130

RunStack = Callable[[argparse.Namespace], int]


@dataclass
class StackProcess:
    """One stack's run in its own process, its console output held back in two files."""

    stack: str
    pid: int
    stdout: IO[bytes]
    stderr: IO[bytes]
    exit_code: int | None = None

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        return self.ended(status)

    def ended(self, status: int) -> int:
        """Record the exit of this stack's process, from its wait status."""
        code = os.waitstatus_to_exitcode(status)
        if code < 0:
            self.stderr.write(f"FAILED: stack {self.stack}'s process was killed by signal "
                              f"{signal.Signals(-code).name}\n".encode())
        self.exit_code = code
        return code

    def print_output(self) -> None:
        for captured, stream in ((self.stdout, sys.stdout), (self.stderr, sys.stderr)):
            captured.seek(0)
            stream.write(captured.read().decode(errors="replace"))
            stream.flush()
            captured.close()

    def reap(self) -> None:
        """Wait for a run still going when the parent leaves early: a Ctrl-C reaches the stacks'
        processes too (they stop their packs and exit), and otherwise they finish."""
        if self.exit_code is None:
            self.wait()


def run_side_by_side(runs: Sequence[argparse.Namespace], run_stack: RunStack, jobs: int) -> int:
    """Run each stack's `run_stack(args)` in a process of its own, at most `jobs` at once (the
    next starts as one ends); print their console output in the given order, each once it and
    those before it have ended, then one overall verdict; return the worst exit code."""
    processes: list[StackProcess] = []
    # What the warm-up built stays out of the collector's reach, so that a collection in a child
    # does not write to (and so copy) every page it shares with the parent.
    gc.freeze()
    try:
        printed = 0
        while printed < len(runs):
            while len(processes) < len(runs) and sum(p.exit_code is None for p in processes) < jobs:
                processes.append(_fork(runs[len(processes)], run_stack))
            _wait_for_any(processes)
            while printed < len(processes) and processes[printed].exit_code is not None:
                if printed:
                    print()
                processes[printed].print_output()
                printed += 1
    finally:
        for process in processes:
            process.reap()
    verdict, code = overall_verdict([(p.stack, p.exit_code) for p in processes])
    print(f"\n{verdict}")
    return code


def _wait_for_any(processes: Sequence[StackProcess]) -> None:
    """Until one of the running stack processes has ended (the parent has no other children)."""
    running = {process.pid: process for process in processes if process.exit_code is None}
    while True:
        pid, status = os.wait()
        if pid in running:
            running[pid].ended(status)
            return


def overall_verdict(results: Sequence[tuple[str, int | None]]) -> tuple[str, int]:
    """One line for every stack, and the worst exit code (anything not 0 or 1 is a failure)."""
    codes = [(stack, code if code in (EXIT_PASSED, EXIT_VIOLATIONS) else EXIT_FAILED)
             for stack, code in results]
    worst = max(code for _, code in codes)
    each = ", ".join(f"{stack} {VERDICTS[code]}" for stack, code in codes)
    return f"Overall: {VERDICTS[worst]} ({each})", worst


def _fork(args: argparse.Namespace, run_stack: RunStack) -> StackProcess:
    stdout, stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - closed by print_output

    def child() -> int:
        os.dup2(stdout.fileno(), 1)
        os.dup2(stderr.fileno(), 2)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        try:
            return run_stack(args)
        except KeyboardInterrupt:
            print(f"FAILED: stack {args.stack} interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED

    pid = forking.fork(child, failed=EXIT_FAILED)  # a traceback there is this stack's failed run
    return StackProcess(stack=args.stack, pid=pid, stdout=stdout, stderr=stderr)
