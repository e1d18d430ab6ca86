"""`python -m preflight`: the offline preview and policy gate."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from . import cost, diagram, outputs, report_console, report_json, review, stack_references, stacks
from .deadline import DEFAULT_TIMEOUT
from .model import EXIT_FAILED, PreflightError
from .project import load_program
from .runner import DEFAULT_POLICY_PACK, preflight
from .warmup import warm_up, warm_up_pack

STACK_PLACEHOLDER = "{stack}"
# Flags naming one stack's file: with several stacks each must hold STACK_PLACEHOLDER.
PER_STACK_FILES = {"json": "--json", "diagram": "--diagram", "markdown": "--markdown", "base": "--base"}
REPORT_FILES = ("json", "diagram", "markdown")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m preflight",
        description="Run a Pulumi Python program offline under mocks, gate it with policy packs, "
                    "and report inventory, violations and a verdict. Exit 0 passed, 1 mandatory "
                    "violations, 2 the program, its config or a pack failed.")
    parser.add_argument("--cwd", default=".", help="the Pulumi project directory (default: .)")
    parser.add_argument("--stack", dest="stacks", action="append", metavar="STACK",
                        help="a stack to run (default: dev); may be repeated: the stacks run side by "
                             "side (see --jobs), and per-stack paths then need {stack}, replaced by "
                             "each name")
    parser.add_argument("--jobs", type=_jobs, metavar="N",
                        help="with several stacks, run at most N at once (default: all; 1 runs them in "
                             "turn, for a machine short of memory: each stack's process and its packs "
                             "are alive only during its own run)")
    parser.add_argument("--policy-pack", action="append", default=[], metavar="DIR",
                        help="a policy pack directory; may be repeated (default: this repo's policies/)")
    parser.add_argument("--policy-pack-config", action="append", default=[], metavar="FILE",
                        help="a policy config file, one per --policy-pack, in the same order")
    parser.add_argument("--json", metavar="FILE", help="write the JSON report here ({stack}: the stack's name)")
    parser.add_argument("--diagram", metavar="FILE", help="write a Mermaid diagram here ({stack} as for --json)")
    parser.add_argument("--cost", action="store_true",
                        help="add the monthly cost estimate (console, and a `cost` section in --json)")
    parser.add_argument("--usage", metavar="FILE",
                        help="usage for usage-priced resources (default: preflight/prices/usage.default.json)")
    parser.add_argument("--base", metavar="BASE.json",
                        help="a JSON report of the same stack from the base branch, for --markdown "
                             "({stack} as for --json)")
    parser.add_argument("--markdown", metavar="FILE",
                        help="write the change review against --base here (Markdown, for a PR comment; "
                             "{stack} as for --json)")
    parser.add_argument("--stack-tag", action="append", default=[], metavar="KEY=VALUE", type=_stack_tag,
                        help="a stack tag the packs see (as `pulumi stack tag set`); may be repeated")
    parser.add_argument("--cli-compatible", action="store_true",
                        help="drop preflight's deliberate strictness (unknown values raised to the rule's "
                             "level, undeclared config properties, configs of unknown policies) to "
                             "compare with the CLI exactly")
    parser.add_argument("--preview", action="store_true",
                        help="run as `pulumi preview` on a first deployment: outputs of resources being "
                             "created are unknown, and the report lists what mandatory rules could not "
                             "judge (default: every output known, as after a deployment)")
    parser.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop a program still running after SECONDS (default: {DEFAULT_TIMEOUT:g}) "
                             "and name what it was waiting for")
    parser.add_argument("--stack-reference", action="append", default=[], metavar="NAME=FILE",
                        type=stack_references.parse_flag,
                        help="answer pulumi.StackReference(NAME) from FILE: a preflight JSON report of that "
                             "stack or a JSON object of its outputs; may be repeated")
    parser.add_argument("--allow-opaque-components", action="store_true",
                        help="report remote components (built by a component provider, not analysed "
                             "offline) as a warning instead of a mandatory finding")
    args = parser.parse_args(argv)
    if bool(args.base) != bool(args.markdown):
        parser.error("--base and --markdown go together (the review compares this run with the base report)")
    problem = _stacks_problem(args)
    if problem:
        parser.error(problem)
    return args


def _stacks_problem(args: argparse.Namespace) -> str | None:
    args.stacks = args.stacks or ["dev"]
    repeated = sorted({stack for stack in args.stacks if args.stacks.count(stack) > 1})
    if repeated:
        return f"--stack {repeated[0]} is given twice (name each stack once)"
    if len(args.stacks) > 1:
        for dest, flag in PER_STACK_FILES.items():
            value = getattr(args, dest)
            if value and STACK_PLACEHOLDER not in value:
                return (f"{flag} {value} names one file for {len(args.stacks)} stacks: put "
                        f"{STACK_PLACEHOLDER} in it, replaced by each stack's name "
                        f"(e.g. {flag} {_example(value)})")
    return None


def _example(path: str) -> str:
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}-{STACK_PLACEHOLDER}.{suffix}" if dot and "/" not in suffix else f"{path}-{STACK_PLACEHOLDER}"


def for_stack(args: argparse.Namespace, stack: str) -> argparse.Namespace:
    """The arguments of one stack's run: `stack` set, {stack} replaced in its paths."""
    values = {**vars(args), "stack": stack}
    for dest in PER_STACK_FILES:
        if values[dest]:
            values[dest] = values[dest].replace(STACK_PLACEHOLDER, stack)
    values["policy_pack_config"] = [path.replace(STACK_PLACEHOLDER, stack) for path in args.policy_pack_config]
    return argparse.Namespace(**values)


