"""The benchmark's memory sampler reads PSS from smaps_rollup (shared pages of forked processes
split between them) and falls back to RSS."""

from __future__ import annotations

import os

import pytest

from benchmarks.__main__ import process_memory, pss_from_smaps_rollup, tree_memory

ROLLUP = """56280e4da000-7fffec9b8000 ---p 00000000 00:00 0                          [rollup]
Rss:                1612 kB
Pss:                 236 kB
Pss_Dirty:           112 kB
Pss_Anon:            112 kB
Shared_Clean:       1376 kB
"""


def test_pss_is_read_from_its_own_line_not_pss_dirty() -> None:
    assert pss_from_smaps_rollup(ROLLUP) == 236 * 1024
    assert pss_from_smaps_rollup(ROLLUP.replace("Pss:                 236", "Pss_X: 9")) is None


def test_a_pss_in_another_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="expected kB"):
        pss_from_smaps_rollup("Pss:  3 MB\n")


def test_an_unreadable_smaps_rollup_falls_back_to_rss(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    real_read_text = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == "smaps_rollup":
            raise PermissionError(self)
        return real_read_text(self)

    monkeypatch.setattr(Path, "read_text", read_text)
    size, is_pss = process_memory(os.getpid())
    assert not is_pss and size > 0


def test_this_process_tree_is_measured_as_pss() -> None:
    size, all_pss = tree_memory(os.getpid())
    assert all_pss and size > 0


def test_a_process_without_memory_left_does_not_turn_the_measure_into_rss(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    real_read_text = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == "smaps_rollup":
            raise ProcessLookupError(self)  # what a zombie (exited, not yet reaped) gives
        if self.name == "statm":
            return "0 0 0 0 0 0 0\n"
        return real_read_text(self)

    monkeypatch.setattr(Path, "read_text", read_text)
    assert process_memory(os.getpid()) == (0, True)
