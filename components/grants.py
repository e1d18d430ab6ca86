"""Grants: what an engine or pillar offers a service that `uses` it.

A grant is everything access takes, in one value: the security group to open and on which port,
IAM statements scoped to named resources, plain environment (endpoints, table names), and
secrets injected by ARN. FargateService applies the grants its `uses:` list selects, so the
access matrix is exactly the config's — no more, no less.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

TRUST_VERSION = "2012-10-17"


@dataclass(frozen=True)
class Grant:
    name: str
    security_group_id: pulumi.Input[str] | None = None
    port: int | None = None
    statements: Sequence[Mapping[str, Any]] = ()
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def policy_document(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    """An IAM policy document; statements may hold Outputs (ARNs of resources being created)."""
    return pulumi.Output.json_dumps({"Version": TRUST_VERSION, "Statement": list(statements)})


def service_trust_policy(service: str, account_id: str, source_arn: str | None = None) -> str:
    """Trust for an AWS service principal, limited to this account (confused-deputy guard) and,
    where the service says which resource acts, to those resources."""
    condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    return json.dumps({"Version": TRUST_VERSION, "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole", "Condition": condition,
    }]})
