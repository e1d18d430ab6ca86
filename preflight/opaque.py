"""Remote components: registered as one resource whose children a component provider builds.

That provider (awsx, eks, …) does not run offline, so nothing it would create reaches the
policies: the gate cannot vouch for what it cannot see, and says so as a finding of its own.
"""

from __future__ import annotations

from .model import Inventory, Violation

POLICY_PACK = "preflight"
POLICY = "preflight-opaque-component"
NOT_ANALYSED = "not analysed: its children are built by a component provider that does not run offline"


def findings(inventory: Inventory, *, allowed: bool) -> list[Violation]:
    """One finding per remote component: mandatory, or advisory with `--allow-opaque-components`."""
    hint = "" if allowed else " (--allow-opaque-components accepts it as a warning)"
    return [Violation(policy_pack=POLICY_PACK, policy=POLICY,
                      enforcement_level="advisory" if allowed else "mandatory", urn=resource.urn,
                      message=f"Remote components cannot be judged offline.\n"
                              f"{resource.type} {resource.name!r} {NOT_ANALYSED}{hint}")
            for resource in inventory.resources if resource.remote]
