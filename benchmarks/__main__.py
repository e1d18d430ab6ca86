"""Preflight wall time per stack (median of 5, warm venv), the gate's share, the audit scan."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def time_preflight(stack: str, cwd: Path = REPO_ROOT) -> dict[str, float]:
    walls, gates, programs = [], [], []
    resources = 0
    with tempfile.TemporaryDirectory() as scratch:
        report_file = Path(scratch) / "report.json"
        for _ in range(RUNS):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "preflight", "--cwd", str(cwd), "--stack", stack,
                            "--json", str(report_file)], cwd=REPO_ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - started)
            report = json.loads(report_file.read_text())
            gates.append(report["timings"]["gate"])
            programs.append(report["timings"]["program"])
            resources = sum(1 for r in report["resources"] if r["custom"])
    return {"wall": statistics.median(walls), "gate": statistics.median(gates),
            "program": statistics.median(programs), "resources": resources}


def program_with_services(directory: Path, count: int) -> Path:
    """This repo's program with `count` services in its dev stack (the first three are the real ones)."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO_ROOT / name, directory / name)
    (directory / "components").symlink_to(REPO_ROOT / "components")
    stack = yaml.safe_load((REPO_ROOT / "Pulumi.dev.yaml").read_text())
    services = stack["config"]["hv-foundation:services"]
    for index in range(len(services), count):
        services[f"svc-{index:02d}"] = {"pillar": "hub-v2", "port": 8080, "host": f"svc-{index:02d}",
                                        "priority": 100 + index, "uses": ["redis"]}
    (directory / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    return directory


def time_service_cost(few: int = 3, many: int = 10) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large:
        base = time_preflight("dev", program_with_services(Path(small), few))["wall"]
        grown = time_preflight("dev", program_with_services(Path(large), many))["wall"]
    return base, (grown - base) / (many - few)


def main() -> int:
    print(f"preflight, median of {RUNS} runs (wall = interpreter start to exit):")
    for stack in ("dev", "prod"):
        figures = time_preflight(stack)
        print(f"  {stack:5} wall {figures['wall']:.2f} s (budget 3 s) · program {figures['program']:.2f} s"
              f" · gate {figures['gate']:.2f} s (budget 1 s) · {figures['resources']:.0f} resources")
    base, per_service = time_service_cost()
    print(f"  adding a service: {per_service * 1000:.0f} ms each (3 → 10 services, budget 50 ms; "
          f"3 services: {base:.2f} s)")
    subprocess.run([sys.executable, "-m", "benchmarks.audit_scan"], cwd=REPO_ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
