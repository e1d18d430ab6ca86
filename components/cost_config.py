"""The `cost` section of the stack config: a monthly budget per pillar, the anomaly threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config_reader import Section, show
from .naming import PILLARS

MAX_BUDGET_USD = 100_000


@dataclass(frozen=True)
class CostConfig:
    # USD per month per pillar, for this stack's environment.
    budgets: Mapping[str, int]
    # Cost allocation tags and the anomaly monitor are account-wide: exactly one stack creates them.
    create_account_controls: bool
    anomaly_threshold_usd: int


def parse_cost(section: Section, *, create_account_default: bool) -> CostConfig:
    budgets: dict[str, int] = {}
    for pillar, value in section.mapping("budgets").items():
        key = f"budgets.{pillar}"
        if pillar not in PILLARS:
            section.problem(key, f"unknown pillar (allowed: {', '.join(PILLARS)})")
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BUDGET_USD:
            section.problem(key, f"{show(value)} is not a whole number of USD from 1 to {MAX_BUDGET_USD}")
        else:
            budgets[pillar] = value
    config = CostConfig(
        budgets=budgets,
        create_account_controls=section.boolean("createAccountControls", create_account_default),
        anomaly_threshold_usd=section.integer("anomalyThresholdUsd", 20, minimum=1, maximum=MAX_BUDGET_USD),
    )
    section.finish()
    return config
