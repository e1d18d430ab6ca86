"""How the garbage collector is paced while a program runs and in a pack.

A run allocates some 100,000 objects that live until it ends (outputs, futures, tasks). At the
default pace (a young collection every 700 allocations) the collector ran ~300 times in a dev
run and, each time it reached the oldest generation, traversed every module the SDK imported:
40 % of the run's time, and 0.15 s of the pack's answers. Pacing changes only when garbage is
found, never what is found.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Shared with the pack's boot code, which paces its process the same way.
from .pack_boot import YOUNG_COLLECTION_EVERY


@contextlib.contextmanager
def paced_for_a_run() -> Iterator[None]:
    """During the run, what existed before it is out of the collector's reach (frozen, unless
    someone froze it already) and young objects are collected every 20,000 allocations; both
    are undone afterwards."""
    threshold = gc.get_threshold()
    freezes = gc.get_freeze_count() == 0
    if freezes:
        gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freezes:
            gc.unfreeze()
