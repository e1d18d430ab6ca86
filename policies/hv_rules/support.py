"""What rules share: the contract's constants, rule kinds, and reading resource properties.

The pack runs in its own virtualenv under the Pulumi CLI, so it cannot import the program's
`components`; `tests/policies/test_catalog.py` checks that the constants here match the program's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

CONTRACT_ACCOUNT_ID = "891377221201"
CONTRACT_REGION = "us-east-2"
PILLARS = ("aws", "hub-v2", "clawbot", "airtable")
REQUIRED_TAGS = ("pillar", "service", "environment")

# Rule kinds, carried in each policy's tags. Contract rules are mandatory, cannot be downgraded
# by config and accept no exceptions; security rules accept justified, expiring exceptions.
CONTRACT = "contract"
SECURITY = "security"
ADVISORY = "advisory"


def anchor(reference: str) -> str:
    """A policy tag citing the rule of an anchor (cdk-nag, checkov, pulumi compliance-policies)."""
    return f"anchor:{reference}"


def package_and_module(type_token: str) -> tuple[str, str]:
    """`aws:ec2/vpc:Vpc` → (`aws`, `ec2`); `pulumi:providers:aws` → (`pulumi`, `providers`)."""
    package, _, rest = type_token.partition(":")
    module = rest.split(":", 1)[0].split("/", 1)[0]
    return package, module


def decoded(value: Any) -> Any:
    """Provider inputs carry lists and maps as JSON strings; state carries them decoded."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def provider_default_tags(provider_props: Mapping[str, Any] | None) -> dict[str, str]:
    if not provider_props:
        return {}
    default_tags = decoded(provider_props.get("defaultTags")) or {}
    if isinstance(default_tags, list):  # state form: a list with one block
        default_tags = default_tags[0] if default_tags else {}
    tags = default_tags.get("tags") if isinstance(default_tags, Mapping) else None
    return dict(tags or {})


def short_name(type_token: str, name: str) -> str:
    """How messages name a resource: `aws:ec2/vpc:Vpc network-vpc`."""
    return f"{type_token} {name!r}"
