"""Reading resources the way the security rules need: merged tags, environment, linked resources.

Works on both shapes the analyzer hands out: `ResourceValidationArgs` (one resource's inputs) and
`PolicyResource` (a resource of the stack, with outputs, parent and property dependencies). Values
are read through the pack's unknown-checking proxy: an unknown value raises, never passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from .conventions import decoded

PROD = "prod"

S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
RDS_INSTANCES = ("aws:rds/instance:Instance",)
RDS_CLUSTERS = ("aws:rds/cluster:Cluster",)
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")


def provider_default_tags(provider_props: Mapping[str, Any] | None) -> dict[str, str]:
    if not provider_props:
        return {}
    default_tags = decoded(provider_props.get("defaultTags")) or {}
    if isinstance(default_tags, list):  # state form: a list with one block
        default_tags = default_tags[0] if default_tags else {}
    tags = default_tags.get("tags") if isinstance(default_tags, Mapping) else None
    return dict(tags or {})


def merged_tags(resource: Any) -> dict[str, str]:
    """The resource's tags over its provider's default tags, as AWS will see them."""
    provider_props = resource.provider.props if resource.provider is not None else None
    return {**provider_default_tags(provider_props), **(decoded(resource.props.get("tags")) or {})}


def environment(resource: Any) -> str | None:
    return merged_tags(resource).get("environment")


def only_in_prod(args: Any, what: str) -> None:
    """Mark a prod-only rule not applicable to a resource of another environment."""
    current = environment(args)
    if current != PROD:
        args.not_applicable(f"environment={current or '(none)'}: {what} is required in prod only")


def is_true(value: Any) -> bool:
    """Booleans arrive as bools from programs and sometimes as strings from state."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def as_list(value: Any) -> list[Any]:
    """A provider input that is a list, a JSON-encoded list, a single value or absent."""
    value = decoded(value)
    if value is None:
        return []
    # The analyzer hands lists over as read-only Sequence proxies, not lists.
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]


def identifiers(resource: Any) -> tuple[set[str], UnknownValueError | None]:
    """The values another resource may hold to point at this one — its id, name and ARN — and the
    error of the first that is unknown (a preview knows a bucket's name long before its ARN)."""
    values: set[str] = set()
    unknown = None
    for key in ("id", "bucket", "arn"):
        try:
            value = resource.props.get(key)
        except UnknownValueError as error:
            unknown = unknown or error
            continue
        if isinstance(value, str) and value:
            values.add(value)
            if key == "arn" and "/" in value:
                values.add(value.rsplit("/", 1)[-1])  # `arn:aws:ec2:…:vpc/vpc-123` → `vpc-123`
    return values, unknown


def linked(resources: Sequence[Any], target_types: Iterable[str], link_types: Iterable[str],
           key: str) -> dict[str, list[Any]]:
    """For each target (by URN), the resources of `link_types` whose `key` property points at it:
    by property dependency on the target's URN when the engine recorded one, else by value (the
    target's id, name or ARN). A link that matches no target while some target's identity is still
    unknown raises the unknown: it may point there, so no rule may conclude it does not."""
    target_types, link_types = tuple(target_types), tuple(link_types)
    targets = [resource for resource in resources if resource.resource_type in target_types]
    found: dict[str, list[Any]] = {target.urn: [] for target in targets}
    unresolved = []
    for link in (resource for resource in resources if resource.resource_type in link_types):
        dependencies = [dep.urn for dep in link.property_dependencies.get(key, []) if dep.urn in found]
        for urn in dependencies:
            found[urn].append(link)
        if not dependencies:
            unresolved.append(link)
    if unresolved:
        by_value: dict[str, str] = {}
        unknown = None
        for target in targets:
            values, target_unknown = identifiers(target)
            unknown = unknown or target_unknown
            by_value.update(dict.fromkeys(values, target.urn))
        for link in unresolved:
            value = link.props.get(key)
            urn = by_value.get(value) if isinstance(value, str) else None
            if urn is not None:
                found[urn].append(link)
            elif unknown is not None:
                raise unknown
    return found
