"""The JSON report: inventory, violations, not-applicable results and the verdict, for CI and reviews."""

from __future__ import annotations

import json
from typing import Any

from .model import Report


def to_json(report: Report) -> dict[str, Any]:
    resources = report.inventory.resources if report.inventory and report.error is None else ()
    reads = report.inventory.reads if resources and report.inventory else ()
    return {
        "project": report.project,
        "stack": report.stack,
        "passed": report.passed,
        "error": report.error,
        "resources": [resource.to_json() for resource in resources],
        "reads": [resource.to_json() for resource in reads],
        "stackOutputs": dict(report.inventory.stack_outputs) if resources and report.inventory else {},
        "synthesized": dict(report.inventory.synthesized) if resources and report.inventory else {},
        "violations": [violation.to_json() for violation in report.violations],
        "timings": {name: round(seconds, 4) for name, seconds in report.timings.items()},
        "notApplicable": [{"policyPack": n.policy_pack, "policy": n.policy, "urn": n.urn,
                           "reason": n.reason} for n in report.not_applicable],
        "remediations": [remediation.to_json() for remediation in report.remediations],
        "preview": report.preview,
        "blindSpots": [spot.to_json() for spot in report.blind_spots],
    }


def render(report: Report, cost: dict[str, Any] | None = None) -> str:
    data = to_json(report)
    if cost is not None:
        data["cost"] = cost
    return json.dumps(data, indent=2, sort_keys=False) + "\n"
