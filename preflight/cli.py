"""`python -m preflight`: the offline preview and policy gate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import cost, diagram, report_console, report_json, review, stack_references
from .deadline import DEFAULT_TIMEOUT
from .model import EXIT_FAILED, PreflightError
from .runner import preflight


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m preflight",
        description="Run a Pulumi Python program offline under mocks, gate it with policy packs, "
                    "and report inventory, violations and a verdict. Exit 0 passed, 1 mandatory "
                    "violations, 2 the program, its config or a pack failed.")
    parser.add_argument("--cwd", default=".", help="the Pulumi project directory (default: .)")
    parser.add_argument("--stack", default="dev", help="the stack to run (default: dev)")
    parser.add_argument("--policy-pack", action="append", default=[], metavar="DIR",
                        help="a policy pack directory; may be repeated (default: this repo's policies/)")
    parser.add_argument("--policy-pack-config", action="append", default=[], metavar="FILE",
                        help="a policy config file, one per --policy-pack, in the same order")
    parser.add_argument("--json", metavar="FILE", help="write the JSON report here")
    parser.add_argument("--diagram", metavar="FILE", help="write a Mermaid diagram here")
    parser.add_argument("--cost", action="store_true",
                        help="add the monthly cost estimate (console, and a `cost` section in --json)")
    parser.add_argument("--usage", metavar="FILE",
                        help="usage for usage-priced resources (default: preflight/prices/usage.default.json)")
    parser.add_argument("--base", metavar="BASE.json",
                        help="a JSON report of the same stack from the base branch, for --markdown")
    parser.add_argument("--markdown", metavar="FILE",
                        help="write the change review against --base here (Markdown, for a PR comment)")
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
    return args


def _stack_tag(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE (a tag name, `=`, its value)")
    return key, value


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
    report = preflight(args.cwd, args.stack, args.policy_pack, args.policy_pack_config,
                       cli_compatible=args.cli_compatible, stack_tags=dict(args.stack_tag),
                       preview=args.preview, timeout=args.timeout, references=args.stack_reference,
                       allow_opaque_components=args.allow_opaque_components)
    print(report_console.render(report))
    estimate = None
    if (args.cost or args.usage) and report.inventory is not None and report.error is None:
        try:
            estimate = cost.estimate(report.inventory, usage=cost.load_usage(args.usage and Path(args.usage)))
        except PreflightError as error:
            print(f"FAILED: {error}", file=sys.stderr)
            return EXIT_FAILED
        print("\n" + "\n".join(cost.render(estimate)))
    try:
        if args.json:
            report_json.write(report, args.json, cost=estimate.to_json() if estimate else None)
        if args.diagram and report.inventory is not None:
            diagram.write(report.inventory, args.diagram)
        if args.markdown:
            review.write(report, review.load_base(args.base), args.markdown)
    except OSError as error:
        print(f"FAILED: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    except PreflightError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_FAILED
    except (TypeError, ValueError) as error:  # a value the report cannot hold: still a failed run
        print(f"FAILED: cannot write the reports: {error}", file=sys.stderr)
        return EXIT_FAILED
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
