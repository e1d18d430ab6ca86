"""Preflight's command forks its packs; the library spawns them. A pack must not be able to tell."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from preflight.collector import YOUNG_COLLECTION_EVERY
from preflight.runner import preflight
from tests.preflight.test_gate import PROGRAM, make_pack

REPO_ROOT = Path(__file__).resolve().parents[2]
WriteProgram = Callable[..., Path]

# Reports, as one advisory violation, what the pack's process looks like from inside.
INSPECTOR = """
import gc, json, os, sys
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

FACTS = json.dumps({
    "cwd": os.getcwd(), "argv": sys.argv, "path0": sys.path[0],
    "env": {key: os.environ.get(key) for key in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN",
                                                "PULUMI_CONFIG", "PULUMI_ORGANIZATION")},
    "stdin": sys.stdin.read(), "stdout_unbuffered": getattr(sys.stdout, "write_through", False)
                                                   or not sys.stdout.line_buffering,
    "finders": sorted(type(finder).__name__ for finder in sys.meta_path),
    "gc_threshold": gc.get_threshold()[0], "gc_frozen": gc.get_freeze_count() > 0,
})

PolicyPack(name="inspector", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    StackValidationPolicy(name="facts", description="The pack's process",
                          validate=lambda args, report: report(FACTS))])
"""


def _cli(program: Path, pack: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "preflight", "--cwd", str(program), "--stack", "dev",
                           "--policy-pack", str(pack), "--json", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_a_forked_pack_starts_in_the_process_a_spawned_one_gets(write_program: WriteProgram,
                                                                 tmp_path: Path) -> None:
    program = write_program(PROGRAM)
    pack = make_pack(tmp_path / "inspector", INSPECTOR)
    spawned = preflight(program, "dev", [pack])
    (violation,) = spawned.violations
    out = tmp_path / "report.json"
    result = _cli(program, pack, out)
    assert result.returncode == 0, result.stdout + result.stderr
    (forked,) = json.loads(out.read_text())["violations"]
    facts, forked_facts = (json.loads(message.partition("\n")[2])
                           for message in (violation.message, forked["message"]))
    # Modules preflight has imported stay imported (six's finder for `six.moves`, say); preflight's
    # own finder for the provider SDK does not stay.
    assert "ServicePackageFinder" not in forked_facts.pop("finders")
    facts.pop("finders")
    assert forked_facts == facts
    assert facts["cwd"] == str(pack)
    assert facts["gc_threshold"] == YOUNG_COLLECTION_EVERY and facts["gc_frozen"]


@pytest.mark.parametrize(("source", "expected"), [
    ("raise RuntimeError('pack is broken')\n", "RuntimeError: pack is broken"),
    ("import sys\nsys.exit('no config here')\n", "no config here"),
])
def test_a_forked_pack_that_dies_on_start_says_how(write_program: WriteProgram, tmp_path: Path,
                                                  source: str, expected: str) -> None:
    program = write_program(PROGRAM)
    broken = make_pack(tmp_path / "broken", source)
    result = _cli(program, broken, tmp_path / "report.json")
    assert result.returncode == 2
    assert f"policy pack {broken} did not start (exit code 1" in result.stdout
    assert expected in result.stdout
