"""The `hv-foundation:services` section, built by compute.py: a service is a block of config, not code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .config_reader import REQUIRED, Section, show
from .data_config import DYNAMODB_TABLES
from .naming import PILLARS

Architecture = Literal["ARM64", "X86_64"]
ARCHITECTURES: tuple[Architecture, ...] = ("ARM64", "X86_64")

# Fargate task sizes: memory (MiB) allowed for each cpu (units).
FARGATE_SIZES: Mapping[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
# What a service may name under `uses:`; each engine or pillar turns a name into grants.
USES = ("postgres", "redis", "bedrock", "cognito", "cognito-m2m",
        *(f"dynamodb:{table}" for table in DYNAMODB_TABLES))

SERVICE_NAME = r"[a-z][a-z0-9-]{1,18}[a-z0-9]"
SECRET_NAME = r"[a-z0-9][a-z0-9-]{0,62}"
ENV_NAME = r"[A-Z_][A-Z0-9_]*"
HOST_LABELS = r"(@|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)"
PATH_PATTERN = r"/[A-Za-z0-9._~/*?-]*"
ACM_MAX_NAMES = 10  # ACM's default quota of names per certificate; each service adds one host
HOST_RULE_OFFSET = 10000  # host rules come after every path rule (priorities 1–9999)


@dataclass(frozen=True)
class ScalingConfig:
    min_count: int
    max_count: int
    cpu_target: int
    memory_target: int | None


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    pillar: str
    image_repository: str
    image_tag: str
    cpu: int
    memory: int
    architecture: Architecture
    port: int
    host: str
    paths: tuple[str, ...]
    priority: int
    health_check_path: str
    desired_count: int
    scaling: ScalingConfig
    secrets: Mapping[str, str]
    environment: Mapping[str, str]
    uses: tuple[str, ...]
    readonly_root_filesystem: bool
    spot: bool
    ecs_exec: bool
    # The name this service had before a rename: its resources are aliased, so Pulumi moves them.
    renamed_from: str | None = None

    def fqdn(self, domain: str) -> str:
        return domain if self.host == "@" else f"{self.host}.{domain}"


def parse_services(root: Section, *, min_tasks: int, ecs_exec_allowed: bool,
                   spot_allowed: bool) -> tuple[ServiceConfig, ...]:
    services = []
    for name, section in sorted(root.sections("services").items()):
        if not re.fullmatch(SERVICE_NAME, name):
            section.problems.add(section.path, "is not a valid service name (allowed: 3–20 lowercase "
                                 "letters, digits and hyphens, starting with a letter)")
        services.append(_service(name, section, min_tasks=min_tasks, ecs_exec_allowed=ecs_exec_allowed,
                                 spot_allowed=spot_allowed))
    _check_unique(root, services)
    _check_renames(root, services)
    if len(services) > ACM_MAX_NAMES:
        root.problem("services", f"{len(services)} services, but the ALB's one certificate holds at most "
                     f"{ACM_MAX_NAMES} host names (ACM's default quota); remove services or split the stack")
    return tuple(services)


def _service(name: str, section: Section, *, min_tasks: int, ecs_exec_allowed: bool,
             spot_allowed: bool) -> ServiceConfig:
    pillar = section.choice("pillar", REQUIRED, PILLARS)
    image = section.section("image")
    cpu = section.integer("cpu", 256)
    memory = section.integer("memory", 512)
    if cpu not in FARGATE_SIZES:
        section.problem("cpu", f"{cpu} is not a Fargate cpu size (allowed: "
                        f"{', '.join(map(str, FARGATE_SIZES))})")
    elif memory not in FARGATE_SIZES[cpu]:
        section.problem("memory", f"{memory} is not a valid Fargate memory for cpu {cpu} (allowed: "
                        f"{', '.join(map(str, FARGATE_SIZES[cpu]))})")
    scaling_section = section.section("scaling")
    scaling = ScalingConfig(
        min_count=scaling_section.integer("min", min_tasks, minimum=min_tasks, maximum=100),
        max_count=scaling_section.integer("max", max(min_tasks, 2), minimum=1, maximum=100),
        cpu_target=scaling_section.integer("cpuTarget", 60, minimum=10, maximum=90),
        memory_target=scaling_section.integer("memoryTarget", 75, minimum=10, maximum=90)
        if scaling_section.has("memoryTarget") else None,
    )
    scaling_section.finish()
    if scaling.max_count < scaling.min_count:
        scaling_section.problem("max", f"{scaling.max_count} is below scaling.min {scaling.min_count}")
    desired = section.integer("desiredCount", scaling.min_count, minimum=min_tasks, maximum=100)
    if not scaling.min_count <= desired <= scaling.max_count:
        section.problem("desiredCount", f"{desired} is outside the scaling range "
                        f"{scaling.min_count}–{scaling.max_count}")
    ecs_exec = section.boolean("ecsExec", ecs_exec_allowed)
    if ecs_exec and not ecs_exec_allowed:
        section.problem("ecsExec", "true is not allowed in this environment (posture.ecsExec is false)")
    spot = section.boolean("spot", False)
    if spot and not spot_allowed:
        section.problem("spot", "true is not allowed in this environment (posture.fargateSpot is false)")
    renamed_from = section.string("renamedFrom", None, pattern=SERVICE_NAME,
                                  allowed_text="the former service name: 3–20 lowercase letters, digits and hyphens")
    service = ServiceConfig(
        name=name,
        pillar=pillar,
        # A renamed service keeps its image repository (and the images in it) unless told otherwise.
        image_repository=image.string("repository", renamed_from or name, pattern=r"[a-z0-9][a-z0-9._/-]{1,200}",
                                      allowed_text="an ECR repository name"),
        image_tag=image.string("tag", "bootstrap", pattern=r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
                               allowed_text="a Docker tag"),
        cpu=cpu,
        memory=memory,
        architecture=section.choice("architecture", "ARM64", ARCHITECTURES),  # type: ignore[arg-type]
        port=section.integer("port", minimum=1, maximum=65535),
        host=section.string("host", pattern=HOST_LABELS,
                            allowed_text="DNS labels relative to the stack's domain, or @ for the domain"),
        paths=_paths(section),
        priority=section.integer("priority", minimum=1, maximum=HOST_RULE_OFFSET - 1),
        health_check_path=section.string("healthCheckPath", "/health", pattern=PATH_PATTERN,
                                         allowed_text="an absolute URL path"),
        desired_count=desired,
        scaling=scaling,
        secrets=_names(section, "secrets", value_pattern=SECRET_NAME,
                       value_text="a secret name: lowercase letters, digits and hyphens"),
        environment=_names(section, "environment"),
        uses=_uses(section),
        readonly_root_filesystem=_readonly_root(section, ecs_exec),
        spot=spot,
        ecs_exec=ecs_exec,
        renamed_from=renamed_from,
    )
    image.finish()
    section.finish()
    return service


def _readonly_root(section: Section, ecs_exec: bool) -> bool:
    """Read-only unless ECS Exec is on: the SSM agent it injects needs a writable filesystem."""
    readonly = section.boolean("readonlyRootFilesystem", not ecs_exec)
    if readonly is True and ecs_exec:
        section.problem("readonlyRootFilesystem", "true cannot be combined with ecsExec: true "
                        "(the ECS Exec agent writes to the root filesystem); set one of them to false")
    return readonly


def _paths(section: Section) -> tuple[str, ...]:
    paths = section.string_list("paths")
    for path in paths:
        if not re.fullmatch(PATH_PATTERN, path):
            section.problem("paths", f"{show(path)} is not a path pattern (e.g. /ingest/*)")
    return paths


def _names(section: Section, key: str, *, value_pattern: str | None = None,
           value_text: str = "") -> dict[str, str]:
    """A mapping of environment variable names to values (or to secret names)."""
    mapping = section.string_map(key)
    for name, value in mapping.items():
        if not re.fullmatch(ENV_NAME, name):
            section.problems.add(f"{section.key_path(key)}.{name}",
                                 "is not an environment variable name (allowed: A–Z, 0–9, _)")
        if value_pattern and not re.fullmatch(value_pattern, value):
            section.problems.add(f"{section.key_path(key)}.{name}",
                                 f"{show(value)} is not valid (allowed: {value_text})")
    return mapping


def _uses(section: Section) -> tuple[str, ...]:
    uses = section.string_list("uses")
    for entry in uses:
        if entry not in USES:
            section.problem("uses", f"{show(entry)} names nothing that can be granted "
                            f"(allowed: {', '.join(USES)})")
    if len(set(uses)) != len(uses):
        section.problem("uses", f"{show(list(uses))} lists an entry twice")
    return uses


def _check_unique(root: Section, services: list[ServiceConfig]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for service in services:
        keys = [("host", service.host), ("priority", str(service.priority)),
                *(("path", path) for path in service.paths)]
        for kind, value in keys:
            if value in (None, "None"):
                continue
            owner = seen.setdefault((kind, value), service.name)
            if owner != service.name:
                root.problems.add(f"{root.key_path('services')}.{service.name}",
                                  f"{kind} {show(value)} is already used by service {owner!r} "
                                  f"({kind}s must be unique)")


def _check_renames(root: Section, services: list[ServiceConfig]) -> None:
    names = {service.name for service in services}
    claimed: dict[str, str] = {}
    for service in services:
        old = service.renamed_from
        if old is None:
            continue
        path = f"{root.key_path('services')}.{service.name}.renamedFrom"
        if old in names:
            root.problems.add(path, f"{show(old)} is a service of this stack (renamedFrom names the service's "
                              "former name, which no service has any more)")
        elif claimed.setdefault(old, service.name) != service.name:
            root.problems.add(path, f"{show(old)} is already claimed by service {claimed[old]!r} "
                              "(one service can be renamed once)")
