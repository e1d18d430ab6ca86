"""`python -m preflight`: the offline preview and policy gate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import diagram, report_console, report_json
from .model import EXIT_FAILED
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
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = preflight(args.cwd, args.stack, args.policy_pack, args.policy_pack_config)
    print(report_console.render(report))
    try:
        if args.json:
            report_json.write(report, args.json)
        if args.diagram and report.inventory is not None:
            diagram.write(report.inventory, args.diagram)
    except OSError as error:
        print(f"FAILED: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    except (TypeError, ValueError) as error:  # a value the report cannot hold: still a failed run
        print(f"FAILED: cannot write the reports: {error}", file=sys.stderr)
        return EXIT_FAILED
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
