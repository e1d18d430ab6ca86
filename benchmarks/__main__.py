"""Preflight against the anchor (both stacks, gate included, vs the CDK app with cdk-nag), one
stack alone, the cost of a service, the audit scan. Medians of 5 runs after a warm-up.

The anchor is found at $CDK_ANCHOR (`make bench` sets it; see the Makefile). It is copied outside
the repo and installed there once (`npm ci`); without `node` only preflight is measured.
`python -m benchmarks --anchor-only` stops after that comparison; BENCH_RUNS changes the 5.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def preflight_once(stack: str, cwd: Path, report_file: Path) -> tuple[float, dict[str, Any]]:
    """The wall of one `python -m preflight` on `stack` of the program in `cwd`, and its JSON report."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "preflight", "--cwd", str(cwd), "--stack", stack,
                    "--json", str(report_file)], cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    report: dict[str, Any] = json.loads(report_file.read_text())
    return wall, report


def time_preflight(stack: str, cwd: Path = REPO_ROOT) -> dict[str, float]:
    walls, gates, programs = [], [], []
    resources = 0
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(RUNS):
            wall, report = preflight_once(stack, cwd, Path(scratch) / "report.json")
            walls.append(wall)
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


def time_service_cost(few: int = 3, many: int = 10) -> tuple[float, list[float]]:
    """The median wall of dev with `few` services, and what each service adds in each pair of
    runs, sorted: the two programs run in turn, RUNS pairs after a warm-up pair, each pair's
    difference taken alone, so that a machine busy in one stretch weighs on both sides of it."""
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large, \
            tempfile.TemporaryDirectory() as scratch:
        programs = program_with_services(Path(small), few), program_with_services(Path(large), many)
        pairs = []
        for run in range(RUNS + 1):
            walls = [preflight_once("dev", program, Path(scratch) / "report.json")[0] for program in programs]
            if run:  # the first pair is the warm-up
                pairs.append(walls)
    return (statistics.median(base for base, _ in pairs),
            sorted((grown - base) / (many - few) for base, grown in pairs))


def process_tree(root: int) -> set[int]:
    """`root` and all its descendants now."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    return tree


def pss_from_smaps_rollup(text: str) -> int | None:
    """The `Pss:` line of a /proc/<pid>/smaps_rollup, in bytes (None when absent)."""
    for line in text.splitlines():
        if line.startswith("Pss:"):
            value, unit = line.split()[1:3]
            if unit != "kB":
                raise ValueError(f"smaps_rollup Pss in {unit!r}, expected kB: {line!r}")
            return int(value) * 1024
    return None


def process_memory(pid: int) -> tuple[int, bool]:
    """(bytes, measured as PSS) of one process: its proportional set size, which splits a page
    shared by forked processes between them, or its resident size where smaps_rollup is unreadable
    (which counts a shared page in each process: an upper bound)."""
    try:
        pss = pss_from_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_text())
    except OSError:
        pss = None
    if pss is not None:
        return pss, True
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    # A zombie (exited, not yet reaped) has no smaps_rollup and no memory: 0 is exact.
    return rss, rss == 0


def tree_memory(root: int) -> tuple[int, bool]:
    """(bytes, all measured as PSS) of `root` and all its descendants now."""
    total, all_pss = 0, True
    for pid in process_tree(root):
        try:
            size, is_pss = process_memory(pid)
        except OSError:  # exited meanwhile
            continue
        total, all_pss = total + size, all_pss and is_pss
    return total, all_pss


class PeakMemory:
    """The largest `tree_memory` of a process seen while it runs, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.all_pss = pid, 0, True
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.05):
            size, all_pss = tree_memory(self.pid)
            self.peak, self.all_pss = max(self.peak, size), self.all_pss and all_pss

    def stop(self) -> tuple[int, bool]:
        self._done.set()
        self._thread.join()
        return self.peak, self.all_pss


