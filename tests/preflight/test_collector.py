"""The collector's pace during a run: what it changes, and that it is all undone afterwards."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from preflight.collector import YOUNG_COLLECTION_EVERY, paced_for_a_run
from preflight.engine import run_program
from preflight.model import PreflightError
from preflight.project import load_program
from tests.conftest import freeze_survivors

WriteProgram = Callable[..., Path]

# What the program sees of the collector while it runs.
PROGRAM = """
import gc, pulumi
pulumi.export("threshold", gc.get_threshold()[0])
pulumi.export("frozen", gc.get_freeze_count() > 0)
"""


@pytest.fixture
def nothing_frozen() -> Iterator[None]:
    """The suite freezes what outlives each test module; these tests start from a process that
    froze nothing, as `python -m preflight --stack dev` does, and leave the suite's state."""
    gc.unfreeze()
    yield
    freeze_survivors()


def test_a_run_is_paced_and_leaves_the_collector_as_it_found_it(write_program: WriteProgram,
                                                                 nothing_frozen: None) -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    assert before[1] == 0
    inventory = run_program(load_program(write_program(PROGRAM), "dev"))
    assert inventory.stack_outputs == {"threshold": YOUNG_COLLECTION_EVERY, "frozen": True}
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_failed_run_leaves_the_collector_as_it_found_it(write_program: WriteProgram,
                                                          nothing_frozen: None) -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    assert before[1] == 0
    with pytest.raises(PreflightError, match="boom"):
        run_program(load_program(write_program("raise RuntimeError('boom')\n"), "dev"))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_what_someone_else_froze_stays_frozen(nothing_frozen: None) -> None:
    # preflight's command freezes what its warm-up built before it forks the stacks' processes.
    gc.freeze()
    with paced_for_a_run():
        pass
    assert gc.get_freeze_count() > 0


def test_garbage_made_during_a_paced_run_is_still_collected() -> None:
    class Cycle:
        pass

    with paced_for_a_run():
        cycle = Cycle()
        cycle.self = cycle  # type: ignore[attr-defined]
        del cycle
        assert gc.collect() > 0
