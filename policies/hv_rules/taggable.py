"""Which pulumi-aws resource types accept `tags`, read from the installed provider SDK's source.

Read per type, when the pack first meets it: the module a type's class lives in follows from its
token (`aws:ec2/securityGroup:SecurityGroup` → `ec2/security_group.py`) for all but a few types,
which are found by scanning the SDK once. Importing the SDK to introspect it instead would cost
every pack its classes' memory and build time.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

RESOURCE_TOKEN = re.compile(r"super\(\w+, __self__\)\.__init__\(\s*'(aws:[^']+)'")
_TAGS_PARAMETER = re.compile(r"\n\s+tags: ")
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


@functools.cache
def sdk_directory() -> Path:
    """pulumi_aws's directory, found without importing it."""
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("pulumi_aws is not installed where the pack runs")
    return Path(spec.origin).parent


@functools.cache
def is_taggable(resource_type: str) -> bool:
    provider, _, module = resource_type.partition(":")
    if provider != "aws":
        return False
    directory, _, name = module.partition(":")[0].rpartition("/")
    guess = sdk_directory() / directory / f"{_WORD_START.sub('_', name).lower()}.py"
    if guess.is_file():
        text = guess.read_text()
        match = RESOURCE_TOKEN.search(text)
        if match is not None and match.group(1) == resource_type:
            return _declares_tags(text)
    return resource_type in scanned_taggable_types()


@functools.cache
def scanned_taggable_types() -> frozenset[str]:
    """Every taggable type, from every module of the SDK (~0.2 s)."""
    taggable = set()
    for source in sdk_directory().glob("*/*.py"):
        text = source.read_text()
        match = RESOURCE_TOKEN.search(text)
        if match is not None and _declares_tags(text):
            taggable.add(match.group(1))
    return frozenset(taggable)


def _declares_tags(text: str) -> bool:
    """Whether a resource module's `_internal_init` takes `tags`."""
    start = text.find("def _internal_init(")
    return start >= 0 and _TAGS_PARAMETER.search(text, start, text.find("):", start)) is not None
