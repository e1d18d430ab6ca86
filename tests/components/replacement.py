"""Replacement safety: what a config change would replace, judged from two preflight inventories.

The provider decides what replaces: an input it marks ForceNew (Terraform's `ForceNew` /
`RequiresReplace`, taken from terraform-provider-aws's schemas for the types this program makes)
cannot change in place. A replacement is created first unless `deleteBeforeReplace` is set. Two
things then fail on AWS:

- a collision: a resource created while an old one with the same physical name (or other unique
  key, e.g. a listener rule's priority) still exists;
- deleting a resource still in use: delete-first replacement of something a kept resource (one
  that is only updated) still references, directly or through other replaced resources;
- a final snapshot name reused: the replaced engine's deletion leaves a snapshot under the name
  its new incarnation would take on its own deletion, which then fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from preflight.model import Inventory, ResourceRecord

# Inputs that force replacement, per type (terraform-provider-aws schemas).
FORCE_NEW: Mapping[str, frozenset[str]] = {
    "aws:acm/certificate:Certificate": frozenset(
        {"domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm"}),
    "aws:acm/certificateValidation:CertificateValidation": frozenset(
        {"certificateArn", "validationRecordFqdns"}),
    "aws:lb/targetGroup:TargetGroup": frozenset(
        {"name", "namePrefix", "port", "protocol", "vpcId", "targetType"}),
    "aws:ec2/securityGroup:SecurityGroup": frozenset({"name", "namePrefix", "description", "vpcId"}),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": frozenset({"securityGroupId"}),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": frozenset({"securityGroupId"}),
    "aws:lb/listenerRule:ListenerRule": frozenset({"listenerArn"}),
    "aws:cognito/userPoolDomain:UserPoolDomain": frozenset({"domain", "userPoolId", "certificateArn"}),
    "aws:ecs/service:Service": frozenset({"name", "cluster"}),
    "aws:iam/role:Role": frozenset({"name", "namePrefix"}),
    "aws:secretsmanager/secret:Secret": frozenset({"name", "namePrefix"}),
    "aws:cloudwatch/logGroup:LogGroup": frozenset({"name", "namePrefix"}),
    "aws:ecr/repository:Repository": frozenset({"name"}),
    "aws:route53/record:Record": frozenset({"zoneId", "name"}),
    "aws:rds/instance:Instance": frozenset({"identifier", "dbName", "username", "kmsKeyId",
                                            "storageEncrypted"}),
    "aws:rds/parameterGroup:ParameterGroup": frozenset({"name", "namePrefix", "family", "description"}),
    "aws:elasticache/replicationGroup:ReplicationGroup": frozenset(
        {"replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "port", "subnetGroupName",
         "snapshotArns", "snapshotName", "dataTieringEnabled", "networkType", "securityGroupNames"}),
    "aws:elasticache/parameterGroup:ParameterGroup": frozenset({"name", "family", "description"}),
    "random:index/randomId:RandomId": frozenset({"byteLength", "keepers", "prefix"}),
}

# Input tuples AWS keeps unique among live resources of a type.
UNIQUE: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "aws:lb/targetGroup:TargetGroup": (("name",),),
    "aws:ec2/securityGroup:SecurityGroup": (("vpcId", "name"),),
    "aws:lb/listenerRule:ListenerRule": (("listenerArn", "priority"),),
    "aws:cognito/userPoolDomain:UserPoolDomain": (("domain",), ("userPoolId",)),
    "aws:ecs/service:Service": (("cluster", "name"),),
    "aws:iam/role:Role": (("name",),),
    "aws:secretsmanager/secret:Secret": (("name",),),
    "aws:cloudwatch/logGroup:LogGroup": (("name",),),
    "aws:ecr/repository:Repository": (("name",),),
    "aws:route53/record:Record": (("zoneId", "name", "type"),),
    "aws:rds/instance:Instance": (("identifier",),),
    "aws:rds/parameterGroup:ParameterGroup": (("name",),),
    "aws:elasticache/replicationGroup:ReplicationGroup": (("replicationGroupId",),),
    "aws:elasticache/parameterGroup:ParameterGroup": (("name",),),
}

# Engines that take a final snapshot, under this input's name, when they are deleted.
FINAL_SNAPSHOT = {"aws:rds/instance:Instance": "finalSnapshotIdentifier",
                  "aws:elasticache/replicationGroup:ReplicationGroup": "finalSnapshotIdentifier"}


@dataclass(frozen=True)
class Plan:
    created: frozenset[str]
    deleted: frozenset[str]
    replaced: frozenset[str]
    problems: tuple[str, ...]


def plan(before: Inventory, after: Inventory) -> Plan:
    new = after.by_urn()
    # A renamed resource (aliased) is the old one under its new URN: updated or replaced, not new.
    renamed = _renamed(before.by_urn(), new)
    old = {renamed.get(urn, urn): record for urn, record in before.by_urn().items()}
    replaced = _replaced(old, new)
    created = frozenset(new) - frozenset(old)
    deleted = frozenset(old) - frozenset(new)
    problems = [*_collisions(old, new, created, deleted, replaced), *_deleted_in_use(new, replaced),
                *_reused_final_snapshots(old, new, replaced)]
    return Plan(created=created, deleted=deleted, replaced=replaced, problems=tuple(problems))


def _renamed(old: Mapping[str, ResourceRecord], new: Mapping[str, ResourceRecord]) -> dict[str, str]:
    """Former URN → URN, resolved as the engine resolves aliases: a resource's own specs (a new name
    or type under the same parent), and the aliases children inherit from an aliased parent (the
    parent's former URN in their type chain, and its former name for the prefix of theirs)."""
    formers: dict[str, list[str]] = {}

    def former_urns(urn: str) -> list[str]:
        if urn in formers or urn not in new:
            return formers.get(urn, [])
        record = new[urn]
        head, name = urn.rsplit("::", 1)
        stack_project, chain = head.rsplit("::", 1)
        kind = chain.rsplit("$", 1)[-1]
        found = []
        for alias in record.options.get("aliases", []):
            spec = alias.get("spec")
            if spec is None:
                found.append(alias["urn"])
            elif not spec.get("parentUrn") and not spec.get("noParent"):
                former_chain = chain[: len(chain) - len(kind)] + (spec.get("type") or kind)
                found.append(f"{stack_project}::{former_chain}::{spec.get('name') or name}")
        if record.parent:
            parent_name = record.parent.rsplit("::", 1)[1]
            for parent in former_urns(record.parent):
                parent_chain, former_parent = parent.rsplit("::", 2)[1:]
                child = former_parent + name[len(parent_name):] if name.startswith(parent_name) else name
                found.append(f"{stack_project}::{parent_chain}${kind}::{child}")
        formers[urn] = found
        return found

    return {former: urn for urn in new for former in former_urns(urn) if former in old and former not in new}


def _refers(value: Any, resource: ResourceRecord) -> bool:
    """Whether an input holds `resource`'s ID or ARN, which its replacement changes. Other outputs
    of a replaced resource (e.g. ACM's validation record names, fixed per domain) may stay equal."""
    text = repr(value)
    return any(handle and str(handle) in text for handle in (resource.id, resource.outputs.get("arn")))


def _replaced(old: Mapping[str, ResourceRecord], new: Mapping[str, ResourceRecord]) -> frozenset[str]:
    """Kept URNs whose ForceNew inputs change, including through a replaced resource's new ID."""
    replaced: set[str] = set()
    changed = True
    while changed:
        changed = False
        for urn, after in new.items():
            if urn in replaced or urn not in old:
                continue
            keys = FORCE_NEW.get(after.type, frozenset())
            before = old[urn]
            if any(before.inputs.get(key) != after.inputs.get(key)
                   or any(_refers(after.inputs.get(key), new[dep])
                          for dep in set(after.property_dependencies.get(key, ())) & replaced)
                   for key in keys):
                replaced.add(urn)
                changed = True
    return frozenset(replaced)


def _keys(resource: ResourceRecord) -> list[tuple[Any, ...]]:
    keys = []
    for fields in UNIQUE.get(resource.type, ()):
        values = tuple(resource.inputs.get(field) for field in fields)
        if all(value is not None for value in values):
            keys.append((fields, values))
    return keys


def _collisions(old: Mapping[str, ResourceRecord], new: Mapping[str, ResourceRecord],
                created: frozenset[str], deleted: frozenset[str], replaced: frozenset[str]) -> list[str]:
    """A resource created (or replaced create-first) while an old one holding its key still lives."""
    going = [old[urn] for urn in sorted(deleted | replaced)]
    problems = []
    for urn in sorted(created | replaced):
        resource = new[urn]
        if urn in replaced and resource.options.get("deleteBeforeReplace"):
            continue
        for key in _keys(resource):
            for gone in going:
                if gone.type == resource.type and key in _keys(gone):
                    problems.append(f"{resource.name}: created while {gone.name} still holds "
                                    f"{dict(zip(key[0], key[1], strict=True))}")
    return problems


def _deleted_in_use(new: Mapping[str, ResourceRecord], replaced: frozenset[str]) -> list[str]:
    """A delete-first replacement that a kept resource still references (directly or transitively)."""
    problems = []
    for urn in sorted(replaced):
        if not new[urn].options.get("deleteBeforeReplace"):
            continue
        users, frontier = set(), {urn}
        while frontier:
            found = {r.urn for r in new.values() if set(r.dependencies) & frontier} - users
            users |= found
            frontier = found & replaced
        kept = sorted(new[user].name for user in users - replaced)
        if kept:
            problems.append(f"{new[urn].name}: deleted before its replacement while {', '.join(kept)} use it")
    return problems


def _reused_final_snapshots(old: Mapping[str, ResourceRecord], new: Mapping[str, ResourceRecord],
                            replaced: frozenset[str]) -> list[str]:
    problems = []
    for urn in sorted(replaced):
        key = FINAL_SNAPSHOT.get(new[urn].type)
        snapshot = old[urn].inputs.get(key) if key else None
        if snapshot and snapshot == new[urn].inputs.get(key):
            problems.append(f"{new[urn].name}: replaced, but its new incarnation's final snapshot {snapshot!r} "
                            "is the one the old one's deletion leaves")
    return problems
