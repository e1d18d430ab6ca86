from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WriteProgram = Callable[..., Path]


@pytest.fixture
def write_program(tmp_path: Path) -> WriteProgram:
    """A throwaway Pulumi Python project: `__main__.py` body plus a stack file."""

    def write(body: str, stack_config: str = "", stack: str = "dev", name: str = "demo") -> Path:
        (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(
            "config:\n" + textwrap.indent(textwrap.dedent(stack_config), "  ") if stack_config else "{}\n")
        (tmp_path / "__main__.py").write_text(textwrap.dedent(body))
        return tmp_path

    return write
