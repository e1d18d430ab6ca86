"""Live cost (`--costs`): month-to-date and last month's spend per pillar, environment and
service from Cost Explorer, next to the pillar budgets and (`--estimate`) preflight's offline
monthly estimate, plus the spend no `pillar` tag claims.

Read-only: `ce:GetCostAndUsage` grouped by the cost tags, `ce:ListCostAllocationTags` (a tag
that is not active is one Cost Explorer cannot group by: its spend shows as untagged) and
`budgets:DescribeBudgets`. Both services answer in us-east-1 whatever the home region.
A refused or failed read is a `NotScanned` entry with the reason, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from audit.clients import Client, ClientFactory
from audit.faults import SCAN_ERRORS, explain
from audit.models import GLOBAL, NotScanned

COST_TAGS: Final = ("pillar", "service", "environment")
METRIC: Final = "UnblendedCost"
#: Cost Explorer and Budgets have one endpoint, in us-east-1.
BILLING_REGION: Final = "us-east-1"
#: A group's key is "<tag>$<value>"; "<tag>$" is spend without the tag.
_TAG_SEPARATOR: Final = "$"


@dataclass(frozen=True, kw_only=True)
class Period:
    """[start, end) as Cost Explorer takes it."""

    start: date
    end: date


def periods(today: date) -> tuple[Period, Period]:
    """(month to date, last month). On the 1st, month to date is today alone (Cost Explorer
    refuses an empty period)."""
    first = today.replace(day=1)
    last_month_start = (first - timedelta(days=1)).replace(day=1)
    month_to_date = Period(start=first, end=today if today > first else today + timedelta(days=1))
    return month_to_date, Period(start=last_month_start, end=first)


@dataclass(frozen=True, kw_only=True)
class PillarCost:
    """Spend of one pillar in one environment ("" = the tag is missing)."""

    pillar: str
    environment: str
    month_to_date: float
    last_month: float
    #: the monthly budget filtered on this pillar and environment; None = no budget
    budget: float | None = None
    #: preflight's offline monthly estimate for this pillar and environment; None = none given
    estimate: float | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceCost:
    pillar: str
    service: str
    month_to_date: float
    last_month: float


@dataclass(frozen=True, kw_only=True)
class CostReport:
    month_to_date: Period
    last_month: Period
    currency: str = "USD"
    #: None = Cost Explorer could not be read (a `NotScanned` entry says why)
    by_pillar: tuple[PillarCost, ...] | None = None
    by_service: tuple[ServiceCost, ...] | None = None
    #: cost tags Cost Explorer cannot group by yet (not activated, or never seen); None = unread
    inactive_tags: tuple[str, ...] | None = ()
    gaps: tuple[NotScanned, ...] = ()

    @property
    def untagged(self) -> tuple[float, float] | None:
        """(month to date, last month) of the spend without a `pillar` tag."""
        if self.by_pillar is None:
            return None
        rows = [row for row in self.by_pillar if not row.pillar]
        return sum(r.month_to_date for r in rows), sum(r.last_month for r in rows)


def _tag_value(key: str) -> str:
    return key.split(_TAG_SEPARATOR, 1)[1] if _TAG_SEPARATOR in key else key


def _costs_by_group(client: Client, period: Period, tags: tuple[str, str]) -> tuple[dict[tuple[str, str], float], str]:
    """{(value of tags[0], value of tags[1]): amount} over `period`, and the currency."""
    totals: dict[tuple[str, str], float] = {}
    currency = "USD"
    params: dict[str, Any] = {
        "TimePeriod": {"Start": period.start.isoformat(), "End": period.end.isoformat()},
        "Granularity": "MONTHLY",
        "Metrics": [METRIC],
        "GroupBy": [{"Type": "TAG", "Key": tag} for tag in tags],
    }
    token: str | None = None
    while True:
        page: Mapping[str, Any] = client.get_cost_and_usage(**params, **({"NextPageToken": token} if token else {}))
        for result in page.get("ResultsByTime", []):
            for group in result.get("Groups", []):
                keys = [_tag_value(str(k)) for k in group.get("Keys", [])]
                first, second = [*keys, "", ""][:2]
                metric = group.get("Metrics", {}).get(METRIC, {})
                currency = str(metric.get("Unit") or currency)
                totals[(first, second)] = totals.get((first, second), 0.0) + float(metric.get("Amount") or 0)
        token = page.get("NextPageToken")
        if not token:
            return totals, currency


def _expression_tags(expression: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, value) of every single-valued tag condition in a budget's FilterExpression."""
    tags = expression.get("Tags") or {}
    if tags.get("Key") and len(tags.get("Values") or []) == 1:
        yield str(tags["Key"]), str(tags["Values"][0])
    for child in expression.get("And") or []:
        yield from _expression_tags(child)


def budget_scope(budget: Mapping[str, Any]) -> tuple[str, str] | None:
    """(pillar, environment) a cost budget is filtered on, from its FilterExpression or the
    legacy CostFilters ("TagKeyValue": ["user:pillar$aws", ...]); None for any other budget."""
    if budget.get("BudgetType", "COST") != "COST":
        return None
    tags = dict(_expression_tags(budget.get("FilterExpression") or {}))
    for value in (budget.get("CostFilters") or {}).get("TagKeyValue", []):
        key, _, tag_value = str(value).removeprefix("user:").partition(_TAG_SEPARATOR)
        tags.setdefault(key, tag_value)
    if "pillar" in tags and "environment" in tags:
        return tags["pillar"], tags["environment"]
    return None


