"""The scan: who am I, which regions, run the collectors concurrently, judge, return a Report.

Work is split into units (one collector in one region); units run on a thread pool and get
their clients from the `ClientFactory` (the default shares one thread-safe client per service
and region, created from a single lock-guarded session). A unit that fails with a
`faults.SCAN_ERRORS` error becomes a `NotScanned` entry and the others go on; any other
exception is a bug and propagates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date

from botocore.exceptions import BotoCoreError, NoCredentialsError

from audit.checks import CHECKS, Check, run_checks
from audit.clients import ClientFactory
from audit.collect import COLLECTORS, Collector, Item, ScanContext
from audit.contract import DEFAULT_CONTRACT, Contract
from audit.costs import read_costs
from audit.faults import SCAN_ERRORS, explain
from audit.models import GLOBAL, Inventory, NotScanned, Report, Resource
from audit.regions import partition_of, partition_regions, same_partition, service_offered

#: progress(regions_done, regions_total, region_just_finished)
Progress = Callable[[int, int, str], None]

DEFAULT_WORKERS = 16
NOT_OFFERED = "not offered in this region per botocore's endpoint data, so nothing can exist there"


@dataclass(frozen=True, kw_only=True)
class ScanOptions:
    #: None = every region enabled for the account (see `resolve_regions`)
    regions: tuple[str, ...] | None = None
    contract: Contract = DEFAULT_CONTRACT
    #: the account the credentials must belong to; None = audit whatever they point at
    expected_account: str | None = DEFAULT_CONTRACT.account_id
    workers: int = DEFAULT_WORKERS
    #: read Cost Explorer's spend (month to date and last month) as of this day; None = don't
    cost_day: date | None = None
    #: (pillar, environment) -> preflight's monthly estimate, shown beside the spend
    cost_estimates: Mapping[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Unit:
    collector: Collector
    region: str  # where the client is created
    label: str  # the region reported (GLOBAL for account-wide collectors)


def _identity(clients: ClientFactory, home: str) -> tuple[str | None, str | None]:
    """(account id, None) or (None, why the scan cannot start)."""
    try:
        account = str(clients("sts", home).get_caller_identity()["Account"])
    except NoCredentialsError:
        return None, (
            "no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or run on a machine with a role)"
        )
    except (BotoCoreError, *SCAN_ERRORS) as exc:
        reason = explain(exc) if isinstance(exc, SCAN_ERRORS) else str(exc)
        return None, f"cannot verify the credentials with sts:GetCallerIdentity in {home}: {reason}"
    return account, None


def resolve_regions(
    clients: ClientFactory, requested: Sequence[str] | None, home: str
) -> tuple[tuple[str, ...], list[NotScanned]]:
    """The regions to scan. "All" = the regions `ec2:DescribeRegions` says are enabled for the
    account; if that call is refused, botocore's list of the partition's regions (opt-in
    regions that are not enabled will then show up as not scanned)."""
    if requested:
        return tuple(requested), []
    notes: list[NotScanned] = []
    try:
        response = clients("ec2", home).describe_regions()
        names = [str(r["RegionName"]) for r in response.get("Regions", []) if r.get("OptInStatus") != "not-opted-in"]
    except SCAN_ERRORS as exc:
        partition = partition_of(home) or "aws"
        names = list(partition_regions(partition))
        notes.append(
            NotScanned(
                service="ec2",
                region=home,
                reason=f"region list: {explain(exc)}; scanning botocore's {partition} regions instead",
                gap=False,
            )
        )
    # Credentials never span partitions; DescribeRegions on some emulators lists gov/cn too.
    return tuple(sorted(same_partition(names, home))), notes


def _plan(collectors: Sequence[Collector], regions: Sequence[str], home: str) -> tuple[list[_Unit], list[NotScanned]]:
    units: list[_Unit] = []
    skipped: list[NotScanned] = []
    for collector in collectors:
        if collector.scope == "global":
            units.append(_Unit(collector, home, GLOBAL))
            continue
        targets = regions if collector.scope == "regional" else [r for r in regions if r == home]
        for region in targets:
            if service_offered(collector.service, region) is False:
                skipped.append(
                    NotScanned(
                        service=collector.service,
                        region=region,
                        reason=NOT_OFFERED,
                        gap=False,
                    )
                )
            else:
                units.append(_Unit(collector, region, region))
    return units, list(dict.fromkeys(skipped))


def _run_unit(unit: _Unit, clients: ClientFactory, ctx: ScanContext) -> tuple[list[Item], bool]:
    """(items, answered). A refused unit yields one NotScanned and answered=False."""
    try:
        return unit.collector.collect(clients, unit.region, ctx), True
    except SCAN_ERRORS as exc:
        reason = explain(exc)
        return [NotScanned(service=unit.collector.service, region=unit.label, reason=reason)], False


class _ProgressTracker:
    def __init__(self, units: Sequence[_Unit], regions: Sequence[str], progress: Progress | None):
        self._left = {region: 0 for region in regions}
        for unit in units:
            if unit.label in self._left:
                self._left[unit.label] += 1
        self._total = len(regions)
        self._done = sum(1 for n in self._left.values() if n == 0)
        self._progress = progress
        self._lock = threading.Lock()

    def unit_done(self, unit: _Unit) -> None:
        with self._lock:
            if unit.label not in self._left:
                return
            self._left[unit.label] -= 1
            if self._left[unit.label] == 0:
                self._done += 1
                if self._progress is not None:
                    self._progress(self._done, self._total, unit.label)


def scan(
    clients: ClientFactory,
    options: ScanOptions = ScanOptions(),
    *,
    collectors: Sequence[Collector] = COLLECTORS,
    checks: Sequence[Check] = CHECKS,
    progress: Progress | None = None,
) -> Report:
    """Scan the account the ambient credentials point at. Never raises for AWS-side trouble:
    that ends up in `Report.error` (could not start) or `Report.not_scanned`."""
    contract = options.contract
    home = contract.home_region
    account, error = _identity(clients, home)
    if account is None:
        return Report(account=None, regions=(), error=error)
    if options.expected_account is not None and account != options.expected_account:
        return Report(
            account=account,
            regions=(),
            error=f"the credentials are for account {account}, not {options.expected_account}; "
            f"use the contract account's credentials, or pass --account {account} to audit it anyway",
        )

    regions, notes = resolve_regions(clients, options.regions, home)
    units, skipped = _plan(collectors, regions, home)
    ctx = ScanContext(account_id=account, home_region=home, partition=partition_of(home) or "aws")
    tracker = _ProgressTracker(units, regions, progress)

    resources: list[Resource] = []
    not_scanned: list[NotScanned] = [*notes, *skipped]
    answered = 0
    pool = ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="audit")
    try:
        futures: dict[Future[tuple[list[Item], bool]], _Unit] = {
            pool.submit(_run_unit, unit, clients, ctx): unit for unit in units
        }
        for future in as_completed(futures):
            items, ok = future.result()
            answered += ok
            for item in items:
                if isinstance(item, NotScanned):
                    not_scanned.append(item)
                else:
                    resources.append(item)
            tracker.unit_done(futures[future])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

    costs = None if options.cost_day is None else read_costs(clients, account, options.cost_day,
                                                                      options.cost_estimates)
    if costs is not None:
        not_scanned += costs.gaps
    inventory = Inventory.of(resources)
    return Report(
        account=account,
        regions=regions,
        findings=run_checks(inventory, contract, checks),
        not_scanned=tuple(sorted(set(not_scanned), key=lambda n: (n.region, n.service, n.reason))),
        scanned_units=answered,
        inventory=inventory,
        costs=costs,
    )
