"""The typed stack config: parsed once from `pulumi.Config`, validated whole, then immutable.

Sizes, hosts and toggles live in `Pulumi.<stack>.yaml`. Everything that follows from the
environment (multi-AZ, deletion protection, retention, NAT strategy …) is derived in one place,
`ENVIRONMENT_DEFAULTS`, and can be overridden per stack under `hv-foundation:posture` or the
pillar's own section. Components never look at the environment name: they get `*Args` built here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .config_reader import REQUIRED, Problems, Section, decode_raw, show
from .cost_config import CostConfig, parse_cost
from .data_config import DataConfig, parse_data
from .identity_config import BedrockConfig, IdentityConfig, parse_bedrock, parse_identity
from .naming import CONTRACT_ACCOUNT_ID, CONTRACT_REGION, PROJECT
from .ops_config import (
    CiConfig,
    DeliveryConfig,
    OperationsConfig,
    SchedulerConfig,
    parse_ci,
    parse_delivery,
    parse_operations,
    parse_scheduler,
)
from .service_config import ServiceConfig, parse_services

Environment = Literal["dev", "prod"]
NatStrategy = Literal["single", "per-az", "none"]
FlowLogTraffic = Literal["ACCEPT", "REJECT", "ALL"]

ENVIRONMENTS: tuple[Environment, ...] = ("dev", "prod")
NAT_STRATEGIES: tuple[NatStrategy, ...] = ("single", "per-az", "none")
FLOW_LOG_TRAFFIC: tuple[FlowLogTraffic, ...] = ("ACCEPT", "REJECT", "ALL")
# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime")
# Static credentials in stack config would be shared keys: the contract forbids them.
FORBIDDEN_AWS_KEYS = ("accessKey", "secretKey", "token")

ENVIRONMENT_DEFAULTS: Mapping[Environment, Mapping[str, Any]] = {
    "dev": {
        "azCount": 2, "nat": "single", "interfaceEndpoints": False,
        "flowLogTraffic": "REJECT", "flowLogRetentionDays": 7,
        "multiAz": False, "deletionProtection": False, "protectStateful": False,
        "logRetentionDays": 14, "backupRetentionDays": 1, "finalSnapshot": False,
        "ecsExec": True, "containerInsights": False, "fargateSpot": True,
        "albAccessLogs": False, "performanceInsights": False, "bucketVersioning": False,
        "minTasks": 1, "secretRecoveryDays": 0, "pointInTimeRecovery": False, "cacheSnapshotDays": 0,
        "bedrockInvocationLogging": False, "manualApproval": False,
    },
    "prod": {
        "azCount": 3, "nat": "per-az", "interfaceEndpoints": True,
        "flowLogTraffic": "ALL", "flowLogRetentionDays": 90,
        "multiAz": True, "deletionProtection": True, "protectStateful": True,
        "logRetentionDays": 90, "backupRetentionDays": 14, "finalSnapshot": True,
        "ecsExec": False, "containerInsights": True, "fargateSpot": False,
        "albAccessLogs": True, "performanceInsights": True, "bucketVersioning": True,
        "minTasks": 2, "secretRecoveryDays": 30, "pointInTimeRecovery": True, "cacheSnapshotDays": 7,
        "bedrockInvocationLogging": True, "manualApproval": True,
    },
}


@dataclass(frozen=True)
class AwsConfig:
    region: str
    account_id: str


@dataclass(frozen=True)
class Posture:
    """Cross-cutting settings that differ between environments."""

    multi_az: bool
    deletion_protection: bool
    protect_stateful: bool
    log_retention_days: int
    backup_retention_days: int
    final_snapshot: bool
    ecs_exec: bool
    container_insights: bool
    fargate_spot: bool
    alb_access_logs: bool
    performance_insights: bool
    bucket_versioning: bool
    # Fewest tasks a service may run: two in prod, so one AZ can fail.
    min_tasks: int
    # Secrets Manager recovery window; 0 deletes at once (dev), 7–30 days otherwise.
    secret_recovery_days: int
    point_in_time_recovery: bool
    cache_snapshot_days: int
    # A human approves each pipeline's deploy (prod).
    manual_approval: bool


@dataclass(frozen=True)
class NetworkConfig:
    cidr: str
    az_count: int
    nat: NatStrategy
    interface_endpoints: tuple[str, ...]
    flow_log_traffic: FlowLogTraffic
    flow_log_retention_days: int


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    environment: Environment
    aws: AwsConfig
    zone: str
    domain: str
    posture: Posture
    network: NetworkConfig
    services: tuple[ServiceConfig, ...]
    data: DataConfig
    # None when the stack has no `identity` section (then no service may use cognito).
    identity: IdentityConfig | None
    bedrock: BedrockConfig
    operations: OperationsConfig
    # None when the stack has no `delivery` section: no application pipelines.
    delivery: DeliveryConfig | None
    # None when the stack has no `ci` section: no GitHub OIDC roles (CI does not deploy it).
    ci: CiConfig | None
    scheduler: SchedulerConfig
    # None when the stack has no `cost` section: no budgets, no cost controls.
    cost: CostConfig | None = None

    def service(self, name: str) -> ServiceConfig:
        return next(service for service in self.services if service.name == name)

    def physical_name(self, *parts: str) -> str:
        """`hv-<env>-<parts>`: the prefix every physical name in the account carries."""
        return "-".join(("hv", self.environment, *parts))


def load_stack_config(raw: Mapping[str, Any], project: str, stack: str) -> StackConfig:
    """Parse the whole stack config; raise `ConfigError` listing every problem at once.

    `raw` maps fully-qualified keys (`aws:region`, `hv-foundation:network`) to the values Pulumi
    hands the program (structured values as JSON strings).
    """
    problems = Problems()
    root = Section({key.split(":", 1)[1]: value for key, value in raw.items()
                    if key.startswith(f"{PROJECT}:")}, PROJECT, problems, separator=":")

    aws = _aws(raw, problems)
    environment: Environment = root.choice("environment", REQUIRED, ENVIRONMENTS)  # type: ignore[assignment]
    # A missing environment is already a problem; dev defaults let the other checks go on.
    defaults = ENVIRONMENT_DEFAULTS[environment or "dev"]
    zone = root.string("zone", "happen.ventures", pattern=_DOMAIN, allowed_text="a DNS zone name")
    domain = root.string("domain", pattern=_DOMAIN, allowed_text="a DNS name")
    if domain and zone and domain != zone and not domain.endswith(f".{zone}"):
        root.problem("domain", f"{show(domain)} is not inside the zone {zone!r}")
    posture = _posture(root.section("posture"), defaults)
    network = _network(root.section("network"), defaults)
    data = parse_data(root.section("data"))
    services = parse_services(root, min_tasks=posture.min_tasks, ecs_exec_allowed=posture.ecs_exec,
                              spot_allowed=posture.fargate_spot)
    identity = None
    if root.has("identity"):
        identity = parse_identity(root.section("identity"), environment=environment,
                                  services=tuple(service.name for service in services))
    else:
        _refuse_identity_uses(root, services)
    bedrock = parse_bedrock(root.section("bedrock"),
                            invocation_logging_default=defaults["bedrockInvocationLogging"])
    service_names = tuple(service.name for service in services)
    operations = parse_operations(root.section("operations"))
    delivery = parse_delivery(root.section("delivery"), services=service_names) if root.has("delivery") else None
    ci = parse_ci(root.section("ci"), environment=environment,
                  create_oidc_default=environment == "prod") if root.has("ci") else None
    scheduler = parse_scheduler(root.section("scheduler"), services=service_names)
    cost = parse_cost(root.section("cost"), create_account_default=environment == "prod") if root.has("cost") else None
    root.finish()
    problems.raise_if_any()
    return StackConfig(project=project, stack=stack, environment=environment, aws=aws, zone=zone,
                       domain=domain, posture=posture, network=network, services=services,
                       data=data, identity=identity, bedrock=bedrock, operations=operations,
                       delivery=delivery, ci=ci, scheduler=scheduler, cost=cost)


def _refuse_identity_uses(root: Section, services: tuple[ServiceConfig, ...]) -> None:
    for service in services:
        for entry in service.uses:
            if entry.startswith("cognito"):
                root.problems.add(f"{root.key_path('services')}.{service.name}.uses",
                                  f"{show(entry)} needs the identity pillar (add an hv-foundation:identity section)")


def load_from_pulumi() -> StackConfig:
    """The stack config of the running Pulumi program."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    # The engine hands config over as the PULUMI_CONFIG environment and/or set_all_config; both
    # are read so that unknown keys can be detected (pulumi.Config cannot enumerate keys).
    raw = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return load_stack_config(raw, pulumi.get_project(), pulumi.get_stack())


