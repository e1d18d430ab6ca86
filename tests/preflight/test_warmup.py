"""The warm-up before several stacks fork: the program's installed modules, never its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from preflight.project import load_program
from preflight.runner import REPO_ROOT
from preflight.warmup import installed_names


def test_the_names_come_from_the_program_and_its_own_modules() -> None:
    names = installed_names(load_program(REPO_ROOT, "dev"))
    # `aws.ec2.Vpc(...)` in components/network.py, reached from __main__.py through foundation.
    assert {"pulumi", "pulumi_aws", "pulumi_aws.ec2", "pulumi_aws.iam", "pulumi_random"} <= names
    assert {"pulumi_aws.ec2.Vpc", "pulumi_aws.iam.Role"} <= names  # the resource classes named
    assert not any(name.partition(".")[0] in ("components", "preflight", "tests") for name in names)


def test_relative_imports_are_followed(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text("from app.parts import build\nbuild()\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "parts.py").write_text("from . import names\nimport pulumi_aws as aws\n"
                                               "def build():\n    aws.sqs.Queue(names.QUEUE)\n")
    (tmp_path / "app" / "names.py").write_text("import textwrap\nQUEUE = 'q'\n")
    names = installed_names(load_program(tmp_path, "dev"))
    assert {"pulumi_aws", "pulumi_aws.sqs", "textwrap"} <= names
    assert not any(name.startswith("app") for name in names)


WARM_UP = """
import json, sys
from preflight.project import load_program
from preflight.warmup import warm_up
imported = warm_up(load_program(".", "dev"))
import pulumi_aws
from pulumi import _types
misses = _types._raw_return_hints.cache_info().misses
_types.resource_types(pulumi_aws.ec2.Vpc)  # what the first Vpc's registration asks for
evaluated = _types._raw_return_hints.cache_info().misses == misses
print(json.dumps({"imported": imported, "loaded": sorted(sys.modules), "vpc_types_evaluated": evaluated}))
"""


def test_warm_up_loads_the_lazy_provider_modules_and_no_program_module() -> None:
    result = subprocess.run([sys.executable, "-c", WARM_UP], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=300, check=True)
    found = json.loads(result.stdout)
    assert "pulumi_aws.ec2" in found["imported"]
    # pulumi_aws.ec2 is a lazy module until first used: its resource modules load only then.
    assert "pulumi_aws.ec2.vpc" in found["loaded"] and "pulumi_aws.iam.role" in found["loaded"]
    assert not [name for name in found["loaded"] if name.partition(".")[0] == "components"]
    # The SDK's per-class type evaluation is done already, to be inherited by the forked stacks.
    assert found["vpc_types_evaluated"]


def test_a_packs_warm_up_reads_every_module_of_the_pack_but_imports_none_of_them(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "rules").mkdir(parents=True)
    (pack / "__main__.py").write_text("from rules import everything\n")
    # Imported by name at run time (pkgutil): seen only because every module is read.
    (pack / "rules" / "__init__.py").write_text("import importlib\neverything = []\n")
    (pack / "rules" / "lint.py").write_text("import colorsys\n")
    script = ("import json, sys; from pathlib import Path; from preflight.warmup import warm_up_pack; "
              f"names = warm_up_pack(Path({str(pack)!r})); "
              "print(json.dumps([names, 'rules' in sys.modules, 'colorsys' in sys.modules]))")
    names, rules_imported, colorsys_imported = json.loads(subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, check=True, capture_output=True, text=True).stdout)
    assert "colorsys" in names and colorsys_imported
    assert not rules_imported and not any(name.startswith("rules") for name in names)
