"""Checks: pure functions (Inventory, Contract) → findings. No AWS calls, no I/O.

Every finding says what was found and how to fix it (with the CLI command when one exists).
Check ids and severities:

| check                 | severity          | what                                                   |
|-----------------------|-------------------|--------------------------------------------------------|
| forbidden-service     | high              | Lambda, Step Functions, App Runner, EKS, Aurora,       |
|                       |                   | OpenSearch/Elasticsearch, in any scanned region        |
| ec2-instance          | high              | a non-terminated EC2 instance (workloads run on        |
|                       |                   | Fargate: "no more SSH-into-a-VPS")                     |
| ec2-key-pair          | medium            | an EC2 key pair (an SSH key with nothing to SSH into)  |
| outside-home-region   | high              | ECS, RDS, DynamoDB, ElastiCache, load balancers, S3    |
|                       |                   | outside the home region                                |
| required-tags         | low / medium      | home-region resource missing pillar/service/environment|
|                       |                   | (medium when the pillar is not one of the four)        |
| public-rds            | high              | RDS instance with PubliclyAccessible                   |
| bucket-public-access  | high              | bucket whose effective Block Public Access (bucket OR  |
|                       |                   | account level) is not all four settings on             |
| sg-open-to-world      | high (low: ICMP)  | ingress from 0.0.0.0/0 or ::/0 other than tcp/udp      |
|                       |                   | 80 or 443                                              |
| iam-user-access-key   | high / medium     | IAM user with an active / only inactive access keys    |
| iam-user              | low               | IAM user without access keys                           |

Why `iam-user` at all, and why low: the contract's identity model is Google Workspace
federation for people and roles for services ("no shared keys"), so any IAM user is a
long-lived credential outside it; but a console-only user can be a deliberate, documented
break-glass account, so it is reported without failing as loudly as a key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from audit.contract import Contract
from audit.models import (
    GLOBAL,
    Bucket,
    Finding,
    IngressRule,
    Inventory,
    NetworkInterface,
    PublicAccessBlock,
    SecurityGroup,
    Severity,
    Tags,
)

Check = Callable[[Inventory, Contract], Iterable[Finding]]

FORBIDDEN_SERVICE: Final = "forbidden-service"
EC2_INSTANCE: Final = "ec2-instance"
EC2_KEY_PAIR: Final = "ec2-key-pair"
OUTSIDE_HOME_REGION: Final = "outside-home-region"
REQUIRED_TAGS: Final = "required-tags"
PUBLIC_RDS: Final = "public-rds"
BUCKET_PUBLIC_ACCESS: Final = "bucket-public-access"
SG_OPEN_TO_WORLD: Final = "sg-open-to-world"
IAM_USER_ACCESS_KEY: Final = "iam-user-access-key"
IAM_USER: Final = "iam-user"

_NOT_IN_CONTRACT = "is not in the foundation contract (adding one is a discussion, not a ticket)"


def check_forbidden_services(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    def finding(region: str, arn: str, found: str, fix: str) -> Finding:
        return Finding(
            check=FORBIDDEN_SERVICE,
            severity=Severity.HIGH,
            region=region,
            resource=arn,
            found=found,
            fix=fix,
        )

    for f in inv.functions:
        runtime = f" ({f.runtime})" if f.runtime else ""
        yield finding(
            f.region,
            f.arn,
            f'Lambda function "{f.name}"{runtime}: Lambda {_NOT_IN_CONTRACT}',
            "Move the code into an ECS Fargate service or a Hub v2 @Cron job, then delete it: "
            f"aws lambda delete-function --region {f.region} --function-name {f.name}",
        )
    for m in inv.state_machines:
        yield finding(
            m.region,
            m.arn,
            f'Step Functions state machine "{m.name}": Step Functions {_NOT_IN_CONTRACT}',
            "Move the orchestration into Hub v2 (NestJS @Cron, queue in Redis), then delete it: "
            f"aws stepfunctions delete-state-machine --region {m.region} --state-machine-arn {m.arn}",
        )
    for s in inv.apprunner_services:
        yield finding(
            s.region,
            s.arn,
            f'App Runner service "{s.name}": App Runner {_NOT_IN_CONTRACT}',
            "Run it as an ECS Fargate service behind the ALB (a new entry under "
            "hv-foundation:services), then delete it: "
            f"aws apprunner delete-service --region {s.region} --service-arn {s.arn}",
        )
    for c in inv.eks_clusters:
        yield finding(
            c.region,
            c.arn,
            f'EKS cluster "{c.name}": EKS {_NOT_IN_CONTRACT}',
            "Run the workloads as ECS Fargate services, then delete the node groups and the "
            f"cluster: aws eks delete-cluster --region {c.region} --name {c.name}",
        )
    for db in inv.db_clusters:
        if db.is_aurora:
            yield finding(
                db.region,
                db.arn,
                f'Aurora cluster "{db.identifier}" ({db.engine}): Aurora {_NOT_IN_CONTRACT}',
                "Use the foundation's RDS Postgres instance (provisioned by Pulumi); migrate the "
                "data, then delete the cluster's instances and the cluster: "
                f"aws rds delete-db-cluster --region {db.region} --db-cluster-identifier {db.identifier}",
            )
    for d in inv.search_domains:
        engine = d.engine_type or "OpenSearch"
        yield finding(
            d.region,
            d.arn,
            f'{engine} domain "{d.name}": OpenSearch/Elasticsearch {_NOT_IN_CONTRACT}',
            "Use Postgres full-text search or DynamoDB for the use case, then delete it: "
            f"aws opensearch delete-domain --region {d.region} --domain-name {d.name}",
        )


def check_ec2_instances(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    for i in inv.instances:
        details = ", ".join(
            part for part in (i.instance_type, i.state, f'key pair "{i.key_name}"' if i.key_name else None) if part
        )
        name = i.tags.get("Name")
        named = f' "{name}"' if name else ""
        yield Finding(
            check=EC2_INSTANCE,
            severity=Severity.HIGH,
            region=i.region,
            resource=i.arn,
            found=f"EC2 instance {i.instance_id}{named} ({details}): workloads run on ECS Fargate, not on servers",
            fix="Move the workload to an ECS Fargate service through Pulumi, then terminate it: "
            f"aws ec2 terminate-instances --region {i.region} --instance-ids {i.instance_id}",
        )


def check_ec2_key_pairs(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    for k in inv.key_pairs:
        yield Finding(
            check=EC2_KEY_PAIR,
            severity=Severity.MEDIUM,
            region=k.region,
            resource=k.key_pair_id or k.name,
            found=f'EC2 key pair "{k.name}": SSH keys have no place in a Fargate-only foundation',
            fix="Delete it (use ECS Exec to debug containers): "
            f"aws ec2 delete-key-pair --region {k.region} --key-name {k.name}",
        )


def check_outside_home_region(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    home = contract.home_region

    def finding(region: str, arn: str, what: str, delete: str) -> Finding:
        return Finding(
            check=OUTSIDE_HOME_REGION,
            severity=Severity.HIGH,
            region=region,
            resource=arn,
            found=f"{what} in {region}: the contract allows workloads and data only in {home}",
            fix=f"Recreate it in {home} through Pulumi (migrate any data), then delete it: {delete}",
        )

    for c in inv.ecs_clusters:
        if c.region != home:
            yield finding(
                c.region,
                c.arn,
                f'ECS cluster "{c.name}"',
                f"aws ecs delete-cluster --region {c.region} --cluster {c.name}",
            )
    for db in inv.db_instances:
        # Cluster members are reported through their cluster.
        if db.region != home and db.cluster_identifier is None:
            yield finding(
                db.region,
                db.arn,
                f'RDS instance "{db.identifier}" ({db.engine})',
                f"aws rds delete-db-instance --region {db.region} "
                f"--db-instance-identifier {db.identifier} --final-db-snapshot-identifier "
                f"{db.identifier}-final",
            )
    for cluster in inv.db_clusters:
        # Aurora is forbidden everywhere and already reported as forbidden-service.
        if cluster.region != home and not cluster.is_aurora:
            yield finding(
                cluster.region,
                cluster.arn,
                f'RDS cluster "{cluster.identifier}" ({cluster.engine})',
                f"aws rds delete-db-cluster --region {cluster.region} --db-cluster-identifier {cluster.identifier}",
            )
    for t in inv.tables:
        if t.region != home:
            yield finding(
                t.region,
                t.arn,
                f'DynamoDB table "{t.name}"',
                f"aws dynamodb delete-table --region {t.region} --table-name {t.name}",
            )
    for cc in inv.cache_clusters:
        # Members of a replication group are reported through their group.
        if cc.region != home and cc.replication_group_id is None:
            yield finding(
                cc.region,
                cc.arn,
                f'ElastiCache cluster "{cc.cluster_id}"',
                f"aws elasticache delete-cache-cluster --region {cc.region} --cache-cluster-id {cc.cluster_id}",
            )
    for g in inv.replication_groups:
        if g.region != home:
            yield finding(
                g.region,
                g.arn,
                f'ElastiCache replication group "{g.group_id}"',
                f"aws elasticache delete-replication-group --region {g.region} --replication-group-id {g.group_id}",
            )
    for lb in inv.load_balancers:
        if lb.region != home:
            kind = "classic load balancer" if lb.type == "classic" else f"{lb.type or 'elbv2'} load balancer"
            delete = (
                f"aws elb delete-load-balancer --region {lb.region} --load-balancer-name {lb.name}"
                if lb.type == "classic"
                else f"aws elbv2 delete-load-balancer --region {lb.region} --load-balancer-arn {lb.arn}"
            )
            yield finding(lb.region, lb.arn, f'{kind.capitalize()} "{lb.name}"', delete)
    for b in inv.buckets:
        if b.region is not None and b.region != home:
            yield finding(
                b.region,
                b.arn,
                f'S3 bucket "{b.name}"',
                f"aws s3 rb s3://{b.name} (after copying what must be kept to a {home} bucket)",
            )


#: Tag keys AWS puts on what a service creates and owns for one of our resources.
_OWNER_TAGS: Final = {
    "aws:secretsmanager:owningService": "its owning service",  # e.g. RDS's master-password secret
    "aws:ecs:clusterName": "ECS",  # ECS-managed tags on tasks, judged through their service
}


def managed_by(arn: str, tags: Tags) -> str | None:
    """Which AWS service owns the resource, when one does; None for ours to tag.

    Such a resource is created and deleted with its owner (tag the owner in Pulumi: RDS copies
    nothing onto its `rds!db-…` secret), so "tag it, import it or delete it" cannot apply.
    """
    for key, owner in _OWNER_TAGS.items():
        if key in tags:
            return tags[key] if key == "aws:secretsmanager:owningService" and tags[key] else owner
    resource = arn.split(":", 5)[-1]
    if resource.startswith("secret:") and "!" in resource:  # `<service>!…`: a service-managed secret
        return resource.removeprefix("secret:").split("!", 1)[0]
    if ":role/aws-service-role/" in arn:  # service-linked role
        return "a service-linked role's service"
    return None


#: InterfaceType values of ENIs a service creates for itself ("interface" is everyone's; efa,
#: efa-only, trunk and branch are what EC2 gives instances).
_SERVICE_INTERFACE_TYPES: Final = frozenset({
    "natGateway", "load_balancer", "network_load_balancer", "vpc_endpoint", "transit_gateway", "lambda",
    "quicksight", "global_accelerator_managed", "api_gateway_managed", "gateway_load_balancer",
    "gateway_load_balancer_endpoint", "iot_rules_managed", "aws_codestar_connections_managed",
})

#: How AWS services describe the plain "interface" ENIs they create in our subnets.
_SERVICE_DESCRIPTIONS: Final = (
    ("ELB ", "Elastic Load Balancing"),  # "ELB app/<name>/<id>"
    ("RDSNetworkInterface", "RDS"),
    ("ElastiCache ", "ElastiCache"),  # "ElastiCache <cluster id>"
    ("VPC Endpoint Interface ", "a VPC endpoint"),
    ("Interface for NAT Gateway ", "a NAT gateway"),
    ("AWS Lambda VPC ENI", "Lambda"),
    ("AWS created network interface for directory", "Directory Service"),
    ("EFS mount target", "EFS"),
)


def interface_managed_by(eni: NetworkInterface) -> str | None:
    """What an ENI belongs to when we did not create it ourselves; None for ours to tag.

    A service's ENI lives and dies with the service's resource (the ALB, the endpoint, the
    task, the database), which is what gets judged; an instance's primary ENI (device 0) is
    created with the instance, which is judged itself. What is left was created on its own.
    """
    ecs_attachment = re.match(r"arn:aws[\w-]*:ecs:[^:]*:\d*:attachment/", eni.description)
    service_description = next((svc for prefix, svc in _SERVICE_DESCRIPTIONS if eni.description.startswith(prefix)),
                               "ECS (a task's ENI)" if ecs_attachment else None)
    candidates = (
        eni.owned_by,
        eni.operator,
        eni.interface_type if eni.interface_type in _SERVICE_INTERFACE_TYPES else None,
        (eni.requester_id or "an AWS service") if eni.requester_managed else None,
        # "amazon-elb", "amazon-rds", Fargate's own account: someone else attached it.
        eni.attachment_owner if eni.attachment_owner not in {None, eni.owner_id} else None,
        service_description,
        f"instance {eni.attached_instance}" if eni.attached_instance and eni.device_index == 0 else None,
    )
    return next((owner for owner in candidates if owner), None)


def _home_tag_subjects(inv: Inventory, home: str) -> dict[str, Tags]:
    """ARN → tags for every home-region resource whose tags we know, each ARN once.

    The tagging API only sees resources that have (or had) tags, so the directly collected
    resources are added; where both know an ARN, the direct read wins (it is authoritative and
    knows the resource's real region, e.g. a bucket's).
    """
    subjects: dict[str, Tags] = {r.arn: r.tags for r in inv.tagged_resources if r.region == home}
    direct: list[tuple[str, str | None, Tags | None]] = [
        *((i.arn, i.region, i.tags) for i in inv.instances),
        *((d.arn, d.region, d.tags) for d in inv.db_instances),
        *((c.arn, c.region, c.tags) for c in inv.db_clusters),
        *((c.arn, c.region, c.tags) for c in inv.ecs_clusters),
        *((t.arn, t.region, t.tags) for t in inv.tables),
        *((c.arn, c.region, c.tags) for c in inv.cache_clusters),
        *((g.arn, g.region, g.tags) for g in inv.replication_groups),
        *((lb.arn, lb.region, lb.tags) for lb in inv.load_balancers),
        *((b.arn, b.region, b.tags) for b in inv.buckets),
        # A VPC's "default" group comes with the VPC (AWS creates it, nothing can delete it).
        *((g.arn, g.region, g.tags) for g in inv.security_groups if g.arn and g.name != "default"),
        *((n.arn, n.region, n.tags) for n in inv.network_interfaces),
        *((a.arn, a.region, a.tags) for a in inv.elastic_ips),
    ]
    for arn, region, tags in direct:
        if region is not None and region != home:
            subjects.pop(arn, None)
        elif region == home and tags is not None:
            subjects[arn] = tags
    # Members of a replication group, and what a service owns, are judged through their owner.
    owned = [
        *(c.arn for c in inv.cache_clusters if c.replication_group_id),
        *(n.arn for n in inv.network_interfaces if interface_managed_by(n)),
        *(a.arn for a in inv.elastic_ips if a.service_managed),
    ]
    for arn in owned:
        subjects.pop(arn, None)
    return {arn: tags for arn, tags in subjects.items() if managed_by(arn, tags) is None}


def check_required_tags(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    home = contract.home_region
    allowed = ", ".join(sorted(contract.pillars))
    for arn, tags in sorted(_home_tag_subjects(inv, home).items()):
        missing = [key for key in contract.required_tags if not tags.get(key, "").strip()]
        pillar = tags.get("pillar", "").strip()
        bad_pillar = bool(pillar) and pillar not in contract.pillars
        if not missing and not bad_pillar:
            continue
        problems = []
        if missing:
            problems.append(f"missing tag{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if bad_pillar:
            problems.append(f'pillar "{pillar}" is not one of the four pillars ({allowed})')
        present = ", ".join(f"{k}={v}" for k, v in sorted(tags.items()) if k in contract.required_tags and v.strip())
        yield Finding(
            check=REQUIRED_TAGS,
            severity=Severity.MEDIUM if bad_pillar else Severity.LOW,
            region=home,
            resource=arn,
            found="; ".join(problems) + (f" (has {present})" if present else " (has none of them)"),
            fix=f"Tag it pillar=<{allowed.replace(', ', '|')}>, service=<name>, environment=<dev|prod> "
            "in Pulumi (provider default_tags + the component's pillar/service); if Pulumi does "
            "not manage it, import it (pulumi import) or delete it",
        )


def check_public_rds(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    for db in inv.db_instances:
        if db.publicly_accessible:
            yield Finding(
                check=PUBLIC_RDS,
                severity=Severity.HIGH,
                region=db.region,
                resource=db.arn,
                found=f'RDS instance "{db.identifier}" ({db.engine}) is publicly accessible',
                fix="Set publicly_accessible=False in Pulumi and keep it in private subnets: "
                f"aws rds modify-db-instance --region {db.region} --db-instance-identifier "
                f"{db.identifier} --no-publicly-accessible --apply-immediately",
            )


def _describe_block(block: PublicAccessBlock | None) -> str:
    if block is None:
        return "unreadable"
    if not block.configured:
        return "not configured"
    off = [name for name, on in block.as_dict().items() if not on]
    return f"{', '.join(off)} off" if off else "all on"


def _bucket_public_access_finding(bucket: Bucket, account: PublicAccessBlock | None) -> Finding | None:
    if account is not None and all(account.as_dict().values()):
        return None  # the account-level block covers every bucket
    if bucket.public_access_block is None:
        return None  # unreadable and not covered: reported in not_scanned, not guessed
    bucket_settings = bucket.public_access_block.as_dict()
    account_settings = account.as_dict() if account else dict.fromkeys(bucket_settings, False)
    off = [name for name, on in bucket_settings.items() if not (on or account_settings[name])]
    if not off:
        return None
    return Finding(
        check=BUCKET_PUBLIC_ACCESS,
        severity=Severity.HIGH,
        region=bucket.region or GLOBAL,
        resource=bucket.arn,
        found=f'S3 bucket "{bucket.name}": Block Public Access not in force for {", ".join(off)} '
        f"(bucket level: {_describe_block(bucket.public_access_block)}; "
        f"account level: {_describe_block(account)})",
        fix="Turn on all four settings in Pulumi (aws.s3.BucketPublicAccessBlock) or now: "
        f"aws s3api put-public-access-block --bucket {bucket.name} --public-access-block-configuration "
        "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    )


def check_bucket_public_access(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    account = inv.account_public_access_block.block if inv.account_public_access_block else None
    for bucket in inv.buckets:
        finding = _bucket_public_access_finding(bucket, account)
        if finding is not None:
            yield finding


_PROTOCOL_NAMES: Final = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all"}


def _protocol(rule: IngressRule) -> str:
    return _PROTOCOL_NAMES.get(rule.protocol, rule.protocol.lower())


def _is_allowed_world_rule(rule: IngressRule, contract: Contract) -> bool:
    return (
        _protocol(rule) in {"tcp", "udp"}
        and rule.from_port is not None
        and rule.from_port == rule.to_port
        and rule.from_port in contract.web_ports
    )


def _describe_rule(rule: IngressRule) -> str:
    protocol = _protocol(rule)
    if protocol == "all":
        return f"all traffic from {rule.cidr}"
    if protocol in {"icmp", "icmpv6"}:
        return f"{protocol} from {rule.cidr}"
    if rule.from_port is None or (rule.from_port, rule.to_port) in {(-1, -1), (0, 65535)}:
        return f"{protocol} all ports from {rule.cidr}"
    ports = str(rule.from_port) if rule.from_port == rule.to_port else f"{rule.from_port}-{rule.to_port}"
    return f"{protocol} {ports} from {rule.cidr}"


def _world_open_rules(group: SecurityGroup, contract: Contract) -> list[IngressRule]:
    return [
        rule for rule in group.rules if rule.cidr in contract.world_cidrs and not _is_allowed_world_rule(rule, contract)
    ]


def check_security_groups(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    web = "/".join(str(p) for p in sorted(contract.web_ports))
    for group in inv.security_groups:
        bad = _world_open_rules(group, contract)
        if not bad:
            continue
        only_icmp = all(_protocol(rule) in {"icmp", "icmpv6"} for rule in bad)
        yield Finding(
            check=SG_OPEN_TO_WORLD,
            severity=Severity.LOW if only_icmp else Severity.HIGH,
            region=group.region,
            resource=group.group_id,
            found=f'security group {group.group_id} ("{group.name}") is open to the world on more '
            f"than {web}: {'; '.join(_describe_rule(rule) for rule in bad)}",
            fix=f"Only the ALB may face the internet, on {web}: remove these rules in Pulumi, or now "
            f"with aws ec2 revoke-security-group-ingress --region {group.region} --group-id "
            f"{group.group_id} --ip-permissions ...; reach anything else through the ALB or "
            "ECS Exec",
        )


def check_iam_users(inv: Inventory, contract: Contract) -> Iterator[Finding]:
    for user in inv.iam_users:
        if user.access_keys:
            keys = ", ".join(f"{k.key_id} ({k.status})" for k in user.access_keys)
            active = any(k.active for k in user.access_keys)
            yield Finding(
                check=IAM_USER_ACCESS_KEY,
                severity=Severity.HIGH if active else Severity.MEDIUM,
                region=GLOBAL,
                resource=user.arn,
                found=f'IAM user "{user.name}" has long-lived access keys: {keys}',
                fix="No shared keys in the contract: give the caller a role instead (ECS task "
                "role, GitHub OIDC role, SSO), then delete each key: aws iam delete-access-key "
                f"--user-name {user.name} --access-key-id <key id>",
            )
        else:
            yield Finding(
                check=IAM_USER,
                severity=Severity.LOW,
                region=GLOBAL,
                resource=user.arn,
                found=f'IAM user "{user.name}" (no access keys): people sign in through the Google '
                "Workspace IdP, services use roles",
                fix="Delete the user (aws iam delete-user --user-name "
                f"{user.name}, after removing its login profile, MFA devices and policies), or "
                "document it as the break-glass user",
            )


CHECKS: tuple[Check, ...] = (
    check_forbidden_services,
    check_ec2_instances,
    check_ec2_key_pairs,
    check_outside_home_region,
    check_required_tags,
    check_public_rds,
    check_bucket_public_access,
    check_security_groups,
    check_iam_users,
)


def run_checks(inv: Inventory, contract: Contract, checks: Iterable[Check] = CHECKS) -> tuple[Finding, ...]:
    """All findings, each once, most severe first, then by region, check and resource."""
    findings = {finding for check in checks for finding in check(inv, contract)}
    return tuple(sorted(findings, key=lambda f: f.sort_key))
