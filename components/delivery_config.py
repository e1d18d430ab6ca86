"""The `hv-foundation:delivery` section: the application pipelines, one per service it names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config_reader import REQUIRED, Section

REPOSITORY = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}"
BRANCH = r"[A-Za-z0-9._/-]{1,200}"


@dataclass(frozen=True)
class SourceConfig:
    repository: str
    branch: str


@dataclass(frozen=True)
class DeliveryConfig:
    # Per service: the application repository its pipeline builds.
    sources: Mapping[str, SourceConfig]


def parse_delivery(section: Section, *, services: tuple[str, ...]) -> DeliveryConfig:
    sources: dict[str, SourceConfig] = {}
    for name, source in sorted(section.sections("services").items()):
        if name not in services:
            source.problems.add(source.path, f"is not a service of this stack (allowed: {', '.join(services)})")
        sources[name] = SourceConfig(
            repository=source.string("repository", REQUIRED, pattern=REPOSITORY, allowed_text="owner/name"),
            branch=source.string("branch", "main", pattern=BRANCH, allowed_text="a branch name"))
        source.finish()
    section.finish()
    return DeliveryConfig(sources=sources)