def _budgets(client: Client, account_id: str) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    params: dict[str, Any] = {"AccountId": account_id}
    while True:
        page: Mapping[str, Any] = client.describe_budgets(**params)
        for budget in page.get("Budgets", []):
            scope = budget_scope(budget)
            limit = (budget.get("BudgetLimit") or {}).get("Amount")
            if scope is not None and limit is not None and budget.get("TimeUnit", "MONTHLY") == "MONTHLY":
                found[scope] = found.get(scope, 0.0) + float(limit)
        token = page.get("NextToken")
        if not token:
            return found
        params["NextToken"] = token


def _inactive_tags(client: Client) -> tuple[str, ...]:
    response: Mapping[str, Any] = client.list_cost_allocation_tags(TagKeys=list(COST_TAGS), Type="UserDefined")
    active = {str(t["TagKey"]) for t in response.get("CostAllocationTags", []) if t.get("Status") == "Active"}
    return tuple(tag for tag in COST_TAGS if tag not in active)


def _read(read: Callable[[], Any], service: str, what: str, gaps: list[NotScanned]) -> Any:
    try:
        return read()
    except SCAN_ERRORS as exc:
        gaps.append(NotScanned(service=service, region=GLOBAL, reason=f"{what}: {explain(exc)}"))
        return None


class BadEstimate(ValueError):
    """An `--estimate` file that is not a preflight report with its `cost` section."""


# How preflight's cost section names the spend of resources without a `pillar` tag.
UNTAGGED_PILLAR = "(no pillar tag)"


def load_estimates(paths: Sequence[Path]) -> dict[tuple[str, str], float]:
    """(pillar, environment) -> monthly estimate, from preflight `--cost --json` reports (one per
    stack; the stack is the environment, as the `environment` tag says)."""
    estimates: dict[tuple[str, str], float] = {}
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            report = json.loads(path.read_text())
        except OSError as exc:
            raise BadEstimate(f"--estimate {path}: cannot read: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise BadEstimate(f"--estimate {path}: not JSON ({exc})") from None
        stack = report.get("stack") if isinstance(report, dict) else None
        cost = report.get("cost") if isinstance(report, dict) else None
        by_pillar = cost.get("byPillar") if isinstance(cost, dict) else None
        if (not isinstance(stack, str) or not isinstance(by_pillar, dict)
                or not all(isinstance(amount, int | float) for amount in by_pillar.values())):
            raise BadEstimate(f"--estimate {path}: not a preflight report with a cost section "
                              "(expected the --json of `python -m preflight --stack <stack> --cost`)")
        if stack in seen:
            raise BadEstimate(f"--estimate {path}: stack {stack!r} is already given by {seen[stack]}")
        seen[stack] = path
        for pillar, amount in by_pillar.items():
            estimates[("" if pillar == UNTAGGED_PILLAR else pillar, stack)] = float(amount)
    return estimates


def read_costs(clients: ClientFactory, account_id: str, today: date,
               estimates: Mapping[tuple[str, str], float] | None = None) -> CostReport:
    """Cost Explorer's actual spend for this month so far and last month, with the budgets and,
    where given, preflight's offline estimate beside each pillar."""
    estimates = estimates or {}
    month_to_date, last_month = periods(today)
    gaps: list[NotScanned] = []
    ce = clients("ce", BILLING_REGION)
    inactive = _read(lambda: _inactive_tags(ce), "ce", "cost allocation tag status", gaps)
    budgets = _read(lambda: _budgets(clients("budgets", BILLING_REGION), account_id), "budgets", "budgets", gaps)

    def spend(tags: tuple[str, str]) -> tuple[dict[tuple[str, str], tuple[float, float]], str]:
        now, currency = _costs_by_group(ce, month_to_date, tags)
        before, _ = _costs_by_group(ce, last_month, tags)
        return {key: (now.get(key, 0.0), before.get(key, 0.0)) for key in sorted({*now, *before})}, currency

    by_environment = _read(lambda: spend(("pillar", "environment")), "ce", "cost per pillar and environment", gaps)
    by_service = _read(lambda: spend(("pillar", "service")), "ce", "cost per pillar and service", gaps)
    pillar_rows: tuple[PillarCost, ...] | None = None
    if by_environment is not None:
        amounts, _ = by_environment
        scopes = sorted({*amounts, *(budgets or {}), *estimates})
        pillar_rows = tuple(
            PillarCost(pillar=scope[0], environment=scope[1], month_to_date=amounts.get(scope, (0.0, 0.0))[0],
                       last_month=amounts.get(scope, (0.0, 0.0))[1], budget=(budgets or {}).get(scope),
                       estimate=estimates.get(scope))
            for scope in scopes
        )
    service_rows = None if by_service is None else tuple(
        ServiceCost(pillar=pillar, service=service, month_to_date=now, last_month=before)
        for (pillar, service), (now, before) in by_service[0].items()
    )
    return CostReport(
        month_to_date=month_to_date,
        last_month=last_month,
        currency=(by_environment or by_service or ({}, "USD"))[1],
        by_pillar=pillar_rows,
        by_service=service_rows,
        inactive_tags=inactive,
        gaps=tuple(gaps),
    )
