"""The `hv-foundation:posture` section: cross-cutting settings that differ between environments.

Each field of `Posture` carries its whole description (key, dev default, prod default, what it
does); the defaults, the parsing and the README table are generated from it:

    python -m components.posture                   # print the table of environment defaults
    python -m components.posture --write README.md # replace the block between the posture markers
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from readme_blocks import block_command

from .bedrock_config import BEDROCK_SETTINGS
from .config_reader import Section
from .environment import Environment, EnvironmentSetting, SettingValue, log_retention
from .network_config import NETWORK_SETTINGS


def _setting(key: str, dev: SettingValue, prod: SettingValue, description: str, **limits: Any) -> Any:
    return field(metadata={"setting": EnvironmentSetting(key, dev, prod, description, **limits)})


def _retention(key: str, dev: int, prod: int, description: str) -> Any:
    return field(metadata={"setting": log_retention(key, dev, prod, description)})


@dataclass(frozen=True)
class Posture:
    """Cross-cutting settings that differ between environments."""

    multi_az: bool = _setting("multiAz", False, True, "RDS Multi-AZ; Redis with a replica in another AZ and "
                              "automatic failover")
    deletion_protection: bool = _setting("deletionProtection", False, True, "AWS deletion protection on the "
                                         "database, the tables, the load balancer and the user pool")
    protect_stateful: bool = _setting("protectStateful", False, True, "Pulumi `protect` on everything "
                                      "stateful (see components/stateful.py); buckets and ECR repositories "
                                      "are force-deletable when off")
    log_retention_days: int = _retention("logRetentionDays", 14, 90, "days CloudWatch keeps application, "
                                         "database, delivery and Bedrock invocation logs")
    backup_retention_days: int = _setting("backupRetentionDays", 1, 14, "days of RDS automated backups (1–35)",
                                          minimum=1, maximum=35)
    final_snapshot: bool = _setting("finalSnapshot", False, True, "RDS and Redis take a final snapshot when "
                                    "deleted")
    ecs_exec: bool = _setting("ecsExec", True, False, "services may (and by default do) allow ECS Exec")
    container_insights: bool = _setting("containerInsights", False, True, "ECS Container Insights on the cluster")
    fargate_spot: bool = _setting("fargateSpot", True, False, "the cluster offers Fargate Spot and services may "
                                  "use it (`spot: true`)")
    alb_access_logs: bool = _setting("albAccessLogs", False, True, "the load balancer writes access logs to a "
                                     "private bucket")
    performance_insights: bool = _setting("performanceInsights", False, True, "RDS Performance Insights and "
                                          "enhanced monitoring")
    bucket_versioning: bool = _setting("bucketVersioning", False, True, "versioning on the operations buckets")
    # Two in prod, so one AZ can fail.
    min_tasks: int = _setting("minTasks", 1, 2, "fewest tasks a service may run (1–10)", minimum=1, maximum=10)
    secret_recovery_days: int = _setting(
        "secretRecoveryDays", 0, 30, "Secrets Manager recovery window in days; 0 deletes at once",
        minimum=0, maximum=30, allowed=(0, *range(7, 31)), allowed_text="a Secrets Manager recovery window")
    point_in_time_recovery: bool = _setting("pointInTimeRecovery", False, True, "DynamoDB point-in-time recovery")
    cache_snapshot_days: int = _setting("cacheSnapshotDays", 0, 7, "days of Redis daily snapshots (0–35)",
                                        minimum=0, maximum=35)
    manual_approval: bool = _setting("manualApproval", False, True, "a human approves each pipeline's deploy")
    # Otherwise class, storage and Multi-AZ changes wait for the maintenance window, and every
    # preview shows them again until then.
    apply_immediately: bool = _setting("applyImmediately", True, False, "RDS and Redis apply modifications at "
                                       "once instead of in the next maintenance window")

    @classmethod
    def settings(cls) -> tuple[EnvironmentSetting, ...]:
        return tuple(item.metadata["setting"] for item in fields(cls))

    @classmethod
    def of_environment(cls, environment: Environment) -> Posture:
        """The posture an environment gets when its stack file overrides nothing."""
        return cls(**{item.name: item.metadata["setting"].default(environment) for item in fields(cls)})


def parse_posture(section: Section, environment: Environment) -> Posture:
    posture = Posture(**{item.name: item.metadata["setting"].read(section, environment)
                         for item in fields(Posture)})
    section.finish()
    return posture


# Every environment-derived key, in the order the README lists them.
ENVIRONMENT_SETTINGS: tuple[EnvironmentSetting, ...] = (*Posture.settings(), *NETWORK_SETTINGS, *BEDROCK_SETTINGS)
START, END = "<!-- posture:start -->", "<!-- posture:end -->"


def _shown(value: SettingValue) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def render() -> str:
    lines = ["<!-- Generated by `python -m components.posture --write README.md`; "
             "`tests/components/test_posture.py` fails when it is stale. -->",
             "", "| key (under `hv-foundation:`) | dev | prod | what |", "|---|---|---|---|"]
    lines += [f"| `{setting.path}` | {_shown(setting.dev)} | {_shown(setting.prod)} | {setting.description} |"
              for setting in ENVIRONMENT_SETTINGS]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return block_command(argv, prog="python -m components.posture", description=__doc__.splitlines()[0],
                         markers=(START, END), render=render, written="posture block updated")


if __name__ == "__main__":
    raise SystemExit(main())
