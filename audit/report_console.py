"""Console report: findings grouped by severity then region, the not-scanned list, a verdict.

Progress while scanning goes to stderr (`progress_printer`), the report itself to stdout, so
`python -m audit > report.txt` keeps the file clean.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from typing import TextIO

from audit.engine import Progress
from audit.models import Finding, NotScanned, Report, Severity

_MAX_LISTED_REGIONS = 6


def _regions_line(report: Report) -> str:
    n = len(report.regions)
    listed = ", ".join(report.regions) if n <= _MAX_LISTED_REGIONS else f"{report.regions[0]} ... {report.regions[-1]}"
    return f"{n} region{'s' if n != 1 else ''} ({listed})"


def _findings_block(findings: tuple[Finding, ...]) -> list[str]:
    lines: list[str] = []
    width = max((len(f.check) for f in findings), default=0)
    for severity, by_severity in itertools.groupby(findings, key=lambda f: f.severity):
        group = list(by_severity)
        lines.append(f"{severity.value.upper()} ({len(group)})")
        for region, by_region in itertools.groupby(group, key=lambda f: f.region):
            lines.append(f"  {region}")
            for f in by_region:
                lines.append(f"    {f.check:<{width}}  {f.resource}")
                lines.append(f"    {'':<{width}}  found: {f.found}")
                lines.append(f"    {'':<{width}}  fix:   {f.fix}")
        lines.append("")
    return lines


def _not_scanned_block(not_scanned: tuple[NotScanned, ...]) -> list[str]:
    lines: list[str] = []
    gaps = [n for n in not_scanned if n.gap]
    if gaps:
        lines.append(f"NOT SCANNED ({len(gaps)}): these parts of the account were not audited")
        width = max(len(n.region) for n in gaps)
        service_width = max(len(n.service) for n in gaps)
        lines += [f"  {n.region:<{width}}  {n.service:<{service_width}}  {n.reason}" for n in gaps]
        lines.append("")
    # Not gaps (a service AWS does not offer in a region...): one line per service and reason.
    regions_by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in not_scanned:
        if not n.gap:
            regions_by[(n.service, n.reason)].append(n.region)
    if regions_by:
        lines.append("not applicable (no gap in the audit):")
        lines += [
            f"  {service}: {reason}: {', '.join(sorted(regions))}"
            for (service, reason), regions in sorted(regions_by.items())
        ]
        lines.append("")
    return lines


def _verdict(report: Report) -> str:
    if report.error is not None:
        return f"CANNOT SCAN: {report.error}"
    counts = Counter(f.severity for f in report.findings)
    gaps = len(report.gaps)
    gap_note = f"; {gaps} service/region pair{'s' if gaps != 1 else ''} not scanned" if gaps else ""
    if report.scanned_nothing:
        return "CANNOT SCAN: nothing could be scanned (see NOT SCANNED)"
    if report.findings:
        detail = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])
        n = len(report.findings)
        return f"FAIL: {n} finding{'s' if n != 1 else ''} ({detail}){gap_note}"
    if gaps:
        return f"INCOMPLETE: no findings in what could be scanned{gap_note}"
    return "PASS: no contract breaches found"


def render(report: Report) -> str:
    if report.error is not None:
        return f"audit: {_verdict(report)}\n"
    lines = [f"audit of account {report.account}: {_regions_line(report)}", ""]
    if report.findings:
        lines += _findings_block(report.findings)
    else:
        lines += ["no findings", ""]
    lines += _not_scanned_block(report.not_scanned)
    lines.append(f"verdict: {_verdict(report)}")
    return "\n".join(lines) + "\n"


def progress_printer(stream: TextIO) -> Progress:
    """'audit: scanned 5/17 regions (eu-west-1)': in place on a terminal, one line each in CI logs."""
    tty = stream.isatty()

    def show(done: int, total: int, region: str) -> None:
        message = f"audit: scanned {done}/{total} regions ({region})"
        if tty:
            end = "\n" if done == total else ""
            stream.write(f"\r\033[K{message}{end}")
        else:
            stream.write(message + "\n")
        stream.flush()

    return show