def report_paths(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(flag, path) of each report file one stack's run writes."""
    return [(PER_STACK_FILES[dest], Path(getattr(args, dest))) for dest in REPORT_FILES if getattr(args, dest)]


def _stack_tag(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE (a tag name, `=`, its value)")
    return key, value


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of stacks, 1 or more")
    return jobs


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive number of seconds")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    runs = [for_stack(args, stack) for stack in args.stacks]
    try:
        outputs.prepare([output for run in runs for output in report_paths(run)])
    except PreflightError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_FAILED
    if len(runs) == 1:
        return run_stack(runs[0])
    with contextlib.suppress(PreflightError):  # a program that cannot be loaded: each stack says so
        warm_up(load_program(args.cwd, args.stacks[0]))
    for pack in args.policy_pack or [DEFAULT_POLICY_PACK]:
        warm_up_pack(Path(pack))
    return stacks.run_side_by_side(runs, run_stack, jobs=args.jobs or len(runs))


def run_stack(args: argparse.Namespace) -> int:
    """One stack's run, from its arguments (see `for_stack`): preview and gate, the console
    report, then the report files, written together once the verdict is known (see outputs)."""
    try:
        code, reports = _judge(args)
    except PreflightError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        code, reports = EXIT_FAILED, {}
    try:
        outputs.replace([path for _, path in report_paths(args)], reports)
    except OSError as error:
        print(f"FAILED: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    return code


def _judge(args: argparse.Namespace) -> tuple[int, dict[Path, str]]:
    """The run's exit code and its reports (path → text); PreflightError if it cannot give them."""
    # Inputs first: a bad usage or base file is found before the preview.
    usage = cost.load_usage(args.usage and Path(args.usage)) if args.cost or args.usage else None
    base = review.load_base(args.base) if args.base else None
    report = preflight(args.cwd, args.stack, args.policy_pack, args.policy_pack_config,
                       cli_compatible=args.cli_compatible, stack_tags=dict(args.stack_tag),
                       preview=args.preview, timeout=args.timeout, references=args.stack_reference,
                       allow_opaque_components=args.allow_opaque_components)
    print(report_console.render(report))
    estimate = None
    if usage is not None and report.inventory is not None and report.error is None:
        estimate = cost.estimate(report.inventory, usage=usage)
        print("\n" + "\n".join(cost.render(estimate)))
    reports: dict[Path, str] = {}
    try:
        if args.json:
            reports[Path(args.json)] = report_json.render(report, cost=estimate.to_json() if estimate else None)
        if args.diagram and report.inventory is not None:
            reports[Path(args.diagram)] = diagram.render(report.inventory)
        if args.markdown and base is not None:
            reports[Path(args.markdown)] = review.render(report, base)
    except (TypeError, ValueError) as error:  # a value the report cannot hold: still a failed run
        raise PreflightError(f"cannot write the reports: {error}") from None
    return report.exit_code, reports


if __name__ == "__main__":
    sys.exit(main())
