"""Report files: checked before the run, written all or none, each atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from preflight import outputs
from preflight.model import PreflightError


def test_prepare_creates_the_folders_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.json"
    outputs.prepare([("--json", target)])
    assert target.parent.is_dir() and list(target.parent.iterdir()) == []


def test_prepare_refuses_a_folder_and_a_file_named_twice(tmp_path: Path) -> None:
    with pytest.raises(PreflightError, match=r"--json .*: cannot write there: is a directory"):
        outputs.prepare([("--json", tmp_path)])
    with pytest.raises(PreflightError, match=r"--diagram .*r\.json: the same file as --json .*r\.json"):
        outputs.prepare([("--json", tmp_path / "r.json"), ("--diagram", tmp_path / "x" / ".." / "r.json")])


def test_replace_writes_every_report_with_the_usual_permissions(tmp_path: Path) -> None:
    first, second, stale = tmp_path / "a.json", tmp_path / "b.mmd", tmp_path / "c.md"
    stale.write_text("an earlier run's")
    previous = os.umask(0o022)
    try:
        outputs.replace([first, second, stale], {first: "{}\n", second: "flowchart TB\n"})
    finally:
        os.umask(previous)
    assert first.read_text() == "{}\n" and second.read_text() == "flowchart TB\n"
    assert first.stat().st_mode & 0o777 == 0o644
    assert not stale.exists()  # no report for it this run: the old one must not pass for this run's


def test_replace_leaves_no_report_when_one_cannot_be_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.mmd"
    first.write_text('{"passed": true}\n')
    renamed: list[Path] = []
    real_replace = os.replace

    def fails_on_the_second(source: Path, destination: Path) -> None:
        if renamed:
            raise OSError(28, "No space left on device", str(destination))
        renamed.append(destination)
        real_replace(source, destination)

    monkeypatch.setattr("preflight.outputs.os.replace", fails_on_the_second)
    with pytest.raises(OSError, match="No space left"):
        outputs.replace([first, second], {first: "{}\n", second: "flowchart TB\n"})
    assert list(tmp_path.iterdir()) == []  # neither report, no temp file
