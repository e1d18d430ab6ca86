"""The provider SDK's service packages, loaded by name: the same names bound to the same objects
as the SDK's own `__init__.py` binds them, without building the classes nobody names."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from preflight.sdk_imports import ServicePackage, ServicePackageFinder

REPO_ROOT = Path(__file__).resolve().parents[2]


def _namespace(packages: list[str], *, lazy: bool) -> dict[str, dict[str, str]]:
    """Each package's public names and what they are bound to (module-qualified), read in a
    fresh interpreter; the SDK's own modules (`vpc`, bound by the import system) left out."""
    script = textwrap.dedent(f"""
        import importlib, json, sys, types
        if {lazy!r}:
            from preflight import sdk_imports
            sdk_imports.install()
        out = {{}}
        for name in {packages!r}:
            package = importlib.import_module("pulumi_aws." + name)
            getattr(package, "_utilities")  # the SDK's lazy import executes the package now
            names = package.__all__ if {lazy!r} else [n for n in vars(package) if not n.startswith("_")]
            out[name] = {{n: f"{{getattr(v, '__module__', type(v).__name__)}}.{{getattr(v, '__qualname__', '')}}"
                         for n in names if not isinstance(v := getattr(package, n), types.ModuleType)}}
        json.dump(out, sys.stdout)
    """)
    completed = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, check=True,
                               capture_output=True, text=True)
    namespace: dict[str, dict[str, str]] = json.loads(completed.stdout)
    return namespace


def test_each_name_is_bound_to_what_the_sdks_own_init_binds() -> None:
    packages = ["ec2", "route53", "iam"]  # the largest, one whose functions share their module's name, and IAM
    assert _namespace(packages, lazy=True) == _namespace(packages, lazy=False)


def test_only_the_modules_of_the_names_used_are_imported() -> None:
    script = textwrap.dedent("""
        import sys
        from preflight import sdk_imports
        sdk_imports.install()
        import pulumi_aws as aws
        aws.route53.Record
        # As the warm-up does: the module is bound by the import system, the package keeps the function.
        import pulumi_aws.route53.get_zone
        assert callable(aws.route53.get_zone) and not isinstance(aws.route53.get_zone, type(sys))
        assert aws.ec2.Vpc.__module__ == "pulumi_aws.ec2.vpc"
        assert type(aws.ec2).__name__ == "ServicePackage" and type(aws.config).__name__ != "ServicePackage"
        assert aws.ec2.outputs.__name__ == "pulumi_aws.ec2.outputs"
        loaded = [name for name in sys.modules if name.startswith("pulumi_aws.ec2.")]
        print(len(loaded))
    """)
    completed = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, check=True,
                               capture_output=True, text=True)
    # vpc, _inputs, outputs, _enums: not the ~180 modules of the package.
    assert int(completed.stdout) < 10


def _fake_sdk(root: Path, init: str, modules: dict[str, str]) -> None:
    service = root / "fakesdk" / "svc"
    service.mkdir(parents=True)
    (root / "fakesdk" / "__init__.py").write_text("")
    (service / "__init__.py").write_text(init)
    for name, source in modules.items():
        (service / f"{name}.py").write_text(source)


@pytest.fixture
def fake_sdk_finder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", [ServicePackageFinder(["fakesdk"]), *sys.meta_path])
    for name in [n for n in sys.modules if n.startswith("fakesdk")]:
        monkeypatch.delitem(sys.modules, name)
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("fakesdk")]:
        del sys.modules[name]


def test_a_later_star_import_wins_and_an_unknown_name_is_an_attribute_error(fake_sdk_finder: Path) -> None:
    _fake_sdk(fake_sdk_finder, "# generated\nfrom .first import *\nfrom .second import *\n",
              {"first": "__all__ = ['Thing', 'Only']\nThing = 'first'\nOnly = 1\n",
               "second": "__all__ = ['Thing']\nThing = 'second'\n"})
    from fakesdk import svc

    assert isinstance(svc, ServicePackage)
    assert (svc.Thing, svc.Only) == ("second", 1)
    with pytest.raises(AttributeError, match=r"module 'fakesdk\.svc' has no attribute 'Missing'"):
        svc.Missing  # noqa: B018


@pytest.mark.parametrize(("init", "modules"), [
    ("from .first import *\nVALUE = 2\n", {"first": "__all__ = ['Thing']\nThing = 1\n"}),
    ("from .first import *\n", {"first": "Thing = 1\n"}),  # no __all__ to read
])
def test_a_package_that_is_not_only_star_imports_loads_as_usual(fake_sdk_finder: Path, init: str,
                                                                 modules: dict[str, str]) -> None:
    _fake_sdk(fake_sdk_finder, init, modules)
    from fakesdk import svc

    assert not isinstance(svc, ServicePackage)
    assert svc.Thing == 1
