"""The change review of a pull request: this run against a base JSON report of the same stack.

Markdown for a job summary or a PR comment: resources added, removed and changed (with the input
keys that change) grouped by pillar, new and resolved violations, the cost delta per pillar and
the Mermaid diagram. Secret values never appear: the JSON report already masks them, and a
changed key shows values only when neither side is a secret.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cost, diagram
from .model import Inventory, PreflightError, Report, ResourceRecord

SECRET = "[secret]"
IGNORED_INPUTS = frozenset({"tagsAll"})
VALUE_WIDTH = 60


def load_base(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
    except OSError as error:
        raise PreflightError(f"cannot read the base report {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise PreflightError(f"the base report {path} is not JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise PreflightError(f"the base report {path} has no `resources` list (write it with --json)")
    return data


def inventory_from_json(data: Mapping[str, Any]) -> Inventory:
    """The inventory a JSON report describes (enough to diff and to price)."""
    resources = tuple(ResourceRecord(
        urn=r["urn"], id=r.get("id", ""), type=r["type"], name=r["name"], parent=r.get("parent", ""),
        provider=r.get("provider", ""), custom=bool(r.get("custom", True)), remote=bool(r.get("remote", False)),
        inputs=r.get("inputs", {}), outputs=r.get("outputs", {}), options=r.get("options", {}),
        dependencies=tuple(r.get("dependencies", ())),
        property_dependencies={k: tuple(v) for k, v in r.get("propertyDependencies", {}).items()},
    ) for r in data["resources"])
    return Inventory(project=str(data.get("project", "?")), stack=str(data.get("stack", "?")),
                     resources=resources, stack_outputs=data.get("stackOutputs", {}))


def _contains_secret(value: Any) -> bool:
    if value == SECRET:
        return True
    if isinstance(value, Mapping):
        return any(_contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secret(v) for v in value)
    return False


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH - 1] + "…"


def changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """`key: old → new` per changed input, values withheld when either side holds a secret."""
    changes = []
    for key in sorted((set(old) | set(new)) - IGNORED_INPUTS):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if _contains_secret(before) or _contains_secret(after):
            changes.append(f"`{key}` (secret, value withheld)")
        else:
            changes.append(f"`{key}`: {_show(before)} → {_show(after)}")
    return changes


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, changed
    resource: ResourceRecord
    keys: tuple[str, ...] = ()

    @property
    def pillar(self) -> str:
        return str(self.resource.tags.get("pillar", cost.NO_PILLAR))


def resource_changes(base: Inventory, head: Inventory) -> list[Change]:
    before = {r.urn: r for r in base.resources if r.custom}
    after = {r.urn: r for r in head.resources if r.custom}
    changes = [Change("added", after[urn]) for urn in after if urn not in before]
    changes += [Change("removed", before[urn]) for urn in before if urn not in after]
    for urn in after.keys() & before.keys():
        keys = changed_keys(before[urn].inputs, after[urn].inputs)
        if keys:
            changes.append(Change("changed", after[urn], tuple(keys)))
    return sorted(changes, key=lambda c: (c.pillar, c.kind, c.resource.type, c.resource.name))


def _violation_keys(violations: list[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {(str(v["policy"]), str(v["urn"])): v for v in violations}


def render(report: Report, base: Mapping[str, Any]) -> str:
    if report.inventory is None or report.error is not None:
        return f"## preflight: {report.project} / {report.stack}\n\nFAILED: {report.error}\n"
    base_inventory = inventory_from_json(base)
    head_inventory = report.inventory
    lines = [f"## preflight: {report.project} / stack {report.stack}", "",
             f"**{'PASSED' if report.passed else 'BLOCKED'}**: "
             f"{len(report.mandatory_violations)} mandatory, "
             f"{len(report.violations) - len(report.mandatory_violations)} advisory violations", ""]
    changes = resource_changes(base_inventory, head_inventory)
    lines += [f"### Resources: {sum(c.kind == 'added' for c in changes)} added, "
              f"{sum(c.kind == 'removed' for c in changes)} removed, "
              f"{sum(c.kind == 'changed' for c in changes)} changed", ""]
    by_pillar: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_pillar[change.pillar].append(change)
    for pillar, pillar_changes in by_pillar.items():
        lines += [f"**{pillar}**", ""]
        for change in pillar_changes:
            lines.append(f"- {change.kind} `{change.resource.type}` **{change.resource.name}**")
            lines += [f"  - {key}" for key in change.keys]
        lines.append("")
    if not changes:
        lines += ["No resource changes.", ""]
    head_violations = _violation_keys([v.to_json() for v in report.violations])
    base_violations = _violation_keys(list(base.get("violations", [])))
    new = [v for k, v in head_violations.items() if k not in base_violations]
    resolved = [v for k, v in base_violations.items() if k not in head_violations]
    lines += [f"### Violations: {len(new)} new, {len(resolved)} resolved", ""]
    lines += [f"- new {v['enforcementLevel']} `{v['policy']}` on `{v['urn'].rsplit('::', 1)[-1]}`" for v in new]
    lines += [f"- resolved `{v['policy']}` on `{v['urn'].rsplit('::', 1)[-1]}`" for v in resolved]
    lines += ["", *render_cost_delta(cost.estimate(base_inventory), cost.estimate(head_inventory)), ""]
    lines += ["### Architecture", "", "```mermaid", diagram.render(head_inventory).rstrip("\n"), "```", ""]
    return "\n".join(lines)


def render_cost_delta(base: cost.Estimate, head: cost.Estimate) -> list[str]:
    before, after = base.by_pillar, head.by_pillar
    lines = [f"### Cost (USD/month, offline estimate): {base.total:,.2f} → {head.total:,.2f} "
             f"({head.total - base.total:+,.2f})", "", "| pillar | base | head | delta |", "|---|---:|---:|---:|"]
    for pillar in sorted(before.keys() | after.keys()):
        old, new = before.get(pillar, 0.0), after.get(pillar, 0.0)
        lines.append(f"| {pillar} | {old:,.2f} | {new:,.2f} | {new - old:+,.2f} |")
    if head.unpriced:
        lines += ["", f"Not priced: {', '.join(sorted({u.type for u in head.unpriced}))}"]
    return lines
