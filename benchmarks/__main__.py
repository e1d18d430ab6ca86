"""Preflight wall time per stack (median of 5, warm venv), the gate's share, the audit scan."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    print(f"preflight, median of {RUNS} runs (wall = interpreter start to exit):")
    for stack in ("dev", "prod"):
        figures = time_preflight(stack)
        print(f"  {stack:5} wall {figures['wall']:.2f} s (budget 3 s) · program {figures['program']:.2f} s"
              f" · gate {figures['gate']:.2f} s (budget 1 s) · {figures['resources']:.0f} resources")
    audit_bench = REPO_ROOT / "audit" / "bench.py"
    if audit_bench.is_file():
        subprocess.run([sys.executable, "-m", "audit.bench"], cwd=REPO_ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
