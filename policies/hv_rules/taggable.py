"""Which pulumi-aws resource types accept `tags`, read from the installed provider SDK's source.

Importing pulumi-aws modules to introspect them costs ~10 ms each on first use; scanning the
generated sources once costs ~0.2 s at pack start, while the program is still being previewed.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_TOKEN = re.compile(r"super\(\w+, __self__\)\.__init__\(\s*'(aws:[^']+)'")
_TAGS_PARAMETER = re.compile(r"\n\s+tags: ")


@functools.cache
def taggable_types() -> frozenset[str]:
    import pulumi_aws

    taggable = set()
    for source in Path(pulumi_aws.__file__).parent.glob("*/*.py"):
        text = source.read_text()
        match = _TOKEN.search(text)
        start = text.find("def _internal_init(")
        if match is None or start < 0:
            continue
        if _TAGS_PARAMETER.search(text, start, text.find("):", start)):
            taggable.add(match.group(1))
    return frozenset(taggable)
