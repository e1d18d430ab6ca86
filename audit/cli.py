"""Command line: parse arguments, run the scan, print and write the reports, return the code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from audit import report_console, report_json
from audit.clients import DEFAULT_MAX_ATTEMPTS, ClientFactory, SessionClients
from audit.contract import CONTRACT_ACCOUNT_ID
from audit.costs import BadEstimate, load_estimates
from audit.engine import DEFAULT_WORKERS, ScanOptions, scan
from audit.models import Report
from audit.regions import BadRegions, parse_regions


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m audit",
        description="Read-only scan of the live AWS account for breaches of the foundation contract.",
    )
    parser.add_argument(
        "--regions",
        metavar="LIST",
        default="all",
        help="comma-separated regions, or 'all' (default): every region enabled for the account",
    )
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the findings as JSON")
    parser.add_argument(
        "--account",
        default=CONTRACT_ACCOUNT_ID,
        help=f"account the credentials must belong to (default {CONTRACT_ACCOUNT_ID}; 'any' to skip)",
    )
    parser.add_argument(
        "--costs",
        action="store_true",
        help="also report this month's and last month's spend per pillar, environment and service from "
        "Cost Explorer, next to the pillar budgets, and the spend without a pillar tag",
    )
    parser.add_argument(
        "--estimate",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="with --costs: a preflight report (`python -m preflight --stack S --cost --json FILE`) whose "
        "monthly estimate per pillar is shown beside that stack's spend; one per stack, may be repeated",
    )
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help=f"concurrent calls (default {DEFAULT_WORKERS})"
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=DEFAULT_MAX_ATTEMPTS,
        help=f"attempts per AWS call, with backoff on throttling (default {DEFAULT_MAX_ATTEMPTS})",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: ClientFactory | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the audit; return the exit code. `clients` replaces the boto3 client factory (tests
    and the bench stub App Runner through it)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the problem
        return exc.code if isinstance(exc.code, int) else Report.EXIT_CANNOT_SCAN
    try:
        regions = parse_regions(args.regions)
    except BadRegions as exc:
        err.write(f"audit: {exc}\n")
        return Report.EXIT_CANNOT_SCAN
    if args.workers < 1 or args.max_attempts < 1:
        err.write("audit: --workers and --max-attempts must be at least 1\n")
        return Report.EXIT_CANNOT_SCAN

    if args.estimate and not args.costs:
        err.write("audit: --estimate needs --costs (it is shown beside Cost Explorer's spend)\n")
        return Report.EXIT_CANNOT_SCAN
    try:
        estimates = load_estimates(args.estimate)
    except BadEstimate as exc:
        err.write(f"audit: {exc}\n")
        return Report.EXIT_CANNOT_SCAN

    if args.json is not None:
        try:
            report_json.prepare(args.json)
        except OSError as exc:
            err.write(f"audit: --json {args.json}: cannot write: {exc.strerror or exc} (checked before scanning)\n")
            return Report.EXIT_CANNOT_SCAN

    options = ScanOptions(
        regions=regions,
        expected_account=None if args.account == "any" else args.account,
        workers=args.workers,
        cost_day=datetime.now(UTC).date() if args.costs else None,
        cost_estimates=estimates,
    )
    factory = clients or SessionClients(max_attempts=args.max_attempts)
    try:
        report = scan(factory, options, progress=report_console.progress_printer(err))
    except KeyboardInterrupt:
        err.write("\naudit: interrupted\n")
        return 130

    if report.error is not None:
        err.write(report_console.render(report))
    else:
        out.write(report_console.render(report))
    if args.json is not None:
        try:
            report_json.write(report, args.json)
        except OSError as exc:
            err.write(f"audit: --json {args.json}: cannot write: {exc.strerror or exc}\n")
            return Report.EXIT_CANNOT_SCAN
    return report.exit_code
