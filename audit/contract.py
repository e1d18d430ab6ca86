"""The parts of the foundation contract the audit enforces: one account, one home region,
the pillars and the tags.

Kept in one small frozen value so checks stay pure functions of (inventory, contract) and tests
can audit a different account or home region without patching module globals.
"""

from __future__ import annotations

from dataclasses import dataclass

# The program's own contract constants: the audit judges the account by the same ones.
from components.naming import CONTRACT_ACCOUNT_ID, REQUIRED_TAGS
from components.naming import CONTRACT_REGION as HOME_REGION
from components.naming import PILLARS as PILLAR_NAMES

__all__ = ["CONTRACT_ACCOUNT_ID", "HOME_REGION", "PILLARS", "REQUIRED_TAGS", "WEB_PORTS", "WORLD_CIDRS", "Contract"]

PILLARS: frozenset[str] = frozenset(PILLAR_NAMES)
WORLD_CIDRS: frozenset[str] = frozenset({"0.0.0.0/0", "::/0"})
WEB_PORTS: frozenset[int] = frozenset({80, 443})


@dataclass(frozen=True, kw_only=True)
class Contract:
    """What a compliant account looks like."""

    account_id: str = CONTRACT_ACCOUNT_ID
    home_region: str = HOME_REGION
    pillars: frozenset[str] = PILLARS
    required_tags: tuple[str, ...] = REQUIRED_TAGS
    world_cidrs: frozenset[str] = WORLD_CIDRS
    web_ports: frozenset[int] = WEB_PORTS


DEFAULT_CONTRACT = Contract()
