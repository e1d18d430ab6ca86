"""Security (identity): every IAM policy document is checked with parliament (Duo Labs' IAM linter).

What parliament checks, on every document: JSON and element shape, known actions and service
prefixes, condition operators and their value types, condition keys known for the action, ARN
shapes, principals. Its findings are taken as they are, except where its model does not fit the
document, each corrected here on purpose and nowhere else:

- Trust policies have no `Resource` (the role is the resource): they are linted with the role as
  `Resource: "*"`, so parliament's "neither Resource nor NotResource" is not reported for them.
- Parliament knows SAML providers but not IAM OIDC providers as `Federated` principals: an
  `oidc-provider/<host>` ARN of this account is accepted, and so are the `<host>:…` condition
  keys (`aud`, `sub`) that provider defines; any other unknown source or key is reported.
- Parliament checks condition keys against the action's own keys only; AWS also accepts the keys
  of the resource types the action applies to (e.g. `kms:ResourceAliases` on a key): those are
  accepted from parliament's own service data.
- RESOURCE_MISMATCH: parliament wants each of an action's required resource types to be matched,
  but AWS needs only one (Bedrock's InvokeModel takes a model *or* a profile), and a `svc:*` entry
  on a service's ARNs is meant to cover only the actions that apply to them. So a written action
  is reported when none of what it expands to can apply to any of the statement's resources: an
  entry that grants nothing.
- Not checked: Resource `*` (hv-iam-forbid-wildcard-permissions judges it, knowing which actions
  take no resource) and "mismatched type but usable" (StringEquals on an ARN key, which AWS's own
  examples use and which works).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import parliament
import parliament.statement
from parliament.statement import get_arn_format
from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .iam import ROLE, identity_documents
from .resources import as_list
from .support import CONTRACT_ACCOUNT_ID, resource_rule, short_name

# Resource-based policies: where each resource type carries its document.
RESOURCE_POLICIES = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
}
NOT_CHECKED = {"RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR", "MISMATCHED_TYPE_BUT_USABLE", "RESOURCE_MISMATCH"}
_OIDC_PROVIDER = re.compile(rf"^arn:aws:iam::{CONTRACT_ACCOUNT_ID}:oidc-provider/.+$")
_UNKNOWN_CONDITION = re.compile(r"^Unknown condition (?P<key>\S+) for action (?P<action>\S+)$")
# Parliament logs every unknown action as an error on the root logger; its findings say it all.
logging.getLogger("parliament").setLevel(logging.CRITICAL)


@functools.cache
def _privileges_of(prefix: str) -> dict[str, tuple[Any, Any]]:
    """A service's actions → (service, privilege), the first of each as parliament's scan meets
    them. Built per service on its first lookup: building it for all would touch every object of
    parliament's definitions, copying their pages into each pack forked from a parent holding them."""
    index: dict[str, tuple[Any, Any]] = {}
    for service in parliament.iam_definition:
        if service["prefix"] == prefix:
            for privilege in service["privileges"]:
                index.setdefault(privilege["privilege"], (service, privilege))
    return index


def get_privilege_info(service: str, action: str) -> Any:
    """parliament's `get_privilege_info`, answered from an index: it scans every service's
    privileges per lookup (~3,900 lookups a stack, the pack's largest single cost). Same object,
    same keys added to it, same exception for an unknown action."""
    found = _privileges_of(service).get(action)
    if found is None:
        raise parliament.UnknownActionException(f"Unknown action {service}:{action}")
    service_info, privilege_info = found
    privilege_info["service_resources"] = service_info["resources"]
    privilege_info["service_conditions"] = service_info["conditions"]
    return privilege_info


parliament.statement.get_privilege_info = get_privilege_info  # what its statement analysis calls


def documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(kind, where, document) for every policy document the resource carries."""
    for where, value in identity_documents(resource_type, props):
        yield "identity", where, value
    if resource_type == ROLE and props.get("assumeRolePolicy") is not None:
        yield "trust", "assumeRolePolicy", props["assumeRolePolicy"]
    key = RESOURCE_POLICIES.get(resource_type)
    if key is not None and props.get(key) is not None:
        yield "resource", key, props[key]


def lint(kind: str, value: Any) -> list[str]:
    """Parliament's findings on one document, as messages (corrected as the module says)."""
    try:
        document = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError as error:
        return [f"is not valid JSON ({error.msg})"]
    if not isinstance(document, Mapping):
        return ["is not a policy document"]
    if kind == "trust":
        statements = [dict(s, Resource="*") if isinstance(s, Mapping) and "Resource" not in s
                      and "NotResource" not in s else s for s in as_list(document.get("Statement"))]
        document = {**document, "Statement": statements}
    policy = parliament.analyze_policy_string(json.dumps(document))
    hosts = _oidc_hosts(document) if kind == "trust" else set()
    messages = [_message(finding) for finding in policy.findings
                if finding.issue not in NOT_CHECKED and not _corrected(finding, hosts)]
    if policy.is_valid:
        messages += [f"grants {action} in statement {label}, which applies to none of its resources "
                     f"{', '.join(resources)} (nothing is granted)"
                     for label, action, resources in _dead_entries(document)]
    return messages


def _message(finding: Any) -> str:
    detail = finding.detail if isinstance(finding.detail, str) else json.dumps(finding.detail)
    return f"{finding.issue} ({detail or finding.title})"


def _oidc_hosts(document: Mapping[str, Any]) -> set[str]:
    """The hosts of this account's OIDC providers the trust's statements federate with."""
    return {source.split("oidc-provider/", 1)[1].lower()
            for statement in as_list(document.get("Statement")) if isinstance(statement, Mapping)
            for source in as_list((statement.get("Principal") or {}).get("Federated")
                                  if isinstance(statement.get("Principal"), Mapping) else None)
            if _OIDC_PROVIDER.match(str(source))}


def _corrected(finding: Any, oidc_hosts: set[str]) -> bool:
    if finding.issue == "UNKNOWN_FEDERATION_SOURCE":
        return bool(_OIDC_PROVIDER.match(str(finding.detail)))
    if finding.issue == "UNKNOWN_CONDITION_FOR_ACTION":
        match = _UNKNOWN_CONDITION.match(str(finding.detail))
        if match is None:
            return False
        key = match["key"].lower()
        return key.split(":", 1)[0] in oidc_hosts or key in _resource_condition_keys(match["action"])
    return False


def _resource_condition_keys(action: str) -> set[str]:
    """Condition keys of the resource types `action` applies to (parliament's service data)."""
    service, _, name = action.partition(":")
    try:
        info = get_privilege_info(service, name)
    except Exception:  # noqa: BLE001 - parliament raises bare Exceptions for unknown actions
        return set()
    types = {entry["resource_type"].rstrip("*") for entry in info["resource_types"]}
    return {key.lower() for resource in info["service_resources"] if resource["resource"] in types
            for key in resource["condition_keys"]}


def _dead_entries(document: Mapping[str, Any]) -> Iterator[tuple[str, str, list[str]]]:
    for index, statement in enumerate(as_list(document.get("Statement"))):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow" or "Resource" not in statement:
            continue
        resources = [str(r) for r in as_list(statement["Resource"])]
        if "*" in resources:
            continue
        label = repr(statement.get("Sid") or index)
        for action in as_list(statement.get("Action")):
            try:
                expanded = parliament.expand_action(str(action))
            except Exception:  # noqa: BLE001 - unknown actions are parliament's own finding
                continue
            if not any(_applies(entry["service"], entry["action"], resources) for entry in expanded):
                yield label, str(action), resources


def _applies(service: str, action: str, resources: list[str]) -> bool:
    info = get_privilege_info(service, action)
    for entry in info["resource_types"]:
        resource_type = entry["resource_type"].rstrip("*")
        if not resource_type:
            continue  # the action also works without a resource: only "*" names that
        arn_format = get_arn_format(resource_type, info["service_resources"])
        if any(parliament.is_arn_strictly_valid(resource_type, arn_format, arn) for arn in resources):
            return True
    return False


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    for kind, where, value in documents(args.resource_type, args.props):
        for message in lint(kind, value):
            report_violation(f"{resource}: {where} ({kind} policy) {message}.")


policy = resource_rule(
    "hv-iam-lint-policy-documents",
    kind=SECURITY,
    description="Every IAM policy document (identity, trust, bucket, key, topic, queue) passes parliament's "
                "checks: known actions and condition keys, ARN shapes that fit the actions, valid principals.",
    severity=Severity.HIGH,
    remediation_steps="Fix the statement parliament names: a misspelt or nonexistent action, a condition key "
                      "the action does not support, a Resource ARN of the wrong type for the action.",
    validate=validate,
)
