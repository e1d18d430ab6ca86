"""Report files: checked before the run, written together once the verdict is known.

- Before the run, each report path's folders are created and a file is proven writable beside
  it, so a bad path is found before the preview, not after it.
- After the run, every report is written to a temp file beside its path, and only once all are
  written are they renamed into place: a reader never sees half a report, and a run whose
  reports cannot all be written leaves none.
- A report path this run writes nothing to (the run failed before its reports could be made, or
  has nothing for it: no diagram of a program that failed) is cleared of an earlier run's file,
  so a file at a report path is always the report of the last run that named it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from .model import PreflightError


def prepare(outputs: Sequence[tuple[str, Path]]) -> None:
    """Check `(flag, path)` pairs before the run; a PreflightError names the flag and the path."""
    claimed: dict[Path, str] = {}
    for flag, path in outputs:
        where = f"{flag} {path}"
        if path.resolve() in claimed:
            raise PreflightError(f"{where}: the same file as {claimed[path.resolve()]} "
                                 "(give each report a path of its own)")
        claimed[path.resolve()] = where
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "is a directory", str(path))
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".probe"):
                pass
        except OSError as error:
            raise PreflightError(f"{where}: cannot write there: {error.strerror or error} "
                                 "(checked before the run)") from None


def replace(paths: Collection[Path], reports: Mapping[Path, str]) -> None:
    """Write `reports` (path → text) all or none, each atomically; clear the `paths` that get no
    report. Raises OSError (after clearing every path) if any report cannot be written."""
    written: dict[Path, Path] = {}
    try:
        for path, text in reports.items():
            written[path] = _write_beside(path, text)
        for path, temp in written.items():
            os.replace(temp, path)
    except BaseException:
        for temp in written.values():
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        _clear(paths)
        raise
    _clear(path for path in paths if path not in reports)


def _write_beside(path: Path, text: str) -> Path:
    # os.open with 0o666 gives the file the usual permissions (umask applied); mkstemp's are 0600.
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        temp.unlink()
        raise
    return temp


def _clear(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
