"""The interpreter `make setup` builds .venv from (read off `make -n`, which runs nothing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def venv_command(tmp_path: Path, *overrides: str) -> str:
    """The line of `make setup` that creates the virtualenv, for a .venv that does not exist yet."""
    planned = subprocess.run(["make", "-n", "setup", f"VENV={tmp_path / 'venv'}", *overrides],
                             cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    (line,) = [line for line in planned.splitlines() if "-m venv" in line]
    return line


def test_the_distributions_python_is_taken_when_it_can_make_a_venv(tmp_path: Path) -> None:
    # Any interpreter with venv and ensurepip stands for the distribution's here.
    assert f"|| {sys.executable} -m venv " in venv_command(tmp_path, f"DISTRO_PYTHON={sys.executable}")


@pytest.mark.parametrize("distro_python", ["/nonexistent/python3.11", "false"])
def test_without_a_usable_distribution_python_it_is_python3(tmp_path: Path, distro_python: str) -> None:
    assert "|| python3 -m venv " in venv_command(tmp_path, f"DISTRO_PYTHON={distro_python}")


def test_an_explicit_python_wins(tmp_path: Path) -> None:
    command = venv_command(tmp_path, f"DISTRO_PYTHON={sys.executable}", "PYTHON=python3.11")
    assert "|| python3.11 -m venv " in command
