"""JSON report: `{"account", "regions", "findings", "not_scanned", "passed"}`, and `"costs"` with
`--costs` (amounts as numbers; a part that could not be read is null, explained in not_scanned).

A scan that could not start has one not_scanned entry for service and region "all" with the
reason (no credentials, wrong account...), so consumers need no special case.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from audit.costs import CostReport, Period
from audit.models import Finding, NotScanned, Report


def _finding(f: Finding) -> dict[str, str]:
    return {
        "check": f.check,
        "severity": f.severity.value,
        "region": f.region,
        "resource": f.resource,
        "found": f.found,
        "fix": f.fix,
    }


def _not_scanned(n: NotScanned) -> dict[str, str]:
    return {"service": n.service, "region": n.region, "reason": n.reason}


def _period(period: Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _costs(costs: CostReport) -> dict[str, Any]:
    untagged = costs.untagged
    return {
        "currency": costs.currency,
        "month_to_date": _period(costs.month_to_date),
        "last_month": _period(costs.last_month),
        "by_pillar": None if costs.by_pillar is None else [
            {"pillar": r.pillar or None, "environment": r.environment or None, "month_to_date": r.month_to_date,
             "last_month": r.last_month, "budget": r.budget, "estimate": r.estimate} for r in costs.by_pillar],
        "by_service": None if costs.by_service is None else [
            {"pillar": r.pillar or None, "service": r.service or None, "month_to_date": r.month_to_date,
             "last_month": r.last_month} for r in costs.by_service],
        "untagged": None if untagged is None else {"month_to_date": untagged[0], "last_month": untagged[1]},
        "inactive_tags": None if costs.inactive_tags is None else list(costs.inactive_tags),
    }


def to_dict(report: Report) -> dict[str, Any]:
    not_scanned = [_not_scanned(n) for n in report.not_scanned]
    if report.error is not None:
        not_scanned.insert(0, {"service": "all", "region": "all", "reason": report.error})
    return {
        "account": report.account,
        "regions": list(report.regions),
        "findings": [_finding(f) for f in report.findings],
        "not_scanned": not_scanned,
        "passed": report.passed,
        **({"costs": _costs(report.costs)} if report.costs is not None else {}),
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"


def prepare(path: Path) -> None:
    """Create `path`'s parent folders and prove a file can be written there, before the scan
    (so a bad `--json` costs nothing); raises OSError naming the problem."""
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".probe"):
        pass
    if path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(13, "Permission denied", str(path))


def write(report: Report, path: Path) -> None:
    """Write through a temp file in the same folder and rename it into place: a reader (or a
    crash) never sees half a report, and a failed write leaves the previous file intact."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render(report))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
