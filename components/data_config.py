"""The `hv-foundation:data` section: engine versions and sizes of the three data engines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .config_reader import Section, show

RedisEngine = Literal["redis", "valkey"]
REDIS_ENGINES: tuple[RedisEngine, ...] = ("redis", "valkey")
INSTANCE_CLASS = r"db\.(t4g|t3|m7g|m6g|m6i|m5|r7g|r6g|r6i|r5)\.(micro|small|medium|large|\d*xlarge)"
NODE_TYPE = r"cache\.(t4g|t3|m7g|m6g|m5|r7g|r6g|r5)\.(micro|small|medium|large|\d*xlarge)"
MAJOR_VERSION = r"(\d+)(\.\d+)*"
# The DynamoDB tables the data component creates; services name them under `uses:` as dynamodb:<table>.
DYNAMODB_TABLES = ("rate-limits", "locks", "dedup", "feature-flags")


@dataclass(frozen=True)
class PostgresConfig:
    engine_version: str
    instance_class: str
    allocated_storage: int
    max_allocated_storage: int
    database_name: str
    # The database user the applications connect as with IAM authentication.
    iam_user: str

    @property
    def parameter_group_family(self) -> str:
        return f"postgres{self.engine_version.split('.')[0]}"

    @property
    def max_connections(self) -> int:
        """RDS's default for Postgres: LEAST(DBInstanceClassMemory/9531392, 5000)."""
        return min(instance_memory_bytes(self.instance_class) // 9531392, 5000)


# GiB of memory per size: burstable (t*) and general purpose (m*) double from 1 GiB at micro and
# 8 GiB at large; memory optimized (r*) have twice m*'s.
_SIZE_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16}


def instance_memory_bytes(instance_class: str) -> int:
    family, size = instance_class.split(".")[1:3]
    multiple = re.fullmatch(r"(\d*)xlarge", size)
    gib = 16 * int(multiple.group(1) or 1) if multiple else _SIZE_GIB[size]
    return (gib * 2 if family.startswith("r") else gib) * 1024 ** 3


@dataclass(frozen=True)
class RedisConfig:
    engine: RedisEngine
    engine_version: str
    node_type: str

    @property
    def parameter_group_family(self) -> str:
        major = self.engine_version.split(".")[0]
        return f"valkey{major}" if self.engine == "valkey" else f"redis{major}"


@dataclass(frozen=True)
class DataConfig:
    postgres: PostgresConfig
    redis: RedisConfig


def parse_data(section: Section) -> DataConfig:
    postgres_section = section.section("postgres")
    allocated = postgres_section.integer("allocatedStorage", 20, minimum=20, maximum=65536)
    maximum = postgres_section.integer("maxAllocatedStorage", 100, minimum=20, maximum=65536)
    if isinstance(allocated, int) and isinstance(maximum, int) and maximum <= allocated:
        postgres_section.problem("maxAllocatedStorage", f"{maximum} must exceed allocatedStorage {allocated} "
                                 "(storage autoscaling needs room to grow)")
    postgres = PostgresConfig(
        engine_version=_postgres_version(postgres_section),
        instance_class=_sized(postgres_section, "instanceClass", "db.t4g.micro", INSTANCE_CLASS,
                              "an RDS instance class such as db.t4g.micro or db.m7g.large"),
        allocated_storage=allocated,
        max_allocated_storage=maximum,
        database_name=postgres_section.string("databaseName", "hub", pattern=r"[a-z][a-z0-9_]{0,62}",
                                              allowed_text="lowercase letters, digits and _"),
        iam_user=postgres_section.string("iamUser", "hub_app", pattern=r"[a-z][a-z0-9_]{0,62}",
                                         allowed_text="lowercase letters, digits and _"),
    )
    postgres_section.finish()
    redis_section = section.section("redis")
    redis = RedisConfig(
        engine=redis_section.choice("engine", "valkey", REDIS_ENGINES),  # type: ignore[arg-type]
        engine_version=_version(redis_section, "engineVersion", "8.0"),
        node_type=_sized(redis_section, "nodeType", "cache.t4g.micro", NODE_TYPE,
                         "an ElastiCache node type such as cache.t4g.micro or cache.r7g.large"),
    )
    redis_section.finish()
    section.finish()
    return DataConfig(postgres=postgres, redis=redis)


def _version(section: Section, key: str, default: str) -> str:
    return section.string(key, default, pattern=MAJOR_VERSION, allowed_text="a version such as 16 or 16.4")


def _postgres_version(section: Section) -> str:
    """A major version only: RDS applies minor upgrades itself (auto minor upgrade is on), and a
    pinned minor would then ask every later `up` to downgrade, which RDS refuses."""
    version = _version(section, "engineVersion", "16")
    if isinstance(version, str) and "." in version:
        section.problem("engineVersion", f"{show(version)} pins a minor version, but RDS upgrades minors "
                        f"automatically; give the major only (e.g. {show(version.split('.')[0])})")
        return version.split(".")[0]
    return version


def _sized(section: Section, key: str, default: str, pattern: str, allowed: str) -> str:
    value = section.string(key, default)
    if isinstance(value, str) and not re.fullmatch(pattern, value):
        section.problem(key, f"{show(value)} is not of a supported family (allowed: {allowed})")
        return default
    return value
