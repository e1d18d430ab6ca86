"""The stack a component is built in: passed whole instead of repeating prefix, region and account."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StackContext:
    """What every component needs to know about the stack it is built in."""
    name_prefix: str   # "hv-dev" / "hv-prod"
    region: str        # "us-east-2"
    account_id: str    # "891377221201"
