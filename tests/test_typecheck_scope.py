"""mypy follows only the pulumi_aws services the code names (pyproject.toml): a service it skips
would be typed as Any, and a wrong argument name to it would pass the check unseen."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pulumi_aws
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(pulumi_aws.__file__).parent
SERVICES = frozenset(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()) - {"config"}
MYPY = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def followed_modules() -> set[str]:
    return {module for override in MYPY["overrides"] if override.get("follow_imports") == "normal"
            for module in override["module"] if module.startswith("pulumi_aws")}


def checked_files() -> Iterator[Path]:
    excluded = [re.compile(pattern) for pattern in MYPY.get("exclude", [])]
    for entry in MYPY["files"]:
        path = REPO_ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if not any(pattern.search(file.relative_to(REPO_ROOT).as_posix()) for pattern in excluded):
                yield file


def services_named(source: str) -> set[tuple[str, int]]:
    """(service, line) for each pulumi_aws service package the source names: `aws.ec2` after
    `import pulumi_aws as aws`, `from pulumi_aws import ec2`, `import pulumi_aws.ec2`."""
    tree = ast.parse(source)
    aliases = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names if alias.name == "pulumi_aws"}
    named: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            named.add((node.attr, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pulumi_aws":
            parts = node.module.split(".")
            named |= {(parts[1], node.lineno)} if len(parts) > 1 else {(a.name, node.lineno) for a in node.names}
        elif isinstance(node, ast.Import):
            named |= {(alias.name.split(".")[1], node.lineno) for alias in node.names
                      if alias.name.startswith("pulumi_aws.")}
    return {(name, line) for name, line in named if name in SERVICES}


def test_every_service_the_code_names_is_followed_and_no_other() -> None:
    followed = {module.removeprefix("pulumi_aws.").removesuffix(".*") for module in followed_modules()
                if module.endswith(".*")} & SERVICES
    named: dict[str, str] = {}
    for file in checked_files():
        for service, line in sorted(services_named(file.read_text())):
            named.setdefault(service, f"{file.relative_to(REPO_ROOT)}:{line}")
    unfollowed = {service: where for service, where in named.items() if service not in followed}
    assert not unfollowed, (f"add \"pulumi_aws.<service>.*\" to the followed modules in pyproject.toml "
                            f"for {unfollowed}")
    assert not followed - set(named), f"no checked code names {sorted(followed - set(named))}: drop them"


def test_every_top_level_module_of_the_sdk_is_followed() -> None:
    # The package's __init__ star-imports each of them: one left out loses its names.
    top_level = {f"pulumi_aws.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert top_level | {"pulumi_aws", "pulumi_aws.config.*"} <= followed_modules()


@pytest.mark.parametrize(("source", "expected"), [
    ("import pulumi_aws as aws\naws.sfn.StateMachine('m')\n", {("sfn", 2)}),
    ("import pulumi_aws\npulumi_aws.lambda_.Function('f')\n", {("lambda_", 2)}),
    ("from pulumi_aws import ecs, get_region\n", {("ecs", 1)}),
    ("from pulumi_aws.rds import Instance\nimport pulumi_aws.eks.cluster\n", {("rds", 1), ("eks", 2)}),
    # Near misses: a string, another module's attribute, a top-level function, a config namespace.
    ("import pulumi_aws as aws\nx = 'aws.sfn'\naws.get_region()\nother.ecs\n", set()),
    ("import pulumi_aws as aws\naws.config.region\n", set()),
])
def test_the_scan_finds_each_way_of_naming_a_service(source: str, expected: set[tuple[str, int]]) -> None:
    assert services_named(source) == expected


def test_mypy_checks_a_followed_service_and_types_a_skipped_one_as_any(tmp_path: Path) -> None:
    # What the overrides above rely on: the most specific section wins, so `pulumi_aws.ec2.*`
    # (followed) beats `pulumi_aws.*` (skipped). The repo's cache keeps this to a second or two
    # after `make test`'s own mypy run.
    probe = tmp_path / "typecheck_scope_probe.py"
    probe.write_text("import pulumi_aws as aws\n\n"
                     "aws.ec2.Vpc('v', cidr_blok='10.0.0.0/16')\n"
                     "aws.sfn.StateMachine('m', bogus=1)\n")
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO_ROOT / "pyproject.toml"),
         "--cache-dir", str(REPO_ROOT / ".mypy_cache"), "--no-error-summary", str(probe)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert errors and all(":3: error:" in line for line in errors), checked.stdout + checked.stderr
    assert 'Unexpected keyword argument "cidr_blok"' in checked.stdout
