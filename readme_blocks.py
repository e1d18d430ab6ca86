"""README blocks generated from code (the policy catalogue, the posture table): one way to
replace a marked block and one command shape, `python -m <module> [--write README.md]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def replace_block(text: str, start: str, end: str, block: str) -> str:
    """`text` with what lies between the `start` and `end` markers replaced by `block`."""
    begin, finish = text.find(start), text.find(end)
    if begin < 0 or finish < begin:
        raise ValueError(f"no {start} … {end} block to replace")
    return f"{text[:begin + len(start)]}\n{block}\n{text[finish:]}"


def block_command(argv: Sequence[str] | None, *, prog: str, description: str, markers: tuple[str, str],
                  render: Callable[[], str], written: str) -> int:
    """Print the block, or write it into `--write FILE` between `markers` (exit 2 if it cannot)."""
    start, end = markers
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--write", metavar="FILE", type=Path,
                        help=f"replace the block between {start} and {end} in FILE")
    options = parser.parse_args(argv)
    block = render()
    if options.write is None:
        print(block)
        return 0
    try:
        options.write.write_text(replace_block(options.write.read_text(), start, end, block))
    except (OSError, ValueError) as error:
        print(f"{options.write}: {error}", file=sys.stderr)
        return 2
    print(f"{options.write}: {written}")
    return 0
