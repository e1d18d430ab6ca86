"""Remediation, as the CLI runs it (`pkg/resource/deploy/step_generator.go`): before any analysis,
each pack in turn gets `Remediate` on the resource's inputs (with its options and provider, as
for `Analyze`), and every remediation's properties replace the inputs from then on — the next
pack, every `Analyze`, and what would be deployed see the transformed inputs. A remediation
that could not run (an unknown value during preview) comes back as a diagnostic, which the CLI
shows as an advisory violation.

The engine calls a `Remediator` from `RegisterResource`, before the resource is answered, so
that its outputs (and the program) see the remediated inputs too, as after a real deployment.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from google.protobuf import json_format

from .engine import SIG_KEY, _plain
from .gate import PackSession, analyze_request
from .model import PropertyChange, Remediation, ResourceRecord, Violation
from .pack_process import PolicyPackProcess

REMEDIATE = "remediate"
CANNOT_REMEDIATE_PREFIX = "can't run remediation"


class Remediator:
    """`Remediate` for each registration, pack after pack, on the registering thread (the program
    waits for its registration, as it waits for the CLI's step)."""

    def __init__(self, sessions: Sequence[PackSession], cli_compatible: bool = False) -> None:
        self._sessions = sessions
        self._cli_compatible = cli_compatible
        self._lock = threading.Lock()
        self._packs: list[PolicyPackProcess] | None = None
        self.remediations: list[Remediation] = []
        self.violations: list[Violation] = []

    def _remediating_packs(self) -> list[PolicyPackProcess]:
        """The packs with a rule configured to remediate, once every pack is configured. Only such
        rules remediate (the Python server answers an empty `Remediate` otherwise), so the
        others are not asked."""
        with self._lock:
            if self._packs is None:
                for session in self._sessions:
                    session.configured.wait()
                # A pack that failed to start or configure fails the run when its session finishes.
                self._packs = [session.pack for session in self._sessions if not session.failed and any(
                    entry["enforcementLevel"] == REMEDIATE for entry in session.pack.config.values())]
            return self._packs

    def __call__(self, resource: ResourceRecord, records: Mapping[str, ResourceRecord]) -> Mapping[str, Any]:
        """The resource's wire inputs after every pack's remediations (its own if none applies)."""
        packs = self._remediating_packs()
        current = resource
        for pack in packs:
            request = analyze_request(current, records)
            response = pack.call(f"Remediate of {resource.urn}", pack.stub.Remediate, request)
            properties = json_format.MessageToDict(request.properties)
            for remediation in response.remediations:
                pack_name = remediation.policyPackName or pack.name
                if remediation.diagnostic:
                    self._cannot_remediate(pack, pack_name, remediation, resource.urn)
                    continue
                remediated = json_format.MessageToDict(remediation.properties)
                with self._lock:
                    self.remediations.append(Remediation(
                        policy_pack=pack_name, policy=remediation.policyName, urn=resource.urn,
                        changes=tuple(property_changes(properties, remediated))))
                properties = remediated
            if response.remediations:
                current = replace(current, wire_inputs=properties)
        return current.wire_inputs

    def _cannot_remediate(self, pack: PolicyPackProcess, pack_name: str, remediation: Any, urn: str) -> None:
        level, message = "advisory", remediation.diagnostic
        configured = pack.config.get(remediation.policyName, {}).get("enforcementLevel")
        if not self._cli_compatible and configured == REMEDIATE:
            # A remediate-level rule is enforced as mandatory; its fix not applied is no pass.
            level = "mandatory"
            message += ("\n(the CLI would report this as advisory; preflight raises it to mandatory because "
                        "a remediation that could not run has not been applied)")
        with self._lock:
            self.violations.append(Violation(policy_pack=pack_name, policy=remediation.policyName,
                                             enforcement_level=level, urn=urn, message=message))

    def sorted_remediations(self) -> tuple[Remediation, ...]:
        # Registrations are concurrent; keep each resource's remediations in the order applied.
        return tuple(sorted(self.remediations, key=lambda r: r.urn))


def property_changes(before: Mapping[str, Any], after: Mapping[str, Any], prefix: str = "") -> list[PropertyChange]:
    """What changed between two wire property maps, by dotted path (into objects, not into lists
    or secrets), values as the report shows them."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        path = f"{prefix}{key}"
        if isinstance(old, dict) and isinstance(new, dict) and _is_object(old) and _is_object(new):
            changes += property_changes(old, new, f"{path}.")
        else:
            changes.append(PropertyChange(property=path, before=_plain(old), after=_plain(new)))
    return changes


def _is_object(value: Mapping[str, Any]) -> bool:
    # Secrets, assets and resource references are values, not objects to look into.
    return SIG_KEY not in value
