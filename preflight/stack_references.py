"""`--stack-reference NAME=FILE`: another stack's outputs, for `pulumi.StackReference(NAME)`.

Offline there is no backend to read that stack from, so its outputs come from a file: a preflight
JSON report of that stack (its `stackOutputs`) or a plain JSON object of outputs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .model import PreflightError

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
# The keys that make a JSON object a preflight report rather than a map of outputs.
_REPORT_KEYS = frozenset({"project", "stack", "resources", "stackOutputs"})


def parse_flag(text: str) -> tuple[str, Path]:
    """argparse type of `--stack-reference`: `NAME=FILE`."""
    name, sep, file = text.partition("=")
    if not sep or not name or not file:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected NAME=FILE (the name the program passes to pulumi.StackReference, `=`, "
            "a preflight JSON report of that stack or a JSON object of its outputs)")
    return name, Path(file)


def load(flags: Iterable[tuple[str, str | Path]]) -> dict[str, Mapping[str, Any]]:
    """Each referenced stack's outputs by name; a bad file is a PreflightError naming the flag."""
    references: dict[str, Mapping[str, Any]] = {}
    for name, file in flags:
        if name in references:
            raise PreflightError(f"--stack-reference {name} is given twice: give each stack once")
        references[name] = _outputs(name, Path(file))
    return references


def _outputs(name: str, path: Path) -> Mapping[str, Any]:
    flag = f"--stack-reference {name}={path}"
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise PreflightError(f"{flag}: cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise PreflightError(f"{flag}: {path} is not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict):
        raise PreflightError(f"{flag}: {path} holds a JSON {type(data).__name__}; expected a preflight "
                             "report or an object of outputs")
    if not data.keys() >= _REPORT_KEYS:
        return data
    if data.get("error"):
        raise PreflightError(f"{flag}: {path} is the report of a failed run ({data['error'].splitlines()[0]}), "
                             "which has no outputs to offer")
    outputs = data["stackOutputs"]
    if not isinstance(outputs, dict):
        raise PreflightError(f"{flag}: the report's stackOutputs is not an object")
    return outputs
