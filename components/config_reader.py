"""Reading raw stack config values with every problem collected, never just the first.

A `Section` wraps one mapping of the stack config. Each accessor validates one key and, when the
value is wrong, records a problem naming the key path, the bad value and what is allowed, then
returns the default so the rest of the config is still checked. `finish()` reports the keys nobody
read: unknown keys are typos, and typos must not be ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

_MISSING: Any = object()
# Pass as a default to make a key required.
REQUIRED: Any = _MISSING
# What an offline run (preflight) hands the program for a `secure:` value it cannot decrypt. Such
# a value is accepted unchecked: `pulumi preview` and `up` decrypt it and check it for real.
ENCRYPTED_OFFLINE = "[encrypted: not checkable offline]"


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(Exception):
    """The stack config is wrong; raised before any resource is registered."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the stack config:\n{lines}")


def show(value: Any) -> str:
    """A value as the user wrote it, for error messages."""
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, sort_keys=True)


def decode_raw(value: Any) -> Any:
    """Pulumi hands structured config values over as JSON strings; decode those, keep scalars."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


class Problems:
    """The problems found so far, shared by every section of one config."""

    def __init__(self) -> None:
        self.items: list[ConfigProblem] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(ConfigProblem(path, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


class Section:
    """One mapping of the stack config, read key by key."""

    def __init__(self, raw: Any, path: str, problems: Problems, separator: str = ".") -> None:
        self.path = path
        self.problems = problems
        self.separator = separator
        self._read: set[str] = set()
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            problems.add(path, f"{show(raw)} is not a mapping (expected keys under it)")
            raw = {}
        self.raw: Mapping[str, Any] = raw

    def key_path(self, key: str) -> str:
        return f"{self.path}{self.separator}{key}"

    def has(self, key: str) -> bool:
        return key in self.raw

    def problem(self, key: str, message: str) -> None:
        self.problems.add(self.key_path(key), message)

    def _value(self, key: str, default: Any) -> Any:
        self._read.add(key)
        if key in self.raw:
            return decode_raw(self.raw[key])
        if default is _MISSING:
            self.problem(key, "is required")
        return default

    def _checked(self, key: str, default: Any, convert: Callable[[Any], Any], expected: str) -> Any:
        """The converted value, or `default` after recording why not. A missing required key
        yields None: the config is rejected anyway, and None keeps the remaining checks quiet."""
        self._read.add(key)
        if key not in self.raw:
            if default is _MISSING:
                self.problem(key, f"is required ({expected})")
                return None
            return default
        raw = decode_raw(self.raw[key])
        if raw == ENCRYPTED_OFFLINE:
            return raw if convert is _to_str else (None if default is _MISSING else default)
        try:
            return convert(raw)
        except (TypeError, ValueError):
            self.problem(key, f"{show(raw)} is not {expected}")
            return None if default is _MISSING else default

    def string(self, key: str, default: Any = _MISSING, *, pattern: str | None = None,
               allowed_text: str | None = None) -> str:
        value = self._checked(key, default, _to_str, "a string")
        if isinstance(value, str) and value not in (default, ENCRYPTED_OFFLINE) and pattern and \
                not re.fullmatch(pattern, value):
            self.problem(key, f"{show(value)} is not valid (allowed: {allowed_text or pattern})")
            return cast(str, None if default is _MISSING else default)
        return cast(str, value)

    def choice(self, key: str, default: Any, allowed: Iterable[str]) -> str:
        options = tuple(allowed)
        value = self._checked(key, default, _to_str, f"one of {', '.join(options)}")
        if value is not None and value not in options:
            self.problem(key, f"{show(value)} is not allowed (allowed: {', '.join(options)})")
            return cast(str, None if default is _MISSING else default)
        return cast(str, value)

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int | None = None,
                maximum: int | None = None) -> int:
        value = self._checked(key, default, _to_int, "an integer")
        if isinstance(value, int) and (
            (minimum is not None and value < minimum) or (maximum is not None and value > maximum)
        ):
            self.problem(key, f"{value} is out of range (allowed: {_range_text(minimum, maximum)})")
            return cast(int, None if default is _MISSING else default)
        return cast(int, value)

    def boolean(self, key: str, default: Any = _MISSING) -> bool:
        return cast(bool, self._checked(key, default, _to_bool, "true or false"))

    def string_list(self, key: str, default: Iterable[str] = ()) -> tuple[str, ...]:
        value = self._value(key, tuple(default))
        if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(
            isinstance(item, str) for item in value
        ):
            self.problem(key, f"{show(value)} is not a list of strings")
            return tuple(default)
        return tuple(value)

    def string_map(self, key: str) -> dict[str, str]:
        value = self._value(key, {})
        if not isinstance(value, Mapping):
            self.problem(key, f"{show(value)} is not a mapping of names to strings")
            return {}
        result: dict[str, str] = {}
        for name, item in value.items():
            if isinstance(item, (dict, list)) or item is None:
                self.problems.add(f"{self.key_path(key)}.{name}", f"{show(item)} is not a string")
            else:
                result[str(name)] = _to_str(item)
        return result

    def mapping(self, key: str) -> dict[str, Any]:
        """A free-form mapping (e.g. a schedule's JSON payload)."""
        value = self._value(key, {})
        if not isinstance(value, Mapping):
            self.problem(key, f"{show(value)} is not a mapping")
            return {}
        return dict(value)

    def section(self, key: str) -> Section:
        return Section(self._value(key, {}), self.key_path(key), self.problems)

    def sections(self, key: str) -> dict[str, Section]:
        """A mapping of named blocks, e.g. `services.<name>`."""
        block = self.section(key)
        block._read.update(block.raw)
        return {name: block.section(name) for name in block.raw}

    def finish(self) -> None:
        unknown = sorted(set(self.raw) - self._read)
        if unknown:
            known = ", ".join(sorted(self._read)) or "none"
            for key in unknown:
                self.problem(key, f"unknown key (allowed: {known})")


def _to_str(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise TypeError(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise ValueError(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(value)


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{minimum}–{maximum}"
    if minimum is not None:
        return f"≥ {minimum}"
    return f"≤ {maximum}"
