"""Importing a program's installed modules ahead of its runs, so that processes forked after
the warm-up (one per stack, and their packs) find them loaded and pay for them once.

The modules are read off the program's source, from its entry point through its own modules:
what it imports, and the submodules it names as attributes of them (`aws.ec2.Vpc` names
`pulumi_aws.ec2`, which the provider SDK loads lazily on that first use). The program's own
modules are never imported here: they run under the Pulumi runtime, in each stack's process.
A module the source names but that cannot be found or imported is skipped: the run itself
reports it, in the stack it belongs to.

A resource class the source names (`aws.ec2.Vpc`) also has its property types evaluated here:
the SDK caches that evaluation per class (`typing.get_type_hints` over its getters, the costliest
part of registering its first resource), so each forked stack inherits the result instead of
computing it again. It is the SDK's own cached function, called early: what it returns is the same.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

import pulumi
from pulumi import _types as pulumi_types

from . import sdk_imports
from .engine import _is_program_file
from .project import ProgramSpec


def warm_up(spec: ProgramSpec, sources: Sequence[Path] = ()) -> list[str]:
    """Import the installed modules `spec`'s program names (read from its entry point on, or from
    `sources`); returns those imported."""
    sdk_imports.install()
    imported = []
    names = sorted(installed_names(spec, sources))
    for name in names:
        with contextlib.suppress(Exception):  # the run reports what fails to import
            if importlib.util.find_spec(name) is None:
                continue  # an attribute that is no module (`aws.get_region`)
            module = importlib.import_module(name)
            # Pulumi's lazy_import executes a module at its first ordinary attribute look-up.
            getattr(module, "__all__", None)
            imported.append(name)
    for name in names:
        _evaluate_resource_types(name)
    return imported


def warm_up_pack(directory: Path) -> list[str]:
    """Import the installed modules a policy pack's source names (`parliament`, say), for packs
    forked after the warm-up (see pack_process): they share what is imported here. The pack's own
    modules are left to it."""
    pack = ProgramSpec(directory=directory.resolve(), project="", stack="",
                       main=directory.resolve() / "__main__.py", config={})
    # Every module of the pack: its rules are often imported by name at run time (pkgutil).
    sources = [path for path in sorted(pack.directory.rglob("*.py")) if _is_program_file(pack, str(path))]
    return warm_up(pack, sources)


def _evaluate_resource_types(name: str) -> None:
    """Fill the SDK's per-class cache of property types when `name` is a resource class of an
    imported module."""
    module_name, _, attribute = name.rpartition(".")
    module = sys.modules.get(module_name)
    with contextlib.suppress(Exception):  # the run itself evaluates (and reports) the same
        candidate = getattr(module, attribute, None)
        if isinstance(candidate, type) and issubclass(candidate, pulumi.CustomResource):
            pulumi_types.resource_types(candidate)


def installed_names(spec: ProgramSpec, sources: Sequence[Path] = ()) -> set[str]:
    """Dotted names the program's source imports or names as submodules, outside the program."""
    names: set[str] = set()
    pending, parsed = list(sources) or [spec.main], set()
    while pending:
        path = pending.pop()
        if path in parsed:
            continue
        parsed.add(path)
        for name in _names_in(path, _package_of(spec, path)):
            local = _local_files(spec, name)
            if local is None:
                names.add(name)
            else:
                pending += local
    return names


def _names_in(path: Path, package: str) -> set[str]:
    try:
        tree = ast.parse(path.read_text(), str(path))
    except (OSError, SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    bound: dict[str, str] = {}  # a name in the module → the module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
                top = alias.name.partition(".")[0]
                bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            names.add(base)
            for alias in node.names:
                if alias.name != "*":
                    names.add(f"{base}.{alias.name}")
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node, bound)
            if dotted is not None:
                names.add(dotted)
    return {name for name in names if name}


def _dotted(node: ast.Attribute, bound: dict[str, str]) -> str | None:
    """`aws.ec2.Vpc` as `pulumi_aws.ec2.Vpc` when `aws` is bound to an imported module."""
    attributes: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        attributes.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name) or current.id not in bound:
        return None
    return ".".join([bound[current.id], *reversed(attributes)])


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    base = parts[:len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, *([module] if module else [])])


def _package_of(spec: ProgramSpec, path: Path) -> str:
    """The package a program file is in (`components` for components/config.py), as the program
    directory is on sys.path; "" for a top-level file."""
    relative = path.relative_to(spec.directory) if path.is_relative_to(spec.directory) else Path(path.name)
    parts = list(relative.parent.parts)
    return ".".join(parts)


def _local_files(spec: ProgramSpec, name: str) -> list[Path] | None:
    """The program's own files `name` executes (its packages' `__init__.py` too), or None when
    `name` is not the program's (its first part is no file or folder of the program's directory)."""
    parts = name.split(".")
    top = spec.directory / parts[0]
    if not (top.is_dir() or top.with_suffix(".py").is_file()):
        return None
    files = []
    for depth in range(1, len(parts) + 1):
        base = spec.directory.joinpath(*parts[:depth])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file() and _is_program_file(spec, str(candidate)):
                files.append(candidate)
    return files
