"""The console report: inventory summary, violations table, one-line verdict."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

from .model import STACK_TYPE, Inventory, Report, ResourceRecord


def render(report: Report) -> str:
    mode = " (preview: outputs of resources being created are unknown)" if report.preview else ""
    lines = [f"preflight: {report.project} / stack {report.stack}{mode}", ""]
    if report.inventory is not None:
        lines += [*render_inventory(report.inventory), *render_reads(report.inventory),
                  *render_assumed(report.inventory), ""]
    if report.error is None:
        lines += [*render_violations(report), ""]
        lines += render_remediations(report)
        lines += render_blind_spots(report)
        lines += render_exceptions(report)
    if report.notes:
        lines += [f"Notes: {len(report.notes)}", *(f"  {note}" for note in report.notes), ""]
    lines.append(verdict(report))
    return "\n".join(lines)


def top_level_component(resource: ResourceRecord, by_urn: dict[str, ResourceRecord]) -> str:
    """The pillar a resource belongs to: its outermost ancestor below the stack."""
    current = resource
    while current.parent in by_urn and by_urn[current.parent].type != STACK_TYPE:
        current = by_urn[current.parent]
    return "(stack level)" if current is resource else f"{current.type} {current.name}"


def render_inventory(inventory: Inventory) -> list[str]:
    by_urn = inventory.by_urn()
    custom = [r for r in inventory.resources if r.custom]
    by_component = Counter(top_level_component(r, by_urn) for r in custom)
    by_type = Counter(r.type for r in custom)
    by_pillar = Counter(str(r.tags.get("pillar", "(no pillar tag)")) for r in custom)
    lines = [f"Inventory: {len(custom)} resources "
             f"({len(inventory.resources) - len(custom)} components and stack)", "", "  by pillar"]
    lines += _table(["resources", "pillar"], [(str(n), k) for k, n in sorted(by_pillar.items())])
    lines += ["", "  by component"]
    lines += _table(["resources", "component"], [(str(n), k) for k, n in sorted(by_component.items())])
    lines += ["", "  by type"]
    lines += _table(["count", "type"], [(str(n), k) for k, n in sorted(by_type.items())])
    return lines


def render_reads(inventory: Inventory) -> list[str]:
    """Resources the program looked up (`.get()`, stack references): not its own, judged by no rule."""
    if not inventory.reads:
        return []
    return ["", f"  read, not managed ({len(inventory.reads)}; no policy judges a read)",
            *_table(["type", "name", "id"], [(r.type, r.name, r.id) for r in inventory.reads])]


# Output names shown by count; the JSON report lists every one.
_ASSUMED_SHOWN = 5


def render_assumed(inventory: Inventory) -> list[str]:
    """What was synthesized from the provider's declared types rather than answered by hand."""
    outputs: dict[str, list[str]] = dict(inventory.synthesized.get("outputs") or {})
    invokes: list[str] = list(inventory.synthesized.get("invokes") or [])
    if not outputs and not invokes:
        return []
    lines = ["", "  assumed (synthesized from the provider's declared types; --json lists each under `synthesized`)"]
    if outputs:
        names = Counter(name for synthesized in outputs.values() for name in synthesized)
        shown = ", ".join(f"{name} ×{count}" for name, count in names.most_common(_ASSUMED_SHOWN))
        more = f", and {len(names) - _ASSUMED_SHOWN} more names" if len(names) > _ASSUMED_SHOWN else ""
        lines.append(f"    {names.total()} outputs of {len(outputs)} resource{'s' if len(outputs) != 1 else ''}: "
                     f"{shown}{more}")
    if invokes:
        lines.append(f"    invoke results: {', '.join(invokes)}")
    return lines


def render_violations(report: Report) -> list[str]:
    if not report.violations:
        return ["Violations: none"]
    rows = [(v.enforcement_level, v.policy, _short_urn(v.urn), v.detail.replace("\n", " "))
            for v in sorted(report.violations, key=lambda v: (not v.mandatory, v.policy, v.urn))]
    return [f"Violations: {len(report.violations)}", *_table(["level", "rule", "resource", "message"], rows)]


def render_remediations(report: Report) -> list[str]:
    """What remediate-level rules changed: the inputs that would be deployed are these."""
    rows = [(r.policy, _short_urn(r.urn), "; ".join(
                f"{c.property}: {_value(c.before)} -> {_value(c.after)}" for c in r.changes) or "(no change)")
            for r in report.remediations]
    if not rows:
        return []
    return [f"Remediations: {len(rows)} (analysed and deployed as changed)",
            *_table(["rule", "resource", "changed"], rows), ""]


def render_blind_spots(report: Report) -> list[str]:
    """Mandatory rules that could not judge a resource because a value was unknown."""
    rows = [(s.policy, _short_urn(s.urn), s.reason) for s in report.blind_spots]
    if not rows:
        return []
    return [f"Blind spots: {len(rows)} (mandatory rules that could not judge a resource; the CLI "
            "reports these as advisory)", *_table(["rule", "resource", "unknown"], rows), ""]


def _value(value: object) -> str:
    return "(absent)" if value is None else json.dumps(value, sort_keys=True)


def render_exceptions(report: Report) -> list[str]:
    """The justified exceptions in effect: each silences a rule for one resource until it expires."""
    rows = [(n.policy, _short_urn(n.urn), n.reason) for n in report.not_applicable if n.by_exception]
    if not rows:
        return []
    return [f"Exceptions in effect: {len(rows)}", *_table(["rule", "resource", "exception"], rows), ""]


def verdict(report: Report) -> str:
    if report.error is not None:
        return f"FAILED: {report.error}"
    mandatory = len(report.mandatory_violations)
    advisory = len(report.violations) - mandatory
    resources = sum(1 for r in (report.inventory.resources if report.inventory else ()) if r.custom)
    if mandatory:
        return (f"BLOCKED: {mandatory} mandatory violation{'s' if mandatory != 1 else ''}, "
                f"{advisory} advisory, {resources} resources")
    return f"PASSED: 0 mandatory violations, {advisory} advisory, {resources} resources"


def _short_urn(urn: str) -> str:
    if not urn:
        return "(stack)"
    parts = urn.split("::")
    return f"{parts[2].rsplit('$', 1)[-1]}::{parts[3]}" if len(parts) >= 4 else urn


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    rows = list(rows)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    # The last column (messages, types) is not padded: it may be long.
    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  " + "  ".join([*padded, cells[-1]])
    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]
