"""JSON report: `{"account", "regions", "findings", "not_scanned", "passed"}`.

A scan that could not start has one not_scanned entry for service and region "all" with the
reason (no credentials, wrong account...), so consumers need no special case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"


def write(report: Report, path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
