"""One preflight run: load the program, record it, run the policy packs, return the Report."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from .engine import run_program
from .model import PreflightError, Report
from .project import load_program

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICY_PACK = REPO_ROOT / "policies"


def preflight(cwd: str | Path = ".", stack: str = "dev",
              policy_packs: Sequence[str | Path] = (),
              policy_pack_configs: Sequence[str | Path] = ()) -> Report:
    started = time.perf_counter()
    try:
        spec = load_program(cwd, stack)
    except PreflightError as error:
        return Report(project="?", stack=stack, inventory=None, error=str(error))
    try:
        inventory = run_program(spec)
    except PreflightError as error:
        return Report(project=spec.project, stack=stack, inventory=None, error=str(error))
    program_seconds = time.perf_counter() - started
    return Report(project=spec.project, stack=stack, inventory=inventory,
                  timings={"program": program_seconds})
