"""Contract constants, tags and names shared by every pillar."""

from __future__ import annotations

PROJECT = "hv-foundation"
CONTRACT_ACCOUNT_ID = "891377221201"
CONTRACT_REGION = "us-east-2"
# Cost is attributed per pillar: every taggable resource carries one of these.
PILLARS = ("aws", "hub-v2", "clawbot", "airtable")
REQUIRED_TAGS = ("pillar", "service", "environment")


def default_tags(environment: str) -> dict[str, str]:
    """Tags the provider puts on every resource it creates."""
    return {"environment": environment, "managed-by": "pulumi", "project": PROJECT}


def secret_name(name_prefix: str, *parts: str) -> str:
    """Secrets Manager names: `hv/<env>/<owner>/<name>` for the stack whose prefix is `hv-<env>`."""
    return "/".join(("hv", name_prefix.removeprefix("hv-"), *parts))


def resource_tags(pillar: str, service: str, **extra: str) -> dict[str, str]:
    """Tags a resource adds on top of the provider's default tags."""
    if pillar not in PILLARS:
        raise ValueError(f"unknown pillar {pillar!r} (allowed: {', '.join(PILLARS)})")
    return {"pillar": pillar, "service": service, **extra}
