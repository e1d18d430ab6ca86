"""The `hv-foundation:operations` section: who is paged, which private buckets exist."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config_reader import Section, show

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
BUCKET_PURPOSE = r"[a-z][a-z0-9-]{1,20}"
DEFAULT_BUCKETS = ("docs", "reports", "assets")


@dataclass(frozen=True)
class OperationsConfig:
    alarm_emails: tuple[str, ...]
    buckets: tuple[str, ...]


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
