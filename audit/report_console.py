"""Console report: findings grouped by severity then region, the not-scanned list, a verdict.

Progress while scanning goes to stderr (`progress_printer`), the report itself to stdout, so
`python -m audit > report.txt` keeps the file clean.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TextIO

from audit.costs import CostReport
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


def _money(amount: float) -> str:
    return f"{amount:,.2f}"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Left-aligned first columns, right-aligned amounts (every column after the second)."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  " + "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths,
                                                                                                 strict=True)))
        for row in [header, *rows]
    ]


def _costs_block(costs: CostReport) -> list[str]:
    mtd, last = costs.month_to_date, costs.last_month
    lines = [
        f"COSTS ({costs.currency}, Cost Explorer unblended): month to date {mtd.start}..{mtd.end} (end excluded), "
        f"last month {last.start:%Y-%m}"
    ]
    if costs.by_pillar is None:
        lines += ["  cost per pillar not read (see NOT SCANNED)", ""]
    else:
        rows: list[tuple[str, ...]] = []
        # The offline estimate's column only when `--estimate` gave one.
        estimated = any(row.estimate is not None for row in costs.by_pillar)
        for row in costs.by_pillar:
            budget = "-" if row.budget is None else _money(row.budget)
            used = "-" if not row.budget else f"{100 * row.month_to_date / row.budget:.0f}%"
            over = " OVER" if row.budget is not None and row.last_month > row.budget else ""
            estimate = ("-" if row.estimate is None else _money(row.estimate),) if estimated else ()
            rows.append((row.pillar or "(no pillar tag)", row.environment or "-", _money(row.month_to_date),
                         _money(row.last_month) + over, budget, used, *estimate))
        lines += _table(("pillar", "environment", "month to date", "last month", "budget", "budget used",
                         *(("estimate/month (offline)",) if estimated else ())), rows)
        untagged = costs.untagged or (0.0, 0.0)
        lines += [f"  spend without a pillar tag: {_money(untagged[0])} this month, {_money(untagged[1])} last month",
                  ""]
    if costs.by_service is not None:
        service_rows = [(row.pillar or "(no pillar tag)", row.service or "(no service tag)", _money(row.month_to_date),
                 _money(row.last_month)) for row in costs.by_service]
        lines += [*_table(("pillar", "service", "month to date", "last month"), service_rows), ""]
    if costs.inactive_tags:
        lines += [f"  not active as cost allocation tags: {', '.join(costs.inactive_tags)}: Cost Explorer counts "
                  "their spend as untagged until they are (the prod stack activates them; AWS takes up to 24 h)", ""]
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
    if report.costs is not None:
        lines += _costs_block(report.costs)
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