def measure(commands: Sequence[tuple[Sequence[str], Path]]) -> tuple[list[tuple[float, float]], str]:
    """Median wall seconds and median peak memory (MiB, the whole process tree) of each
    (command, cwd), run in turn (so that a busy machine weighs on each alike), RUNS runs after
    one warm-up round; and how memory was measured ("PSS", or "RSS" where PSS was unreadable)."""
    walls: list[list[float]] = [[] for _ in commands]
    peaks: list[list[float]] = [[] for _ in commands]
    all_pss = True
    for run in range(RUNS + 1):
        for index, (command, cwd) in enumerate(commands):
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            sampler = PeakMemory(process.pid)
            process.wait()
            wall, (peak, peak_is_pss) = time.perf_counter() - started, sampler.stop()
            all_pss = all_pss and peak_is_pss
            if run:  # the first round is the warm-up
                walls[index].append(wall)
                peaks[index].append(peak / 2**20)
    medians = [(statistics.median(w), statistics.median(p)) for w, p in zip(walls, peaks, strict=True)]
    return medians, "PSS" if all_pss else "RSS (PSS unreadable for some process: shared pages counted twice)"


def installed_anchor() -> Path | None:
    """A copy of the anchor outside the repo with its packages installed, or None (said why)."""
    source = Path(os.environ.get("CDK_ANCHOR", ""))
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("anchor: node/npm not found, measuring preflight alone")
        return None
    if not (source / "app.js").is_file():
        print(f"anchor: no app.js at CDK_ANCHOR={source or '(unset)'}, measuring preflight alone")
        return None
    copy = Path(tempfile.mkdtemp(prefix="hv-bench-anchor-")) / "cdk-equivalent"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("node_modules", "cdk.out"))
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=copy, check=True,
                   stdout=subprocess.DEVNULL)
    return copy


def compare_with_anchor() -> None:
    both = [sys.executable, "-m", "preflight", "--stack", "dev", "--stack", "prod"]
    ours = {"preflight --stack dev --stack prod": both,
            "the same with --jobs 1 (in turn)": [*both, "--jobs", "1"]}
    anchor = installed_anchor()
    print(f"both stacks, gate included, median of {RUNS} after a warm-up (peak = whole process tree):")
    commands = [(command, REPO_ROOT) for command in ours.values()]
    try:
        figures, memory = measure(commands if anchor is None else [(["node", "app.js"], anchor), *commands])
    finally:
        if anchor is not None:
            shutil.rmtree(anchor.parent, ignore_errors=True)
    print(f"  peak memory measured as {memory}")
    if anchor is not None:
        (node_wall, node_peak), *figures = figures
        print(f"  {'node app.js (anchor)':36}wall {node_wall:.2f} s  peak {node_peak:.0f} MiB")
    for label, (wall, peak) in zip(ours, figures, strict=True):
        ratios = "" if anchor is None else (
            f"  ratio to the anchor: wall {wall / node_wall:.2f} (target <= 1.0), "
            f"peak {peak / node_peak:.2f} (target <= 0.5)")
        print(f"  {label:36}wall {wall:.2f} s  peak {peak:.0f} MiB{ratios}")


def main() -> int:
    compare_with_anchor()
    if "--anchor-only" in sys.argv:
        return 0
    print(f"one stack alone, median of {RUNS} runs (wall = interpreter start to exit):")
    for stack in ("dev", "prod"):
        figures = time_preflight(stack)
        print(f"  {stack:5} wall {figures['wall']:.2f} s (target 2.5 s) · program {figures['program']:.2f} s"
              f" · gate {figures['gate']:.2f} s (budget 1 s) · {figures['resources']:.0f} resources")
    base, per_service = time_service_cost()
    # Every service needs a host, and the ALB's certificate holds 10: 3 → 10 is the widest span
    # a valid stack allows (30 services is a config error).
    print(f"  adding a service: {statistics.median(per_service) * 1000:.0f} ms each (median of {RUNS} "
          f"pairs, {per_service[0] * 1000:.0f}–{per_service[-1] * 1000:.0f} ms; 3 → 10 services, the most "
          f"a stack allows: each needs a host, the certificate holds 10; budget 50 ms; 3 services: "
          f"{base:.2f} s)")
    subprocess.run([sys.executable, "-m", "benchmarks.audit_scan"], cwd=REPO_ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
