"""Shared fixtures: the recording engine (the same one preflight uses) over this repo's program."""

from __future__ import annotations

import gc
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis  # noqa: F401 - see below
import pytest

# hypothesis's pytest plugin imports hypothesis at the end of the session if no test did; that
# late import (rewritten by pytest, so ast.parse) races with the Pulumi runtime's worker threads
# and trips CPython 3.11.7's "AST constructor recursion depth mismatch". Importing it up front
# keeps the parse out of that window.

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from preflight import sdk_imports  # noqa: E402

sdk_imports.install()  # before any test module imports pulumi_aws: preflight's imports, not the eager ones

from preflight.engine import run_program  # noqa: E402
from preflight.model import Inventory  # noqa: E402
from preflight.pack_process import PolicyPackProcess, running_packs  # noqa: E402
from preflight.project import ProgramSpec, load_program  # noqa: E402
from preflight.runner import DEFAULT_POLICY_PACK  # noqa: E402

RunStack = Callable[..., Inventory]


def freeze_survivors() -> None:
    """The suite's heap (the SDK's modules, moto, hypothesis, session fixtures) outlives every
    test, yet each full collection traversed all of it again: ~30 a worker, 0.3-0.5 s each.
    Freezing what survives a collection keeps later collections to what was made since; the
    collection first means no garbage is frozen."""
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session: pytest.Session) -> None:
    freeze_survivors()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the module's fixtures are finalized by now
    if nextitem is None or nextitem.getparent(pytest.Module) is not item.getparent(pytest.Module):
        freeze_survivors()


@pytest.fixture(scope="session")
def policy_pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyPackProcess]:
    """This repo's pack, started once per session (each test configures it afresh)."""
    directory = tmp_path_factory.mktemp("neutral")
    spec = ProgramSpec(directory=directory, project="demo", stack="dev", main=directory, config={})
    with running_packs([DEFAULT_POLICY_PACK], spec) as (pack,):
        yield pack


def stack_spec(stack: str, **config: Any) -> ProgramSpec:
    """This repo's program as `stack`, with config keys overridden (`a__b` for `a:b`)."""
    return load_program(REPO_ROOT, stack).with_config(**config)


@pytest.fixture
def run_stack() -> RunStack:
    def run(stack: str = "dev", **config: Any) -> Inventory:
        return run_program(stack_spec(stack, **config))
    return run


@pytest.fixture
def stack_services() -> Callable[[str], dict[str, Any]]:
    """A stack file's services block as a dict, to change and pass back to `run_stack`."""
    def read(stack: str) -> dict[str, Any]:
        services: dict[str, Any] = json.loads(stack_spec(stack).config["hv-foundation:services"])
        return services
    return read


@pytest.fixture(scope="session")
def dev() -> Inventory:
    return run_program(stack_spec("dev"))


@pytest.fixture(scope="session")
def prod() -> Inventory:
    return run_program(stack_spec("prod"))


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
