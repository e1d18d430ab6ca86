"""Frozen models: what the collectors saw, what the checks found, what the report says.

Collectors turn boto3 responses into these values; checks are pure functions over an
`Inventory`; reports render a `Report`. Nothing here talks to AWS.

Conventions: `region` is the AWS region a resource lives in, or `GLOBAL` for account-wide
things (IAM users, the account's S3 public access block). A field typed `X | None` whose
docstring says "None = unreadable" means the collector could not read it (a `NotScanned` entry
explains why); checks skip it rather than guess.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from audit.costs import CostReport

GLOBAL: Final = "global"


class Tags(Mapping[str, str]):
    """An immutable, hashable tag map (so the models holding it stay frozen and hashable)."""

    __slots__ = ("_data",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._data: dict[str, str] = dict(pairs)

    @classmethod
    def from_aws(cls, tag_list: Iterable[Mapping[str, str]], key: str = "Key", value: str = "Value") -> Tags:
        """From AWS's `[{"Key": k, "Value": v}, ...]` shape (key names vary by service)."""
        return cls((t[key], t.get(value, "")) for t in tag_list)

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"Tags({self._data!r})"


NO_TAGS: Final = Tags()


# --- forbidden services -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Function:
    """A Lambda function."""

    name: str
    arn: str
    region: str
    runtime: str | None = None


@dataclass(frozen=True, kw_only=True)
class StateMachine:
    """A Step Functions state machine."""

    name: str
    arn: str
    region: str


@dataclass(frozen=True, kw_only=True)
class AppRunnerService:
    """An App Runner service."""

    name: str
    arn: str
    region: str
    status: str | None = None


@dataclass(frozen=True, kw_only=True)
class EksCluster:
    """An EKS cluster."""

    name: str
    arn: str
    region: str


@dataclass(frozen=True, kw_only=True)
class SearchDomain:
    """An OpenSearch Service domain (engine OpenSearch or legacy Elasticsearch)."""

    name: str
    arn: str
    region: str
    engine_type: str | None = None


# --- EC2 -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Instance:
    """An EC2 instance that is not terminated."""

    instance_id: str
    arn: str
    region: str
    state: str
    instance_type: str | None = None
    key_name: str | None = None
    tags: Tags = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class KeyPair:
    """An EC2 key pair (an SSH key: the contract has no SSH)."""

    name: str
    key_pair_id: str | None
    region: str


@dataclass(frozen=True, kw_only=True)
class IngressRule:
    """One (protocol, port range, source CIDR) of a security group's ingress permissions.

    `protocol` is as AWS reports it ("tcp", "udp", "icmp", "icmpv6", "-1" = all, or a number);
    ports are None when the protocol has none (all traffic).
    """

    protocol: str
    from_port: int | None
    to_port: int | None
    cidr: str


@dataclass(frozen=True, kw_only=True)
class SecurityGroup:
    """A VPC security group with its ingress rules flattened per source CIDR."""

    group_id: str
    name: str
    region: str
    vpc_id: str | None = None
    rules: tuple[IngressRule, ...] = ()
    #: From DescribeSecurityGroups: the tagging API leaves untagged groups out entirely.
    arn: str | None = None
    tags: Tags | None = None


@dataclass(frozen=True, kw_only=True)
class NetworkInterface:
    """An ENI, with what DescribeNetworkInterfaces says about who created it.

    The tagging API leaves untagged ENIs out, so tags come from the describe call too.
    """

    interface_id: str
    arn: str
    region: str
    #: the account that owns the ENI (OwnerId)
    owner_id: str
    description: str = ""
    interface_type: str = "interface"
    requester_managed: bool = False
    requester_id: str | None = None
    #: Operator.Principal when a service operates the ENI (Operator.Managed)
    operator: str | None = None
    #: Attachment.InstanceOwnerId / InstanceId / DeviceIndex
    attachment_owner: str | None = None
    attached_instance: str | None = None
    device_index: int | None = None
    #: the NAT gateway or VPC endpoint that lists this ENI as its own
    owned_by: str | None = None
    tags: Tags = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class ElasticIp:
    """An Elastic IP address (DescribeAddresses, tags included)."""

    allocation_id: str
    arn: str
    region: str
    public_ip: str | None = None
    #: ServiceManaged: the service that allocated it for its own use (alb, nlb, rds...)
    service_managed: str | None = None
    network_interface_id: str | None = None
    tags: Tags = NO_TAGS