_DOMAIN = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"


def _aws(raw: Mapping[str, Any], problems: Problems) -> AwsConfig:
    region = raw.get("aws:region")
    if region != CONTRACT_REGION:
        problems.add("aws:region", f"{show(region) if region is not None else 'missing'} is not "
                     f"allowed (allowed: {CONTRACT_REGION}, the contract's only region)")
    accounts = decode_raw(raw.get("aws:allowedAccountIds"))
    if accounts != [CONTRACT_ACCOUNT_ID]:
        problems.add("aws:allowedAccountIds", f"{show(accounts) if accounts is not None else 'missing'}"
                     f" is not allowed (allowed: [\"{CONTRACT_ACCOUNT_ID}\"], the contract's only account)")
    for key in FORBIDDEN_AWS_KEYS:
        if f"aws:{key}" in raw:
            problems.add(f"aws:{key}", "static credentials are not allowed in stack config "
                         "(use an IAM role: OIDC in CI, SSO locally)")
    return AwsConfig(region=CONTRACT_REGION, account_id=CONTRACT_ACCOUNT_ID)


def _posture(section: Section, defaults: Mapping[str, Any]) -> Posture:
    posture = Posture(
        multi_az=section.boolean("multiAz", defaults["multiAz"]),
        deletion_protection=section.boolean("deletionProtection", defaults["deletionProtection"]),
        protect_stateful=section.boolean("protectStateful", defaults["protectStateful"]),
        log_retention_days=_retention(section, "logRetentionDays", defaults["logRetentionDays"]),
        backup_retention_days=section.integer("backupRetentionDays", defaults["backupRetentionDays"],
                                              minimum=1, maximum=35),
        final_snapshot=section.boolean("finalSnapshot", defaults["finalSnapshot"]),
        ecs_exec=section.boolean("ecsExec", defaults["ecsExec"]),
        container_insights=section.boolean("containerInsights", defaults["containerInsights"]),
        fargate_spot=section.boolean("fargateSpot", defaults["fargateSpot"]),
        alb_access_logs=section.boolean("albAccessLogs", defaults["albAccessLogs"]),
        performance_insights=section.boolean("performanceInsights", defaults["performanceInsights"]),
        bucket_versioning=section.boolean("bucketVersioning", defaults["bucketVersioning"]),
        min_tasks=section.integer("minTasks", defaults["minTasks"], minimum=1, maximum=10),
        secret_recovery_days=section.integer("secretRecoveryDays", defaults["secretRecoveryDays"],
                                             minimum=0, maximum=30),
        point_in_time_recovery=section.boolean("pointInTimeRecovery", defaults["pointInTimeRecovery"]),
        cache_snapshot_days=section.integer("cacheSnapshotDays", defaults["cacheSnapshotDays"],
                                            minimum=0, maximum=35),
        manual_approval=section.boolean("manualApproval", defaults["manualApproval"]),
    )
    if 0 < posture.secret_recovery_days < 7:
        section.problem("secretRecoveryDays", f"{posture.secret_recovery_days} is not allowed "
                        "(allowed: 0, or 7–30 days)")
    section.finish()
    return posture


