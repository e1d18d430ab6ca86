"""IAM as the rules read it: policy documents normalised into statements, attached managed policies.

Policy documents arrive as JSON strings (pulumi-aws takes `policy` as a string); `Action`,
`Resource` and `Principal` may each be a string or a list. Rules never look at raw JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .resources import as_list

# Identity-based policies: where each resource type carries its document(s).
IDENTITY_POLICIES = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"

# Where each resource type names the managed policies it attaches.
POLICY_ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
    ROLE: "managedPolicyArns",
}
_AWS_MANAGED_POLICY = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.+/)?([^/]+)$")
_SERVICE_WIDE_ACTION = re.compile(r"^[a-z0-9-]+:\*$", re.IGNORECASE)


class InvalidDocument(ValueError):
    """A policy document that is not JSON, or has no statements."""


@dataclass(frozen=True)
class Statement:
    label: str  # how messages name it: "statement 'AllowLogs'" or "statement 2"
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principal: Any = None
    not_principal: Any = None
    condition: Mapping[str, Any] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def on_every_resource(self) -> bool:
        return "*" in self.resources

    def wildcard_actions(self) -> list[str]:
        """`*` and service-wide actions (`s3:*`)."""
        return [action for action in self.actions if action == "*" or _SERVICE_WIDE_ACTION.match(action)]

    def grants_anyone(self) -> bool:
        """Principal `*` or `{"AWS": "*"}` — or NotPrincipal, which grants everyone but a few."""
        if self.not_principal:
            return True
        principal = self.principal
        if principal == "*":
            return True
        return isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))

    def condition_value(self, operator: str, key: str) -> list[Any]:
        """Values of one condition (keys compare case-insensitively, as IAM does)."""
        for op, block in self.condition.items():
            if op.lower() == operator.lower() and isinstance(block, Mapping):
                for name, value in block.items():
                    if name.lower() == key.lower():
                        return as_list(value)
        return []


@dataclass(frozen=True)
class Document:
    where: str  # the property holding it: "policy", "inlinePolicies['bedrock']"
    statements: tuple[Statement, ...]


def parse_document(where: str, value: Any) -> Document:
    document = value
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except json.JSONDecodeError as error:
            raise InvalidDocument(f"{where} is not valid JSON ({error.msg})") from None
    if not isinstance(document, Mapping):
        raise InvalidDocument(f"{where} is not a policy document")
    raw = document.get("Statement")
    raw_statements = [raw] if isinstance(raw, Mapping) else raw
    if isinstance(raw_statements, str) or not isinstance(raw_statements, Sequence) or \
            not all(isinstance(s, Mapping) for s in raw_statements):
        raise InvalidDocument(f"{where} has no Statement list")
    return Document(where, tuple(_statement(index, s) for index, s in enumerate(raw_statements)))


def _statement(index: int, raw: Mapping[str, Any]) -> Statement:
    sid = raw.get("Sid")
    return Statement(
        label=f"statement {sid!r}" if sid else f"statement {index}",
        effect=str(raw.get("Effect", "")),
        actions=tuple(str(a) for a in as_list(raw.get("Action"))),
        not_actions=tuple(str(a) for a in as_list(raw.get("NotAction"))),
        resources=tuple(str(r) for r in as_list(raw.get("Resource"))),
        not_resources=tuple(str(r) for r in as_list(raw.get("NotResource"))),
        principal=raw.get("Principal"),
        not_principal=raw.get("NotPrincipal"),
        condition=raw.get("Condition") or {},
    )


def identity_documents(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The identity-based policy documents a resource carries, unparsed, with where they are."""
    if resource_type in IDENTITY_POLICIES:
        key = IDENTITY_POLICIES[resource_type]
        return [(key, props.get(key))] if props.get(key) is not None else []
    if resource_type == ROLE:
        inline = as_list(props.get("inlinePolicies"))
        return [(f"inlinePolicies[{entry.get('name') or index!r}]", entry.get("policy"))
                for index, entry in enumerate(inline)
                if isinstance(entry, Mapping) and entry.get("policy")]
    return []


def read_identity_documents(resource_type: str, props: Mapping[str, Any]) -> tuple[list[Document], list[str]]:
    """The parsed identity documents, and what could not be parsed (to report, never to skip)."""
    documents, problems = [], []
    for where, value in identity_documents(resource_type, props):
        try:
            documents.append(parse_document(where, value))
        except InvalidDocument as error:
            problems.append(str(error))
    return documents, problems


def attached_policy_arns(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    key = POLICY_ATTACHMENTS.get(resource_type)
    return [str(arn) for arn in as_list(props.get(key))] if key else []


def aws_managed_policy_name(arn: str) -> str | None:
    """`arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` → `ViewOnlyAccess`; None if customer-managed."""
    match = _AWS_MANAGED_POLICY.match(arn)
    return match.group(1) if match else None
