"""Region names: parsing `--regions`, the `aws` partition list, and where a service exists.

Region and service availability come from botocore's bundled endpoint data, which ships with
the pinned boto3; `ec2:DescribeRegions` (in the engine) is preferred for "all" because it
knows which opt-in regions this account has enabled.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from typing import Final

import botocore.session

from audit.clients import new_botocore_session

PARTITION: Final = "aws"
ALL: Final = "all"
_REGION_RE: Final = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


class BadRegions(ValueError):
    """`--regions` could not be parsed; the message names the bad value and what is allowed."""


@functools.cache
def _session() -> botocore.session.Session:
    return new_botocore_session()


@functools.cache
def partition_regions(partition: str = PARTITION) -> tuple[str, ...]:
    """Every region botocore knows in `partition` (including opt-in ones), sorted."""
    return tuple(sorted(_session().get_available_regions("ec2", partition_name=partition)))


@functools.cache
def partition_of(region: str) -> str | None:
    """The partition botocore places `region` in, or None if it does not know the region."""
    partitions: list[str] = _session().get_available_partitions()
    for partition in partitions:
        if region in partition_regions(partition):
            return partition
    return None


@functools.cache
def _offered(service: str, partition: str) -> frozenset[str]:
    return frozenset(_session().get_available_regions(service, partition_name=partition))


def service_offered(service: str, region: str, partition: str = PARTITION) -> bool | None:
    """Whether botocore's data lists `service` in `region`; None if botocore does not know the
    region at all (newer than this botocore), in which case the caller should just try."""
    if region not in partition_regions(partition):
        return None
    return region in _offered(service, partition)


def parse_regions(value: str | None) -> tuple[str, ...] | None:
    """`--regions` → a de-duplicated tuple, or None for "all" (resolved by the engine).

    A name botocore's partition data does not know is refused here, before any call: botocore
    would otherwise build an endpoint for it that does not exist.
    """
    if value is None or value.strip().lower() == ALL:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise BadRegions("--regions: empty list (give e.g. us-east-2,us-east-1 or 'all')")
    bad = [name for name in names if not _REGION_RE.match(name)]
    if bad:
        raise BadRegions(
            f"--regions: {', '.join(repr(b) for b in bad)} is not a region name "
            "(expected e.g. us-east-2,eu-west-1 or 'all')"
        )
    unknown = [name for name in names if partition_of(name) is None]
    if unknown:
        known = partition_regions(PARTITION)
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]}?)" if close else ""))
        raise BadRegions(
            f"--regions: {', '.join(hints)} is not a region botocore knows; "
            f"{PARTITION} regions are: {', '.join(known)} (or 'all')"
        )
    return tuple(dict.fromkeys(names))


def same_partition(regions: Iterable[str], home_region: str) -> tuple[str, ...]:
    """Keep the regions in the home region's partition (credentials do not cross partitions)."""
    home = partition_of(home_region) or PARTITION
    return tuple(r for r in regions if (partition_of(r) or home) == home)
