"""Any wrong value anywhere in a stack file is a ConfigError with its key path, never a crash."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from components.config import load_stack_config
from components.config_reader import ConfigError
from preflight.project import load_program
from preflight.runner import REPO_ROOT

JUNK: tuple[Any, ...] = ("x", 0, -5, [], {}, True, "1e9", [{"a": 1}])


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    yield path


def replaced(value: Any, path: tuple[Any, ...], junk: Any) -> Any:
    if not path:
        return junk
    copied = copy.deepcopy(value)
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = junk
    return copied


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_malformed_value_is_a_config_error(stack: str) -> None:
    config = load_program(REPO_ROOT, stack).config
    decoded = {key: json.loads(value) if value[:1] in "[{" else value for key, value in config.items()}
    checked = 0
    for key, value in decoded.items():
        for path in set(leaf_paths(value)):
            for junk in JUNK:
                broken = {**decoded, key: replaced(value, path, junk)}
                raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in broken.items()}
                try:
                    load_stack_config(raw, "hv-foundation", stack)
                except ConfigError as error:
                    assert all(str(p).startswith(("aws:", "hv-foundation:")) for p in error.problems)
                checked += 1
    assert checked > 500  # the stack files really were walked
