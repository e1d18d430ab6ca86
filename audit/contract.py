"""The parts of the foundation contract the audit enforces (DESIGN.md §1, §4, §9).

Kept in one small frozen value so checks stay pure functions of (inventory, contract) and tests
can audit a different account or home region without patching module globals.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTRACT_ACCOUNT_ID = "891377221201"
HOME_REGION = "us-east-2"
PILLARS: frozenset[str] = frozenset({"aws", "hub-v2", "clawbot", "airtable"})
REQUIRED_TAGS: tuple[str, ...] = ("pillar", "service", "environment")
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
