"""The typed stack config: parsed once from `pulumi.Config`, validated whole, then immutable.

Sizes, hosts and toggles live in `Pulumi.<stack>.yaml`; each section is parsed by the
`<component>_config.py` module beside the component it configures. Everything that follows from
the environment (multi-AZ, deletion protection, retention, NAT strategy …) is an
`EnvironmentSetting` described once (`posture.py`, and the network and Bedrock sections' own
keys), overridable per stack. Components never look at the environment name: they get `*Args`
built here.
"""

from __future__ import annotations

import difflib
import functools
import json
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bedrock_config import BedrockConfig, parse_bedrock
from .ci_roles_config import CiConfig, parse_ci
from .compute_config import ServiceConfig, parse_services
from .config_reader import REQUIRED, Problems, Section, decode_raw, show
from .cost_config import CostConfig, parse_cost
from .data_config import DataConfig, parse_data
from .delivery_config import DeliveryConfig, parse_delivery
from .environment import ENVIRONMENTS, Environment
from .identity_config import IdentityConfig, parse_identity
from .naming import CONTRACT_ACCOUNT_ID, CONTRACT_REGION, PROJECT
from .network_config import NetworkConfig, overlapping_stack_cidrs, parse_network
from .operations_config import OperationsConfig, parse_operations
from .posture import Posture, parse_posture
from .scheduler_config import SchedulerConfig, parse_scheduler

# Static credentials in stack config would be shared keys: the contract forbids them.
FORBIDDEN_AWS_KEYS = ("accessKey", "secretKey", "token")


@dataclass(frozen=True)
class AwsConfig:
    region: str
    account_id: str


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


def load_stack_config(raw: Mapping[str, Any], project: str, stack: str,
                      provider_namespaces: Iterable[str] | None = None) -> StackConfig:
    """Parse the whole stack config; raise `ConfigError` listing every problem at once.

    `raw` maps fully-qualified keys (`aws:region`, `hv-foundation:network`) to the values Pulumi
    hands the program (structured values as JSON strings). `provider_namespaces` are the config
    namespaces of the providers the program may configure; by default the installed ones.
    """
    problems = Problems()
    _check_namespaces(raw, problems, provider_namespaces)
    root = Section({key.split(":", 1)[1]: value for key, value in raw.items()
                    if key.startswith(f"{PROJECT}:")}, PROJECT, problems, separator=":")

    aws = _aws(raw, problems)
    environment: Environment = root.choice("environment", REQUIRED, ENVIRONMENTS)  # type: ignore[assignment]
    # A missing environment is already a problem; dev defaults let the other checks go on.
    defaults_of: Environment = environment or "dev"
    zone = root.string("zone", "happen.ventures", pattern=_DOMAIN, allowed_text="a DNS zone name")
    domain = root.string("domain", pattern=_DOMAIN, allowed_text="a DNS name")
    if domain and zone and domain != zone and not domain.endswith(f".{zone}"):
        root.problem("domain", f"{show(domain)} is not inside the zone {zone!r}")
    posture = parse_posture(root.section("posture"), defaults_of)
    network = parse_network(root.section("network"), defaults_of, aws.region)
    data = parse_data(root.section("data"))
    services = parse_services(root, min_tasks=posture.min_tasks, ecs_exec_allowed=posture.ecs_exec,
                              spot_allowed=posture.fargate_spot)
    identity = None
    if root.has("identity"):
        identity = parse_identity(root.section("identity"), environment=environment,
                                  services=tuple(service.name for service in services))
    else:
        _refuse_identity_uses(root, services)
    bedrock = parse_bedrock(root.section("bedrock"), defaults_of)
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
    config = load_stack_config(raw, pulumi.get_project(), pulumi.get_stack())
    for warning in overlapping_stack_cidrs(config.stack, config.network.cidr, Path.cwd()):
        pulumi.log.warn(warning)
    return config


# Keys under these namespaces configure Pulumi itself (`pulumi:tags`, `pulumi:template` …).
PULUMI_NAMESPACES = ("pulumi",)


@functools.cache
def installed_provider_namespaces() -> tuple[str, ...]:
    """The config namespaces of the Pulumi provider packages importable beside the program
    (`aws` for pulumi_aws): each package ships a `pulumi-plugin.json` naming its provider. Read
    off sys.path's directories: parsing every installed distribution's metadata instead cost a
    tenth of a run."""
    names = set()
    for module in pkgutil.iter_modules():
        location = getattr(module.module_finder, "path", None)
        if not module.ispkg or not module.name.startswith("pulumi_") or location is None:
            continue
        try:
            plugin = json.loads((Path(location) / module.name / "pulumi-plugin.json").read_text())
        except (OSError, ValueError):
            continue
        if isinstance(plugin, dict) and plugin.get("resource") and isinstance(plugin.get("name"), str):
            names.add(plugin["name"])
    return tuple(sorted(names))


def _check_namespaces(raw: Mapping[str, Any], problems: Problems, provider_namespaces: Iterable[str] | None) -> None:
    """A key under an unknown namespace is a typo (`hv-foundaton:operations`): nothing would read it."""
    allowed = (PROJECT, *PULUMI_NAMESPACES,
               *(installed_provider_namespaces() if provider_namespaces is None else provider_namespaces))
    for key in sorted(raw):
        namespace = key.split(":", 1)[0] if ":" in key else ""
        if namespace in allowed:
            continue
        closest = difflib.get_close_matches(namespace, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {closest[0]}:?" if closest else ""
        problems.add(key, f"unknown namespace {namespace!r} (allowed: {', '.join(allowed)}){hint}")


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
