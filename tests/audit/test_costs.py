"""`--costs`: Cost Explorer's spend per pillar next to the budgets, against moto.

moto 5.2.5 answers GetCostAndUsage from a queue of results (one per distinct request, taken in
call order) and DescribeBudgets from budgets created through its API; it has no
ListCostAllocationTags, which these tests answer with `AnswerUnimplemented`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from audit.cli import main
from audit.clients import Client, ClientFactory
from audit.contract import CONTRACT_ACCOUNT_ID as ACCOUNT
from audit.contract import HOME_REGION as HOME
from audit.costs import Period, budget_scope, load_estimates, periods
from audit.engine import ScanOptions, scan
from audit.models import Report
from tests.audit.fakes import AnswerUnimplemented

Aws = Callable[..., Client]
DAY = date(2026, 12, 15)


def groups(*rows: tuple[str, str, str, float]) -> dict[str, Any]:
    """A GetCostAndUsage answer: rows of (tag 1 key, tag 1 value, tag 2 'key$value', amount)."""
    return {"ResultsByTime": [{
        "TimePeriod": {"Start": "x", "End": "y"}, "Total": {}, "Estimated": True,
        "Groups": [{"Keys": [f"{key}${value}", second], "Metrics": {"UnblendedCost": {"Amount": str(amount),
                                                                                       "Unit": "USD"}}}
                   for key, value, second, amount in rows]}], "DimensionValueAttributes": []}


def queue_costs() -> None:
    from moto.ce.models import ce_backends

    backend = ce_backends[ACCOUNT]["aws"]
    backend.cost_usage_results_queue += [
        groups(("pillar", "aws", "environment$prod", 120.5), ("pillar", "hub-v2", "environment$prod", 20.25),
               ("pillar", "", "environment$", 3.0)),  # month to date, by environment
        groups(("pillar", "aws", "environment$prod", 410.0), ("pillar", "", "environment$", 40.0)),  # last month
        groups(("pillar", "aws", "service$data", 100.5), ("pillar", "aws", "service$network", 20.0),
               ("pillar", "hub-v2", "service$hub-v2-api", 20.25), ("pillar", "", "service$", 3.0)),
        groups(("pillar", "aws", "service$data", 410.0), ("pillar", "", "service$", 40.0)),
    ]


def create_budget(aws: Aws, pillar: str, amount: str) -> None:
    aws("budgets", "us-east-1").create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": f"hv-prod-{pillar}", "BudgetType": "COST", "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": amount, "Unit": "USD"},
        "FilterExpression": {"And": [
            {"Tags": {"Key": "pillar", "Values": [pillar], "MatchOptions": ["EQUALS"]}},
            {"Tags": {"Key": "environment", "Values": ["prod"], "MatchOptions": ["EQUALS"]}}]}})


def tag_status(inner: ClientFactory, **status: str) -> AnswerUnimplemented:
    body = {"CostAllocationTags": [{"TagKey": k, "Type": "UserDefined", "Status": v} for k, v in status.items()]}
    return AnswerUnimplemented(inner, "ce", "ListCostAllocationTags", body)


def cost_scan(factory: ClientFactory) -> Report:
    return scan(factory, ScanOptions(regions=(HOME,), workers=2, cost_day=DAY))


def test_spend_per_pillar_and_service_is_set_against_the_budgets(aws: Aws, clients: ClientFactory) -> None:
    create_budget(aws, "aws", "400.0")
    create_budget(aws, "hub-v2", "70.0")
    queue_costs()
    factory = tag_status(clients, pillar="Active", service="Active", environment="Active")

    report = cost_scan(factory)
    assert report.not_scanned == () and report.costs is not None
    costs = report.costs
    assert [(r.pillar, r.environment, r.month_to_date, r.last_month, r.budget) for r in costs.by_pillar or ()] == [
        ("", "", 3.0, 40.0, None),
        ("aws", "prod", 120.5, 410.0, 400.0),
        ("hub-v2", "prod", 20.25, 0.0, 70.0),
    ]
    assert costs.untagged == (3.0, 40.0) and costs.inactive_tags == ()
    assert [(r.pillar, r.service, r.month_to_date, r.last_month) for r in costs.by_service or ()] == [
        ("", "", 3.0, 40.0), ("aws", "data", 100.5, 410.0), ("aws", "network", 20.0, 0.0),
        ("hub-v2", "hub-v2-api", 20.25, 0.0)]

    from moto.ce.models import ce_backends

    asked = [json.loads(body) for body in ce_backends[ACCOUNT]["aws"].cost_usage_results]
    assert [(q["TimePeriod"], [g["Key"] for g in q["GroupBy"]]) for q in asked] == [
        ({"Start": "2026-12-01", "End": "2026-12-15"}, ["pillar", "environment"]),
        ({"Start": "2026-11-01", "End": "2026-12-01"}, ["pillar", "environment"]),
        ({"Start": "2026-12-01", "End": "2026-12-15"}, ["pillar", "service"]),
        ({"Start": "2026-11-01", "End": "2026-12-01"}, ["pillar", "service"]),
    ]
    assert all(q["Metrics"] == ["UnblendedCost"] and q["Granularity"] == "MONTHLY" for q in asked)
    assert [json.loads(body) for body in factory.calls] == [
        {"TagKeys": ["pillar", "service", "environment"], "Type": "UserDefined"}]


def test_the_console_and_json_reports_carry_the_costs(aws: Aws, clients: ClientFactory, tmp_path: Path) -> None:
    create_budget(aws, "aws", "400.0")
    queue_costs()
    factory = tag_status(clients, pillar="Active", environment="Active", service="Inactive")
    out, err = io.StringIO(), io.StringIO()
    report_file = tmp_path / "audit.json"

    code = main(["--regions", HOME, "--costs", "--json", str(report_file)], clients=factory, stdout=out, stderr=err)

    assert code == 0, out.getvalue() + err.getvalue()
    console = out.getvalue()
    assert "COSTS (USD, Cost Explorer unblended)" in console
    (aws_row,) = [line for line in console.splitlines() if line.split()[:2] == ["aws", "prod"]]
    assert aws_row.split() == ["aws", "prod", "120.50", "410.00", "OVER", "400.00", "30%"]
    assert "spend without a pillar tag: 3.00 this month, 40.00 last month" in console
    assert "not active as cost allocation tags: service" in console
    costs = json.loads(report_file.read_text())["costs"]
    assert costs["untagged"] == {"month_to_date": 3.0, "last_month": 40.0}
    assert costs["inactive_tags"] == ["service"]
    assert {"pillar": "aws", "environment": "prod", "month_to_date": 120.5, "last_month": 410.0,
            "budget": 400.0, "estimate": None} in costs["by_pillar"]
    assert {"pillar": None, "service": None, "month_to_date": 3.0, "last_month": 40.0} in costs["by_service"]


def test_tags_not_yet_activated_show_as_untagged_spend_and_are_named(clients: ClientFactory) -> None:
    from moto.ce.models import ce_backends

    # Before activation Cost Explorer cannot group by the tag: all spend is "pillar$".
    ce_backends[ACCOUNT]["aws"].cost_usage_results_queue += [groups(("pillar", "", "environment$", 55.0))] * 4
    costs = cost_scan(tag_status(clients)).costs  # never seen in billing data: not listed at all
    assert costs is not None and costs.inactive_tags == ("pillar", "service", "environment")
    assert costs.untagged == (55.0, 55.0)


def test_denied_cost_explorer_and_budgets_are_not_scanned_with_the_reason(faults: Any) -> None:
    faults.fail("ce", "GetCostAndUsage", "AccessDeniedException", status=400)
    faults.fail("budgets", "DescribeBudgets", "AccessDeniedException", status=400)
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListCostAllocationTags")
    factory = AnswerUnimplemented(faults, "ce", "ListCostAllocationTags", denied)
    out = io.StringIO()
    code = main(["--regions", HOME, "--costs"], clients=factory, stdout=out, stderr=io.StringIO())
    report = cost_scan(factory)
    assert report.costs is not None and report.costs.by_pillar is None and report.costs.by_service is None
    reasons = sorted((n.service, n.reason.split(":")[0]) for n in report.not_scanned)
    assert reasons == [("budgets", "budgets"), ("ce", "cost allocation tag status"),
                       ("ce", "cost per pillar and environment"), ("ce", "cost per pillar and service")]
    assert all("access denied (AccessDeniedException on" in n.reason for n in report.not_scanned)
    # Asked for and not read: the audit cannot vouch for it (exit 2), and says so.
    assert code == 2 and "cost per pillar not read (see NOT SCANNED)" in out.getvalue()


def test_without_costs_nothing_is_asked_of_cost_explorer(faults: Any) -> None:
    faults.fail("ce", "GetCostAndUsage", "AccessDeniedException", status=400)
    report = scan(faults, ScanOptions(regions=(HOME,), workers=2))
    assert report.costs is None and report.not_scanned == ()
    assert ("ce", "GetCostAndUsage", "us-east-1") not in faults.sent


@pytest.mark.parametrize(("today", "month_to_date", "last_month"), [
    (date(2026, 12, 15), Period(start=date(2026, 12, 1), end=date(2026, 12, 15)),
     Period(start=date(2026, 11, 1), end=date(2026, 12, 1))),
    # the 1st: Cost Explorer refuses an empty period, so today (so far) is the month
    (date(2026, 12, 1), Period(start=date(2026, 12, 1), end=date(2026, 12, 2)),
     Period(start=date(2026, 11, 1), end=date(2026, 12, 1))),
    (date(2027, 1, 9), Period(start=date(2027, 1, 1), end=date(2027, 1, 9)),
     Period(start=date(2026, 12, 1), end=date(2027, 1, 1))),
])
def test_periods_are_this_month_so_far_and_the_whole_of_last_month(
        today: date, month_to_date: Period, last_month: Period) -> None:
    assert periods(today) == (month_to_date, last_month)


@pytest.mark.parametrize(("budget", "scope"), [
    ({"BudgetType": "COST", "FilterExpression": {"And": [
        {"Tags": {"Key": "pillar", "Values": ["clawbot"]}}, {"Tags": {"Key": "environment", "Values": ["dev"]}}]}},
     ("clawbot", "dev")),
    ({"BudgetType": "COST", "CostFilters": {"TagKeyValue": ["user:pillar$aws", "user:environment$prod"]}},
     ("aws", "prod")),
    ({"BudgetType": "COST", "FilterExpression": {"Tags": {"Key": "pillar", "Values": ["aws"]}}}, None),
    ({"BudgetType": "USAGE", "CostFilters": {"TagKeyValue": ["user:pillar$aws", "user:environment$prod"]}}, None),
])
def test_a_budget_counts_for_the_pillar_and_environment_it_filters_on(
        budget: dict[str, Any], scope: tuple[str, str] | None) -> None:
    assert budget_scope(budget) == scope


def preflight_report(path: Path, stack: str, by_pillar: dict[str, float]) -> Path:
    """The part of a `python -m preflight --cost --json` report the audit reads."""
    path.write_text(json.dumps({"project": "hv-foundation", "stack": stack, "passed": True,
                                "cost": {"currency": "USD", "byPillar": by_pillar}}))
    return path


def test_the_offline_estimate_stands_beside_each_pillars_spend(aws: Aws, clients: ClientFactory,
                                                               tmp_path: Path) -> None:
    create_budget(aws, "aws", "400.0")
    queue_costs()
    factory = tag_status(clients, pillar="Active", environment="Active", service="Active")
    estimate = preflight_report(tmp_path / "prod.json", "prod",
                                {"aws": 380.0, "clawbot": 12.5, "(no pillar tag)": 3.0})
    out, err = io.StringIO(), io.StringIO()
    report_file = tmp_path / "audit.json"

    code = main(["--regions", HOME, "--costs", "--estimate", str(estimate), "--json", str(report_file)],
                clients=factory, stdout=out, stderr=err)

    assert code == 0, out.getvalue() + err.getvalue()
    console = out.getvalue()
    assert "estimate/month (offline)" in console
    (aws_row,) = [line for line in console.splitlines() if line.split()[:2] == ["aws", "prod"]]
    assert aws_row.split() == ["aws", "prod", "120.50", "410.00", "OVER", "400.00", "30%", "380.00"]
    # A pillar estimated but not yet spending is listed too; one with spend but no estimate shows "-".
    (clawbot_row,) = [line for line in console.splitlines() if line.split()[:2] == ["clawbot", "prod"]]
    assert clawbot_row.split()[-1] == "12.50"
    (hub_row,) = [line for line in console.splitlines() if line.split()[:2] == ["hub-v2", "prod"]]
    assert hub_row.split()[-1] == "-"
    by_pillar = json.loads(report_file.read_text())["costs"]["by_pillar"]
    assert {(r["pillar"], r["environment"]): r["estimate"] for r in by_pillar} == {
        (None, None): None, (None, "prod"): 3.0, ("aws", "prod"): 380.0, ("clawbot", "prod"): 12.5,
        ("hub-v2", "prod"): None}


@pytest.mark.parametrize(("content", "error"), [
    (None, "cannot read"),
    ("{not json", "not JSON"),
    ('{"stack": "prod", "passed": true}', "not a preflight report with a cost section"),
    ('{"stack": "prod", "cost": ["aws"]}', "not a preflight report with a cost section"),
    ('{"stack": "prod", "cost": {"byPillar": {"aws": "lots"}}}', "not a preflight report with a cost section"),
])
def test_a_bad_estimate_file_stops_the_audit_before_scanning(clients: ClientFactory, tmp_path: Path,
                                                            content: str | None, error: str) -> None:
    path = tmp_path / "estimate.json"
    if content is not None:
        path.write_text(content)
    err = io.StringIO()
    assert main(["--regions", HOME, "--costs", "--estimate", str(path)], clients=clients,
                stdout=io.StringIO(), stderr=err) == Report.EXIT_CANNOT_SCAN
    assert f"audit: --estimate {path}: {error}" in err.getvalue()


def test_an_estimate_needs_costs_and_one_report_per_stack(tmp_path: Path) -> None:
    dev = preflight_report(tmp_path / "dev.json", "dev", {"aws": 100.0})
    err = io.StringIO()
    assert main(["--estimate", str(dev)], stdout=io.StringIO(), stderr=err) == Report.EXIT_CANNOT_SCAN
    assert "--estimate needs --costs" in err.getvalue()
    again = preflight_report(tmp_path / "dev-again.json", "dev", {"aws": 90.0})
    with pytest.raises(ValueError, match=r"stack 'dev' is already given by .*dev.json"):
        load_estimates([dev, again])