def _retention(section: Section, key: str, default: int) -> int:
    value = section.integer(key, default)
    if value not in LOG_RETENTION_DAYS:
        section.problem(key, f"{value} is not a CloudWatch Logs retention period "
                        f"(allowed: {', '.join(map(str, LOG_RETENTION_DAYS))})")
        return default
    return value


def _network(section: Section, defaults: Mapping[str, Any]) -> NetworkConfig:
    cidr = section.string("cidr")
    if cidr is not None:
        _check_vpc_cidr(section, cidr)
    endpoints_on = section.boolean("interfaceEndpoints", defaults["interfaceEndpoints"])
    flow_logs = section.section("flowLogs")
    network = NetworkConfig(
        cidr=cidr,
        az_count=section.integer("azCount", defaults["azCount"], minimum=2, maximum=3),
        nat=section.choice("nat", defaults["nat"], NAT_STRATEGIES),  # type: ignore[arg-type]
        interface_endpoints=INTERFACE_ENDPOINT_SERVICES if endpoints_on else (),
        flow_log_traffic=flow_logs.choice("traffic", defaults["flowLogTraffic"],
                                          FLOW_LOG_TRAFFIC),  # type: ignore[arg-type]
        flow_log_retention_days=_retention(flow_logs, "retentionDays",
                                           defaults["flowLogRetentionDays"]),
    )
    flow_logs.finish()
    section.finish()
    return network


MIN_VPC_PREFIX, MAX_VPC_PREFIX = 16, 20
_PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _check_vpc_cidr(section: Section, cidr: str) -> None:
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as error:
        section.problem("cidr", f"{show(cidr)} is not a valid IPv4 network ({error}; e.g. 10.20.0.0/16)")
        return
    if not isinstance(network, ipaddress.IPv4Network):
        section.problem("cidr", f"{show(cidr)} is not an IPv4 network (allowed: a private IPv4 /16–/20)")
    elif not MIN_VPC_PREFIX <= network.prefixlen <= MAX_VPC_PREFIX:
        section.problem("cidr", f"{show(cidr)} has prefix /{network.prefixlen} "
                        f"(allowed: /{MIN_VPC_PREFIX} to /{MAX_VPC_PREFIX})")
    elif not any(network.subnet_of(private) for private in _PRIVATE_RANGES):
        section.problem("cidr", f"{show(cidr)} is not a private range "
                        "(allowed: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