# --- data and workload ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DbInstance:
    """An RDS DB instance (any engine; Aurora members carry their cluster identifier)."""

    identifier: str
    arn: str
    region: str
    engine: str
    publicly_accessible: bool
    cluster_identifier: str | None = None
    tags: Tags = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class DbCluster:
    """An RDS DB cluster (Aurora, or a Multi-AZ DB cluster of another engine)."""

    identifier: str
    arn: str
    region: str
    engine: str
    tags: Tags = NO_TAGS

    @property
    def is_aurora(self) -> bool:
        return self.engine.startswith("aurora")


@dataclass(frozen=True, kw_only=True)
class EcsCluster:
    """An ECS cluster."""

    name: str
    arn: str
    region: str
    tags: Tags = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class Table:
    """A DynamoDB table. `tags` None = unreadable."""

    name: str
    arn: str
    region: str
    tags: Tags | None = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class CacheCluster:
    """An ElastiCache cache cluster (a node group member when `replication_group_id` is set).

    `tags` None = unreadable.
    """

    cluster_id: str
    arn: str
    region: str
    engine: str | None = None
    replication_group_id: str | None = None
    tags: Tags | None = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class ReplicationGroup:
    """An ElastiCache replication group. `tags` None = unreadable."""

    group_id: str
    arn: str
    region: str
    tags: Tags | None = NO_TAGS


@dataclass(frozen=True, kw_only=True)
class LoadBalancer:
    """An ELBv2 load balancer (application, network or gateway). `tags` None = unreadable."""

    name: str
    arn: str
    region: str
    type: str | None = None
    tags: Tags | None = NO_TAGS


# --- S3 --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PublicAccessBlock:
    """S3 Block Public Access settings. `configured=False`: no configuration exists (all off)."""

    block_public_acls: bool
    ignore_public_acls: bool
    block_public_policy: bool
    restrict_public_buckets: bool
    configured: bool = True

    SETTINGS = (
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    )

    @classmethod
    def not_configured(cls) -> PublicAccessBlock:
        return cls(
            block_public_acls=False,
            ignore_public_acls=False,
            block_public_policy=False,
            restrict_public_buckets=False,
            configured=False,
        )

    @classmethod
    def all_on(cls) -> PublicAccessBlock:
        return cls(
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=True,
            restrict_public_buckets=True,
        )

    @classmethod
    def from_aws(cls, config: Mapping[str, object]) -> PublicAccessBlock:
        return cls(
            block_public_acls=bool(config.get("BlockPublicAcls", False)),
            ignore_public_acls=bool(config.get("IgnorePublicAcls", False)),
            block_public_policy=bool(config.get("BlockPublicPolicy", False)),
            restrict_public_buckets=bool(config.get("RestrictPublicBuckets", False)),
        )

    def as_dict(self) -> dict[str, bool]:
        return dict(
            zip(
                self.SETTINGS,
                (
                    self.block_public_acls,
                    self.ignore_public_acls,
                    self.block_public_policy,
                    self.restrict_public_buckets,
                ),
                strict=True,
            )
        )


@dataclass(frozen=True, kw_only=True)
class Bucket:
    """An S3 bucket.

    `region` None = location unreadable; `public_access_block` None = unreadable (use
    `PublicAccessBlock.not_configured()` for "there is none"); `tags` None = unreadable.
    """

    name: str
    region: str | None
    public_access_block: PublicAccessBlock | None
    tags: Tags | None = NO_TAGS

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass(frozen=True, kw_only=True)
class AccountPublicAccessBlock:
    """The account-level S3 Block Public Access settings (s3control)."""

    account_id: str
    block: PublicAccessBlock


# --- IAM -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AccessKey:
    key_id: str
    status: str  # "Active" | "Inactive"

    @property
    def active(self) -> bool:
        return self.status == "Active"


@dataclass(frozen=True, kw_only=True)
class IamUser:
    name: str
    arn: str
    access_keys: tuple[AccessKey, ...] = ()


# --- tagging API -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TaggedResource:
    """A resource as the Resource Groups Tagging API reports it (has or had tags)."""

    arn: str
    region: str
    tags: Tags = NO_TAGS


