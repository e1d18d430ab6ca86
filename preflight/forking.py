"""A child process forked to run one function and exit, never returning into the caller's code
(one per stack, and each stack's packs)."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn


def fork(child: Callable[[], int], *, failed: int) -> int:
    """The pid of a child that runs `child()` and exits with what it returns; with `failed`, after
    the traceback, if it raises; as `sys.exit` would on SystemExit."""
    sys.stdout.flush()
    sys.stderr.flush()  # or the child would write the parent's buffered text a second time
    pid = os.fork()
    if pid == 0:
        _run_and_exit(child, failed)
    return pid


def _run_and_exit(child: Callable[[], int], failed: int) -> NoReturn:
    code = failed
    try:
        code = child()
    except SystemExit as exit_:
        code = exit_status(exit_)
    except BaseException:  # noqa: BLE001 - as the interpreter would: the traceback, then `failed`
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def exit_status(exit_: SystemExit) -> int:
    """The status `sys.exit(x)` gives a process: an int as is, None 0, anything else printed and 1."""
    if exit_.code is None or isinstance(exit_.code, int):
        return exit_.code or 0
    print(exit_.code, file=sys.stderr)
    return 1
