"""The `operations`, `delivery`, `ci` and `scheduler` sections of the stack config."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config_reader import REQUIRED, Section, show

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
REPOSITORY = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}"
BRANCH = r"[A-Za-z0-9._/-]{1,200}"
BUCKET_PURPOSE = r"[a-z][a-z0-9-]{1,20}"
SCHEDULE_NAME = r"[a-z][a-z0-9-]{1,40}"
DEFAULT_BUCKETS = ("docs", "reports", "assets")
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
# Each stack its own key for the Pulumi secrets provider: one stack's CI cannot decrypt another's.
SECRETS_KEY_ALIAS = "alias/hv-pulumi-secrets-{environment}"


@dataclass(frozen=True)
class OperationsConfig:
    alarm_emails: tuple[str, ...]
    buckets: tuple[str, ...]


@dataclass(frozen=True)
class SourceConfig:
    repository: str
    branch: str


@dataclass(frozen=True)
class DeliveryConfig:
    # Per service: the application repository its pipeline builds.
    sources: Mapping[str, SourceConfig]


@dataclass(frozen=True)
class CiConfig:
    # Where GitHub Actions deploys this infrastructure from (the deploy role trusts it).
    infrastructure_repository: str
    # Branch allowed to deploy dev; prod deploys only from the GitHub environment of that name.
    deploy_branch: str
    deploy_environment: str
    # The OIDC provider is account-wide: exactly one stack creates it, the others look it up.
    create_oidc_provider: bool
    state_bucket: str
    # This stack's own key for the Pulumi secrets provider (awskms://<alias>).
    secrets_key_alias: str


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


def parse_operations(section: Section) -> OperationsConfig:
    emails = section.string_list("alarmEmails")
    for email in emails:
        if not re.fullmatch(EMAIL, email):
            section.problem("alarmEmails", f"{show(email)} is not an email address")
    buckets = section.string_list("buckets", DEFAULT_BUCKETS)
    for bucket in buckets:
        if not re.fullmatch(BUCKET_PURPOSE, bucket):
            section.problem("buckets", f"{show(bucket)} is not a bucket purpose (lowercase letters, digits, -)")
    section.finish()
    return OperationsConfig(alarm_emails=emails, buckets=buckets)


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


def parse_ci(section: Section, *, environment: str, create_oidc_default: bool) -> CiConfig:
    ci = CiConfig(
        infrastructure_repository=section.string("infrastructureRepository", REQUIRED, pattern=REPOSITORY,
                                                 allowed_text="owner/name"),
        deploy_branch=section.string("deployBranch", "main", pattern=BRANCH, allowed_text="a branch name"),
        deploy_environment=section.string("deployEnvironment", environment, pattern=r"[A-Za-z0-9_-]{1,255}",
                                          allowed_text="a GitHub environment name"),
        create_oidc_provider=section.boolean("createOidcProvider", create_oidc_default),
        state_bucket=section.string("stateBucket", "hv-pulumi-state-891377221201",
                                    pattern=r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", allowed_text="an S3 bucket name"),
        secrets_key_alias=section.string("secretsKeyAlias", SECRETS_KEY_ALIAS.format(environment=environment),
                                         pattern=r"alias/[A-Za-z0-9/_-]{1,250}", allowed_text="alias/<name>"),
    )
    section.finish()
    return ci


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
