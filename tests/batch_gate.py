"""Judging a finished inventory with the packs, for tests: preflight itself streams each resource
to the packs while the program runs (`preflight.runner`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from preflight.gate import PackSession, finish_sessions
from preflight.model import Inventory, NotApplicable, Violation
from preflight.pack_process import PolicyPackProcess
from preflight.project import ProgramSpec


def gate(packs: Sequence[PolicyPackProcess], config_files: Sequence[Path | None], spec: ProgramSpec,
         inventory: Inventory, cli_compatible: bool = False) -> tuple[list[Violation], list[NotApplicable]]:
    """Every resource of `inventory` through every pack, then the stack, as one preflight run would."""
    sessions = [PackSession(pack, spec, config_file, cli_compatible)
                for pack, config_file in zip(packs, config_files, strict=True)]
    for session in sessions:
        for resource in inventory.resources:
            session.submit(resource)
    return finish_sessions(sessions, inventory)