Resource = (
    Function
    | StateMachine
    | AppRunnerService
    | EksCluster
    | SearchDomain
    | Instance
    | KeyPair
    | SecurityGroup
    | NetworkInterface
    | ElasticIp
    | DbInstance
    | DbCluster
    | EcsCluster
    | Table
    | CacheCluster
    | ReplicationGroup
    | LoadBalancer
    | Bucket
    | AccountPublicAccessBlock
    | IamUser
    | TaggedResource
)


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """Everything the collectors saw, by kind. Build it with `Inventory.of(resources)`."""

    functions: tuple[Function, ...] = ()
    state_machines: tuple[StateMachine, ...] = ()
    apprunner_services: tuple[AppRunnerService, ...] = ()
    eks_clusters: tuple[EksCluster, ...] = ()
    search_domains: tuple[SearchDomain, ...] = ()
    instances: tuple[Instance, ...] = ()
    key_pairs: tuple[KeyPair, ...] = ()
    security_groups: tuple[SecurityGroup, ...] = ()
    network_interfaces: tuple[NetworkInterface, ...] = ()
    elastic_ips: tuple[ElasticIp, ...] = ()
    db_instances: tuple[DbInstance, ...] = ()
    db_clusters: tuple[DbCluster, ...] = ()
    ecs_clusters: tuple[EcsCluster, ...] = ()
    tables: tuple[Table, ...] = ()
    cache_clusters: tuple[CacheCluster, ...] = ()
    replication_groups: tuple[ReplicationGroup, ...] = ()
    load_balancers: tuple[LoadBalancer, ...] = ()
    buckets: tuple[Bucket, ...] = ()
    iam_users: tuple[IamUser, ...] = ()
    tagged_resources: tuple[TaggedResource, ...] = ()
    #: None = the account-level block could not be read (or was not scanned).
    account_public_access_block: AccountPublicAccessBlock | None = None

    @classmethod
    def of(cls, resources: Iterable[Resource]) -> Inventory:
        by_field: dict[str, list[Resource]] = {name: [] for name in _FIELD_BY_TYPE.values()}
        account_block: AccountPublicAccessBlock | None = None
        for resource in resources:
            if isinstance(resource, AccountPublicAccessBlock):
                account_block = resource
                continue
            by_field[_FIELD_BY_TYPE[type(resource)]].append(resource)
        kwargs: dict[str, object] = {name: tuple(items) for name, items in by_field.items()}
        return cls(**kwargs, account_public_access_block=account_block)  # type: ignore[arg-type]


_FIELD_BY_TYPE: dict[type, str] = {
    Function: "functions",
    StateMachine: "state_machines",
    AppRunnerService: "apprunner_services",
    EksCluster: "eks_clusters",
    SearchDomain: "search_domains",
    Instance: "instances",
    KeyPair: "key_pairs",
    SecurityGroup: "security_groups",
    NetworkInterface: "network_interfaces",
    ElasticIp: "elastic_ips",
    DbInstance: "db_instances",
    DbCluster: "db_clusters",
    EcsCluster: "ecs_clusters",
    Table: "tables",
    CacheCluster: "cache_clusters",
    ReplicationGroup: "replication_groups",
    LoadBalancer: "load_balancers",
    Bucket: "buckets",
    IamUser: "iam_users",
    TaggedResource: "tagged_resources",
}


# --- results ---------------------------------------------------------------------------------


class Severity(enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 = most severe (sort key)."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One contract breach: what was found, where, and how to fix it."""

    check: str
    severity: Severity
    region: str
    resource: str
    found: str
    fix: str

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (self.severity.rank, self.region, self.check, self.resource)


@dataclass(frozen=True, kw_only=True)
class NotScanned:
    """A service (in a region) the audit could not look at, and why.

    `gap=False` marks a service that AWS does not offer in that region: nothing can exist
    there, so it does not make the scan incomplete.
    """

    service: str
    region: str
    reason: str
    gap: bool = True


@dataclass(frozen=True, kw_only=True)
class Report:
    """The engine's result. The report, not the CLI, decides the exit code."""

    account: str | None
    regions: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    #: how many (collector, region) units answered; 0 = nothing could be scanned
    scanned_units: int = 0
    #: set when the scan could not start at all (credentials, wrong account, ...)
    error: str | None = None
    inventory: Inventory = field(default_factory=Inventory, compare=False)
    #: Cost Explorer's spend and the budgets (`--costs`); None = not asked for
    costs: CostReport | None = None

    EXIT_CLEAN = 0
    EXIT_FINDINGS = 1
    EXIT_CANNOT_SCAN = 2

    @property
    def gaps(self) -> tuple[NotScanned, ...]:
        return tuple(n for n in self.not_scanned if n.gap)

    @property
    def scanned_nothing(self) -> bool:
        return self.error is not None or self.scanned_units == 0

    @property
    def exit_code(self) -> int:
        """0 clean and complete; 1 findings; 2 could not scan (or incomplete with no findings).

        Findings win over gaps: what was found is actionable even if part of the account
        could not be read. With no findings, any gap (access denied, throttled) means the
        audit cannot vouch for the account, so it is 2, not 0.
        """
        if self.scanned_nothing:
            return self.EXIT_CANNOT_SCAN
        if self.findings:
            return self.EXIT_FINDINGS
        if self.gaps:
            return self.EXIT_CANNOT_SCAN
        return self.EXIT_CLEAN

    @property
    def passed(self) -> bool:
        return self.exit_code == self.EXIT_CLEAN
