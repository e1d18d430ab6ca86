"""The `hv-foundation:scheduler` section: EventBridge schedules feeding one consumer's queue."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config_reader import REQUIRED, Section, show

SCHEDULE_NAME = r"[a-z][a-z0-9-]{1,40}"


@dataclass(frozen=True)
class ScheduleConfig:
    name: str
    expression: str
    timezone: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class SchedulerConfig:
    enabled: bool
    consumer: str
    schedules: tuple[ScheduleConfig, ...]


# EventBridge Scheduler: cron(minutes hours day-of-month month day-of-week year), rate(n unit), at(…).
_CRON_FIELDS = (r"[0-9*,/-]+", r"[0-9*,/-]+", r"[0-9*,/?LW-]+", r"[0-9A-Za-z*,/-]+", r"[1-7A-Za-z*,/?L#-]+",
                r"[0-9*,/-]+")
_RATE = r"rate\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\)"
_AT = r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)"


def schedule_expression_problem(expression: str) -> str | None:
    """Why `expression` is not a valid EventBridge Scheduler expression, or None."""
    if re.fullmatch(_RATE, expression) or re.fullmatch(_AT, expression):
        return None
    match = re.fullmatch(r"cron\((.*)\)", expression)
    if not match:
        return "is not cron(…), rate(…) or at(…)"
    fields = match.group(1).split()
    if len(fields) != len(_CRON_FIELDS):
        return f"has {len(fields)} cron fields (allowed: 6 — minutes hours day-of-month month day-of-week year)"
    for value, pattern, name in zip(fields, _CRON_FIELDS, ("minutes", "hours", "day-of-month", "month",
                                                           "day-of-week", "year"), strict=True):
        if not re.fullmatch(pattern, value):
            return f"has an invalid {name} field {value!r}"
    if (fields[2] == "?") == (fields[4] == "?"):
        return "must set exactly one of day-of-month and day-of-week to ?"
    return None


def parse_scheduler(section: Section, *, services: tuple[str, ...]) -> SchedulerConfig:
    enabled = section.boolean("enabled", False)
    consumer = section.string("consumer", "hub-v2-api")
    if enabled and consumer not in services:
        section.problem("consumer", f"{show(consumer)} is not a service of this stack")
    schedules = []
    for name, block in sorted(section.sections("schedules").items()):
        if not re.fullmatch(SCHEDULE_NAME, name):
            block.problems.add(block.path, "is not a schedule name (lowercase letters, digits, -)")
        expression = block.string("expression", REQUIRED)
        problem = schedule_expression_problem(expression) if isinstance(expression, str) else None
        if problem:
            block.problem("expression", f"{show(expression)} {problem}")
        schedules.append(ScheduleConfig(name=name, expression=expression, timezone=block.string("timezone", "UTC"),
                                        payload=block.mapping("payload")))
        block.finish()
    section.finish()
    return SchedulerConfig(enabled=enabled, consumer=consumer, schedules=tuple(schedules))
