"""Preview unknowns: what a mandatory rule could not judge because a value was unknown.

In a `--preview` run the program sees what `pulumi preview` shows it on a first deployment: the
outputs of resources being created are unknown except the inputs they echo, so a rule that
reads an id, an ARN or anything computed cannot run. The pack says so ("can't run policy …
during preview"), which the CLI reports as advisory whatever the rule's level: each such result
of a mandatory (or remediate-level) rule is a blind spot of the CLI's gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .gate import CANNOT_RUN_MARKER
from .model import BlindSpot, Violation
from .pack_process import PolicyPackProcess

ENFORCED_LEVELS = ("mandatory", "remediate")
CANNOT_RUN_PREFIXES = ("can't run policy", "can't run remediation")


def blind_spots(packs: Sequence[PolicyPackProcess], violations: Iterable[Violation]) -> tuple[BlindSpot, ...]:
    """One per result of an enforced rule that could not run on an unknown value."""
    configured = {(pack.name, policy): entry["enforcementLevel"]
                  for pack in packs for policy, entry in pack.config.items()}
    spots = []
    for violation in violations:
        first_line = violation.message.split("\n", 1)[0]
        if not (first_line.startswith(CANNOT_RUN_PREFIXES) and CANNOT_RUN_MARKER in first_line):
            continue
        if configured.get((violation.policy_pack, violation.policy)) in ENFORCED_LEVELS:
            reason = first_line.split(f"{CANNOT_RUN_MARKER}:", 1)[-1].strip()
            spots.append(BlindSpot(policy_pack=violation.policy_pack, policy=violation.policy,
                                   urn=violation.urn, reason=reason))
    return tuple(sorted(spots, key=lambda s: (s.policy_pack, s.policy, s.urn)))
