"""Collectors: boto3 List*/Describe*/Get* calls → frozen models. No judgement here.

Each `Collector` reads one thing in one region through the `ClientFactory` it is given and
returns models (and `NotScanned` entries for the parts it could not read, e.g. one bucket's
tags). A collector that fails outright raises; the engine turns a `faults.SCAN_ERRORS`
exception into `NotScanned` for that (collector, region) and the scan goes on.

Scopes: "regional" collectors run in every scanned region; "home" ones only when the home
region is scanned (the tagging API, whose findings are about the home region); "global" ones
once whatever the regions, with a client in the home region (S3 buckets, IAM users, the
account-level S3 block that the bucket check needs).

moto coverage (moto 5.2.5): everything here except App Runner, which moto does not implement;
tests and the bench answer it through `tests/audit/fakes.py` (a botocore Stubber). The
collectors themselves do not know; they only see a client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from botocore.exceptions import ClientError

from audit.clients import Client, ClientFactory
from audit.faults import SCAN_ERRORS, error_code, explain
from audit.models import (
    GLOBAL,
    NO_TAGS,
    AccessKey,
    AccountPublicAccessBlock,
    AppRunnerService,
    Bucket,
    CacheCluster,
    DbCluster,
    DbInstance,
    EcsCluster,
    EksCluster,
    ElasticIp,
    Function,
    IamUser,
    IngressRule,
    Instance,
    KeyPair,
    LoadBalancer,
    NetworkInterface,
    NotScanned,
    PublicAccessBlock,
    ReplicationGroup,
    Resource,
    SearchDomain,
    SecurityGroup,
    StateMachine,
    Table,
    TaggedResource,
    Tags,
)

Scope = Literal["regional", "home", "global"]
Item = Resource | NotScanned
Response = Mapping[str, Any]
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class ScanContext:
    """What collectors need besides a client: who we are and where home is."""

    account_id: str
    home_region: str
    partition: str = "aws"

    def arn(self, service: str, region: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"


CollectFn = Callable[[ClientFactory, str, ScanContext], list[Item]]


@dataclass(frozen=True, kw_only=True)
class Collector:
    """`name` is unique (e.g. "ec2:instances"); `service` is the boto3 client name, which is
    also what `NotScanned.service` reports."""

    name: str
    service: str
    scope: Scope
    collect: CollectFn


# --- helpers --------------------------------------------------------------------------------


def _items(client: Client, operation: str, key: str, **params: Any) -> Iterator[Any]:
    """Every element of `key` across all pages (botocore paginator when there is one, else
    the service's NextToken loop)."""
    if client.can_paginate(operation):
        for paginated in client.get_paginator(operation).paginate(**params):
            yield from paginated.get(key, [])
        return
    call = getattr(client, operation)
    token: str | None = None
    while True:
        page: Response = call(**params, **({"NextToken": token} if token else {}))
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


def _chunks(values: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _port(value: object) -> int | None:
    return None if value is None else int(str(value))


# --- forbidden services -------------------------------------------------------------------


def collect_functions(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("lambda", region)
    return [
        Function(
            name=f["FunctionName"],
            arn=f["FunctionArn"],
            region=region,
            runtime=_opt_str(f.get("Runtime")),
        )
        for f in _items(client, "list_functions", "Functions")
    ]


def collect_state_machines(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("stepfunctions", region)
    return [
        StateMachine(name=m["name"], arn=m["stateMachineArn"], region=region)
        for m in _items(client, "list_state_machines", "stateMachines")
    ]


def collect_apprunner_services(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("apprunner", region)
    return [
        AppRunnerService(
            name=s["ServiceName"],
            arn=s["ServiceArn"],
            region=region,
            status=_opt_str(s.get("Status")),
        )
        for s in _items(client, "list_services", "ServiceSummaryList")
    ]


def collect_eks_clusters(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("eks", region)
    return [
        EksCluster(name=name, arn=ctx.arn("eks", region, f"cluster/{name}"), region=region)
        for name in _items(client, "list_clusters", "clusters")
    ]


def collect_search_domains(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    # The opensearch API lists both engines (EngineType OpenSearch | Elasticsearch), so the
    # legacy `es` API would only repeat the same domains.
    client = clients("opensearch", region)
    response: Response = client.list_domain_names()
    return [
        SearchDomain(
            name=d["DomainName"],
            arn=ctx.arn("es", region, f"domain/{d['DomainName']}"),
            region=region,
            engine_type=_opt_str(d.get("EngineType")),
        )
        for d in response.get("DomainNames", [])
    ]


# --- EC2 -------------------------------------------------------------------------------------

_LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]


def collect_instances(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("ec2", region)
    found: list[Item] = []
    filters = [{"Name": "instance-state-name", "Values": _LIVE_INSTANCE_STATES}]
    for reservation in _items(client, "describe_instances", "Reservations", Filters=filters):
        owner = str(reservation.get("OwnerId") or ctx.account_id)
        for i in reservation.get("Instances", []):
            found.append(
                Instance(
                    instance_id=i["InstanceId"],
                    arn=f"arn:{ctx.partition}:ec2:{region}:{owner}:instance/{i['InstanceId']}",
                    region=region,
                    state=str(i.get("State", {}).get("Name", "unknown")),
                    instance_type=_opt_str(i.get("InstanceType")),
                    key_name=_opt_str(i.get("KeyName")),
                    tags=Tags.from_aws(i.get("Tags", [])),
                )
            )
    return found


def collect_key_pairs(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    response: Response = clients("ec2", region).describe_key_pairs()
    return [
        KeyPair(name=k["KeyName"], key_pair_id=_opt_str(k.get("KeyPairId")), region=region)
        for k in response.get("KeyPairs", [])
    ]


def _ingress_rules(permissions: Iterable[Mapping[str, Any]]) -> tuple[IngressRule, ...]:
    rules: list[IngressRule] = []
    for perm in permissions:
        cidrs = [r["CidrIp"] for r in perm.get("IpRanges", [])]
        cidrs += [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])]
        for cidr in cidrs:
            rules.append(
                IngressRule(
                    protocol=str(perm.get("IpProtocol", "-1")),
                    from_port=_port(perm.get("FromPort")),
                    to_port=_port(perm.get("ToPort")),
                    cidr=str(cidr),
                )
            )
    return tuple(rules)


def collect_security_groups(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("ec2", region)
    return [
        SecurityGroup(
            group_id=g["GroupId"],
            name=str(g.get("GroupName", "")),
            region=region,
            vpc_id=_opt_str(g.get("VpcId")),
            rules=_ingress_rules(g.get("IpPermissions", [])),
            arn=f"arn:{ctx.partition}:ec2:{region}:{g.get('OwnerId') or ctx.account_id}:security-group/{g['GroupId']}",
            tags=Tags.from_aws(g.get("Tags", [])),
        )
        for g in _items(client, "describe_security_groups", "SecurityGroups")
    ]


def _interface_owners(client: Client) -> dict[str, str]:
    """ENI id → the NAT gateway or VPC endpoint that lists it as its own."""
    owners: dict[str, str] = {}
    for nat in _items(client, "describe_nat_gateways", "NatGateways"):
        for address in nat.get("NatGatewayAddresses", []):
            if address.get("NetworkInterfaceId"):
                owners[str(address["NetworkInterfaceId"])] = f"NAT gateway {nat['NatGatewayId']}"
    for endpoint in _items(client, "describe_vpc_endpoints", "VpcEndpoints"):
        for eni in endpoint.get("NetworkInterfaceIds", []):
            owners[str(eni)] = f"VPC endpoint {endpoint['VpcEndpointId']}"
    return owners


def collect_network_interfaces(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("ec2", region)
    owners = _interface_owners(client)
    found: list[Item] = []
    for n in _items(client, "describe_network_interfaces", "NetworkInterfaces"):
        eni_id = n["NetworkInterfaceId"]
        owner = str(n.get("OwnerId") or ctx.account_id)
        attachment = n.get("Attachment") or {}
        operator = n.get("Operator") or {}
        found.append(
            NetworkInterface(
                interface_id=eni_id,
                arn=f"arn:{ctx.partition}:ec2:{region}:{owner}:network-interface/{eni_id}",
                region=region,
                owner_id=owner,
                description=str(n.get("Description") or ""),
                interface_type=str(n.get("InterfaceType") or "interface"),
                requester_managed=bool(n.get("RequesterManaged", False)),
                requester_id=_opt_str(n.get("RequesterId")),
                operator=str(operator.get("Principal") or "an AWS service") if operator.get("Managed") else None,
                attachment_owner=_opt_str(attachment.get("InstanceOwnerId") or None),
                attached_instance=_opt_str(attachment.get("InstanceId") or None),
                device_index=_port(attachment.get("DeviceIndex")),
                owned_by=owners.get(eni_id),
                tags=Tags.from_aws(n.get("TagSet", [])),
            )
        )
    return found


def collect_elastic_ips(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    response: Response = clients("ec2", region).describe_addresses()
    return [
        ElasticIp(
            allocation_id=a["AllocationId"],
            arn=f"arn:{ctx.partition}:ec2:{region}:{ctx.account_id}:elastic-ip/{a['AllocationId']}",
            region=region,
            public_ip=_opt_str(a.get("PublicIp")),
            service_managed=_opt_str(a.get("ServiceManaged") or None),
            network_interface_id=_opt_str(a.get("NetworkInterfaceId") or None),
            tags=Tags.from_aws(a.get("Tags", [])),
        )
        # EC2-Classic addresses have no allocation id (and no tags); the platform is retired.
        for a in response.get("Addresses", [])
        if a.get("AllocationId")
    ]


# --- workload and data ---------------------------------------------------------------------


def collect_db_instances(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("rds", region)
    return [
        DbInstance(
            identifier=d["DBInstanceIdentifier"],
            arn=d["DBInstanceArn"],
            region=region,
            engine=str(d.get("Engine", "")),
            publicly_accessible=bool(d.get("PubliclyAccessible", False)),
            cluster_identifier=_opt_str(d.get("DBClusterIdentifier")),
            tags=Tags.from_aws(d.get("TagList", [])),
        )
        for d in _items(client, "describe_db_instances", "DBInstances")
    ]


def collect_db_clusters(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("rds", region)
    return [
        DbCluster(
            identifier=c["DBClusterIdentifier"],
            arn=c["DBClusterArn"],
            region=region,
            engine=str(c.get("Engine", "")),
            tags=Tags.from_aws(c.get("TagList", [])),
        )
        for c in _items(client, "describe_db_clusters", "DBClusters")
    ]


def collect_ecs_clusters(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("ecs", region)
    arns = list(_items(client, "list_clusters", "clusterArns"))
    found: list[Item] = []
    for batch in _chunks(arns, 100):
        response: Response = client.describe_clusters(clusters=list(batch), include=["TAGS"])
        for c in response.get("clusters", []):
            found.append(
                EcsCluster(
                    name=c["clusterName"],
                    arn=c["clusterArn"],
                    region=region,
                    tags=Tags.from_aws(c.get("tags", []), key="key", value="value"),
                )
            )
    return found


def _attempt(read: Callable[[], T], service: str, region: str, what: str) -> tuple[T | None, list[Item]]:
    """Run one secondary read (tags of one resource...). If AWS refuses, return None (unread)
    and the `NotScanned` saying why, so one bad resource does not hide the others."""
    try:
        return read(), []
    except SCAN_ERRORS as exc:
        return None, [NotScanned(service=service, region=region, reason=f"{what}: {explain(exc)}")]


def collect_tables(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("dynamodb", region)
    found: list[Item] = []
    for name in _items(client, "list_tables", "TableNames"):
        arn = ctx.arn("dynamodb", region, f"table/{name}")

        def read(arn: str = arn) -> Tags:
            return Tags.from_aws(_items(client, "list_tags_of_resource", "Tags", ResourceArn=arn))

        tags, gaps = _attempt(read, "dynamodb", region, f"tags of table {name}")
        found += [Table(name=name, arn=arn, region=region, tags=tags), *gaps]
    return found


def _elasticache_tags(client: Client, arn: str, region: str, what: str) -> tuple[Tags | None, list[Item]]:
    def read() -> Tags:
        response: Response = client.list_tags_for_resource(ResourceName=arn)
        return Tags.from_aws(response.get("TagList", []))

    return _attempt(read, "elasticache", region, f"tags of {what}")


def collect_cache_clusters(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("elasticache", region)
    found: list[Item] = []
    for c in _items(client, "describe_cache_clusters", "CacheClusters"):
        group = _opt_str(c.get("ReplicationGroupId"))
        arn = str(c.get("ARN") or ctx.arn("elasticache", region, f"cluster:{c['CacheClusterId']}"))
        # Members of a replication group are judged through their group: tags left unread.
        tags, gaps = (
            (None, []) if group else _elasticache_tags(client, arn, region, f"cache cluster {c['CacheClusterId']}")
        )
        found += [
            CacheCluster(
                cluster_id=c["CacheClusterId"],
                arn=arn,
                region=region,
                engine=_opt_str(c.get("Engine")),
                replication_group_id=group,
                tags=tags,
            ),
            *gaps,
        ]
    return found


def collect_replication_groups(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("elasticache", region)
    found: list[Item] = []
    for g in _items(client, "describe_replication_groups", "ReplicationGroups"):
        group_id = g["ReplicationGroupId"]
        arn = str(g.get("ARN") or ctx.arn("elasticache", region, f"replicationgroup:{group_id}"))
        tags, gaps = _elasticache_tags(client, arn, region, f"replication group {group_id}")
        found += [ReplicationGroup(group_id=group_id, arn=arn, region=region, tags=tags), *gaps]
    return found


def collect_load_balancers(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("elbv2", region)
    lbs = list(_items(client, "describe_load_balancers", "LoadBalancers"))
    tags_by_arn: dict[str, Tags] = {}
    gaps: list[Item] = []
    for batch in _chunks([lb["LoadBalancerArn"] for lb in lbs], 20):

        def read(batch: Sequence[str] = batch) -> dict[str, Tags]:
            response: Response = client.describe_tags(ResourceArns=list(batch))
            described = {d["ResourceArn"]: d.get("Tags", []) for d in response.get("TagDescriptions", [])}
            return {arn: Tags.from_aws(described.get(arn, [])) for arn in batch}

        batch_tags, batch_gaps = _attempt(read, "elbv2", region, "load balancer tags")
        tags_by_arn.update(batch_tags or {})
        gaps += batch_gaps
    found: list[Item] = [
        LoadBalancer(
            name=lb["LoadBalancerName"],
            arn=lb["LoadBalancerArn"],
            region=region,
            type=_opt_str(lb.get("Type")),
            tags=tags_by_arn.get(lb["LoadBalancerArn"]),
        )
        for lb in lbs
    ]
    return found + gaps


def collect_classic_load_balancers(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("elb", region)
    lbs = list(_items(client, "describe_load_balancers", "LoadBalancerDescriptions"))
    tags_by_name: dict[str, Tags] = {}
    gaps: list[Item] = []
    for batch in _chunks([lb["LoadBalancerName"] for lb in lbs], 20):

        def read(batch: Sequence[str] = batch) -> dict[str, Tags]:
            response: Response = client.describe_tags(LoadBalancerNames=list(batch))
            described = {d["LoadBalancerName"]: d.get("Tags", []) for d in response.get("TagDescriptions", [])}
            return {name: Tags.from_aws(described.get(name, [])) for name in batch}

        batch_tags, batch_gaps = _attempt(read, "elb", region, "classic load balancer tags")
        tags_by_name.update(batch_tags or {})
        gaps += batch_gaps
    found: list[Item] = [
        LoadBalancer(
            name=lb["LoadBalancerName"],
            arn=ctx.arn("elasticloadbalancing", region, f"loadbalancer/{lb['LoadBalancerName']}"),
            region=region,
            type="classic",
            tags=tags_by_name.get(lb["LoadBalancerName"]),
        )
        for lb in lbs
    ]
    return found + gaps


# --- home region ---------------------------------------------------------------------------


def collect_tagged_resources(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("resourcegroupstaggingapi", region)
    return [
        TaggedResource(arn=r["ResourceARN"], region=region, tags=Tags.from_aws(r.get("Tags", [])))
        for r in _items(client, "get_resources", "ResourceTagMappingList")
    ]


def collect_account_public_access_block(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("s3control", region)
    try:
        response: Response = client.get_public_access_block(AccountId=ctx.account_id)
        block = PublicAccessBlock.from_aws(response.get("PublicAccessBlockConfiguration", {}))
    except ClientError as exc:
        if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        block = PublicAccessBlock.not_configured()
    return [AccountPublicAccessBlock(account_id=ctx.account_id, block=block)]


# --- global ----------------------------------------------------------------------------------

_BUCKET_WORKERS = 8


def _bucket_region(location: object) -> str:
    # GetBucketLocation: None/"" = us-east-1; "EU" is the legacy name of eu-west-1.
    if not location:
        return "us-east-1"
    return "eu-west-1" if location == "EU" else str(location)


def _read_bucket(clients: ClientFactory, name: str, ctx: ScanContext) -> list[Item]:
    def read_region() -> str:
        location = clients("s3", ctx.home_region).get_bucket_location(Bucket=name)
        return _bucket_region(location.get("LocationConstraint"))

    region, gaps = _attempt(read_region, "s3", GLOBAL, f"location of bucket {name}")
    client = clients("s3", region or ctx.home_region)

    def read_block() -> PublicAccessBlock:
        try:
            response: Response = client.get_public_access_block(Bucket=name)
        except ClientError as exc:
            if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
                return PublicAccessBlock.not_configured()
            raise
        return PublicAccessBlock.from_aws(response.get("PublicAccessBlockConfiguration", {}))

    def read_tags() -> Tags:
        try:
            response: Response = client.get_bucket_tagging(Bucket=name)
        except ClientError as exc:
            if error_code(exc) == "NoSuchTagSet":
                return NO_TAGS
            raise
        return Tags.from_aws(response.get("TagSet", []))

    where = region or GLOBAL
    block, block_gaps = _attempt(read_block, "s3", where, f"public access block of bucket {name}")
    tags, tag_gaps = _attempt(read_tags, "s3", where, f"tags of bucket {name}")
    bucket = Bucket(name=name, region=region, public_access_block=block, tags=tags)
    return [bucket, *gaps, *block_gaps, *tag_gaps]


def collect_buckets(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    names = [b["Name"] for b in _items(clients("s3", region), "list_buckets", "Buckets")]
    if len(names) <= 1:
        return [item for name in names for item in _read_bucket(clients, name, ctx)]
    with ThreadPoolExecutor(max_workers=min(_BUCKET_WORKERS, len(names))) as pool:
        results = pool.map(lambda name: _read_bucket(clients, name, ctx), names)
        return [item for items in results for item in items]


def collect_iam_users(clients: ClientFactory, region: str, ctx: ScanContext) -> list[Item]:
    client = clients("iam", region)
    found: list[Item] = []
    for u in _items(client, "list_users", "Users"):
        try:
            keys = tuple(
                AccessKey(key_id=k["AccessKeyId"], status=str(k.get("Status", "")))
                for k in _items(client, "list_access_keys", "AccessKeyMetadata", UserName=u["UserName"])
            )
        except SCAN_ERRORS as exc:
            reason = f"access keys of user {u['UserName']}: {explain(exc)}"
            found.append(NotScanned(service="iam", region=GLOBAL, reason=reason))
            keys = ()
        found.append(IamUser(name=u["UserName"], arn=u["Arn"], access_keys=keys))
    return found


COLLECTORS: tuple[Collector, ...] = (
    Collector(name="lambda:functions", service="lambda", scope="regional", collect=collect_functions),
    Collector(
        name="stepfunctions:state-machines",
        service="stepfunctions",
        scope="regional",
        collect=collect_state_machines,
    ),
    Collector(
        name="apprunner:services",
        service="apprunner",
        scope="regional",
        collect=collect_apprunner_services,
    ),
    Collector(name="eks:clusters", service="eks", scope="regional", collect=collect_eks_clusters),
    Collector(
        name="opensearch:domains",
        service="opensearch",
        scope="regional",
        collect=collect_search_domains,
    ),
    Collector(name="ec2:instances", service="ec2", scope="regional", collect=collect_instances),
    Collector(name="ec2:key-pairs", service="ec2", scope="regional", collect=collect_key_pairs),
    Collector(
        name="ec2:security-groups",
        service="ec2",
        scope="regional",
        collect=collect_security_groups,
    ),
    Collector(
        name="ec2:network-interfaces",
        service="ec2",
        scope="home",
        collect=collect_network_interfaces,
    ),
    # ENIs and EIPs are only judged on their tags, which the contract requires in the home region.
    Collector(name="ec2:elastic-ips", service="ec2", scope="home", collect=collect_elastic_ips),
    Collector(name="rds:instances", service="rds", scope="regional", collect=collect_db_instances),
    Collector(name="rds:clusters", service="rds", scope="regional", collect=collect_db_clusters),
    Collector(name="ecs:clusters", service="ecs", scope="regional", collect=collect_ecs_clusters),
    Collector(name="dynamodb:tables", service="dynamodb", scope="regional", collect=collect_tables),
    Collector(
        name="elasticache:cache-clusters",
        service="elasticache",
        scope="regional",
        collect=collect_cache_clusters,
    ),
    Collector(
        name="elasticache:replication-groups",
        service="elasticache",
        scope="regional",
        collect=collect_replication_groups,
    ),
    Collector(
        name="elbv2:load-balancers",
        service="elbv2",
        scope="regional",
        collect=collect_load_balancers,
    ),
    Collector(
        name="elb:classic-load-balancers",
        service="elb",
        scope="regional",
        collect=collect_classic_load_balancers,
    ),
    Collector(
        name="tagging:resources",
        service="resourcegroupstaggingapi",
        scope="home",
        collect=collect_tagged_resources,
    ),
    Collector(
        name="s3control:public-access-block",
        service="s3control",
        scope="global",
        collect=collect_account_public_access_block,
    ),
    Collector(name="s3:buckets", service="s3", scope="global", collect=collect_buckets),
    Collector(name="iam:users", service="iam", scope="global", collect=collect_iam_users),
)
