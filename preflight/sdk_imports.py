"""A provider SDK's service packages, loaded one module at a time.

`pulumi_aws.ec2/__init__.py` is nothing but `from .vpc import *` lines, one per resource and
function of the service (181 for EC2): the program's first `aws.ec2.Vpc` executes all of them,
and building the classes a program never uses is most of what its imports cost. `install()`
puts a finder in front of the import system that gives such a package a module `__getattr__`
instead: each name maps to the module that defines it (read off that module's own `__all__`, in
the `__init__`'s order, so a later star import still wins), and that module is imported when the
name is first used. The classes are the SDK's own, built by the same files, so what the program
registers is unchanged; only the classes nobody names are never built. A package whose
`__init__.py` holds anything but such lines (`pulumi_aws.config`) is loaded as usual.

It must be installed before the SDK's top-level package is imported: `pulumi_aws/__init__.py`
finds the spec of every service package (for its lazy import) when it is itself imported.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

SDK_PACKAGES = ("pulumi_aws",)

# The only lines a package may hold to be loaded by name (blank lines and comments aside).
_STAR_IMPORT = re.compile(r"from \.(\w+) import \*")
# Executed as written (they bind what the package's own modules need)...
_BINDINGS = re.compile(r"import builtins as _builtins|from \.\. import _utilities|import typing")
# ...except this one, which is done on first use, like the star imports.
_SUBMODULE = "from . import outputs"
_ALL = re.compile(r"^__all__ = (\[.*?\])", re.MULTILINE | re.DOTALL)
# `__all__` sits right after a generated module's imports; a list longer than this is read whole.
_HEAD_BYTES = 8192


def install() -> None:
    """Idempotent. Has no effect on an SDK package imported before it."""
    if not any(isinstance(finder, ServicePackageFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, ServicePackageFinder(SDK_PACKAGES))


class ServicePackageFinder(importlib.abc.MetaPathFinder):
    """Finds `<sdk>.<service>` packages as the path finder does, then loads them by name."""

    def __init__(self, sdk_packages: Sequence[str]) -> None:
        self._sdk_packages = frozenset(sdk_packages)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        parent, _, _ = fullname.rpartition(".")
        if parent not in self._sdk_packages:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.origin is None or not spec.submodule_search_locations:
            return spec
        contents = star_imported_modules(Path(spec.origin))
        if contents is None or not isinstance(spec.loader, importlib.abc.Loader):
            return spec
        spec.loader = ServicePackageLoader(spec.loader, *contents)
        return spec


def star_imported_modules(init: Path) -> tuple[list[str], list[str]] | None:
    """The modules `init` star-imports, in order, and its other imports; None when it does
    anything else."""
    modules, bindings = [], []
    for raw in init.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line == _SUBMODULE:
            continue
        if _BINDINGS.fullmatch(line):
            bindings.append(line)
        elif match := _STAR_IMPORT.fullmatch(line):
            modules.append(match.group(1))
        else:
            return None
    return modules, bindings


def exported_names(module_file: Path) -> list[str] | None:
    """A generated module's `__all__`, read from its source; None if it declares none."""
    with module_file.open() as source:
        match = _ALL.search(source.read(_HEAD_BYTES))
    if match is None:
        match = _ALL.search(module_file.read_text())
    if match is None:
        return None
    names = ast.literal_eval(match.group(1))
    return names if isinstance(names, list) and all(isinstance(name, str) for name in names) else None


class ServicePackageLoader(importlib.abc.Loader):
    """Executes the package as a map from each name to its module, or, if one of the modules it
    star-imports has no `__all__` to read, as its own `__init__.py` does."""

    def __init__(self, eager: importlib.abc.Loader, modules: Sequence[str], bindings: Sequence[str]) -> None:
        self._eager = eager
        self._modules = tuple(modules)
        self._bindings = "\n".join(bindings)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        directory = Path(next(iter(module.__path__)))
        home: dict[str, str] = {}
        for name in self._modules:
            names = exported_names(directory / f"{name}.py")
            if names is None:
                self._eager.exec_module(module)
                return
            home.update(dict.fromkeys(names, name))
        exec(self._bindings, module.__dict__)
        module.__dict__.update(_home=home, _directory=directory, __all__=sorted(home))
        module.__class__ = ServicePackage


class ServicePackage(ModuleType):
    """A service package whose names are imported from their modules at first use."""

    _home: dict[str, str]
    _directory: Path

    def __getattr__(self, name: str) -> Any:
        module = self._home.get(name)
        if module is not None:
            value = getattr(importlib.import_module(f"{self.__name__}.{module}"), name)
        elif (self._directory / f"{name}.py").is_file() or (self._directory / name / "__init__.py").is_file():
            value = importlib.import_module(f"{self.__name__}.{name}")  # `outputs`: `from . import outputs`
        else:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        setattr(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # The import system binds a module it has loaded to its package's namespace; when the module
        # defines a name of its own (`route53/get_zone.py` defines `get_zone`), the package's star
        # import binds that instead, so `aws.route53.get_zone` is the function, never its module.
        if isinstance(value, ModuleType) and self._home.get(name) == name \
                and value.__name__ == f"{self.__name__}.{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*self.__dict__, *self._home})
