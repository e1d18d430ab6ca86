"""Values that follow from the environment: each described once, with its dev and prod default.

An `EnvironmentSetting` is the whole description of one such value (key, dev default, prod
default, what it does, what is allowed). The posture, the network and the Bedrock sections read
their environment-derived keys through it, and the README table is generated from the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .config_reader import Section

Environment = Literal["dev", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "prod")
SettingValue = bool | int | str


@dataclass(frozen=True)
class EnvironmentSetting:
    """One stack-file key whose default is decided by the environment."""

    key: str
    dev: SettingValue
    prod: SettingValue
    description: str
    # The section the key lives in, relative to hv-foundation: (`posture`, `network.flowLogs` …).
    section: str = "posture"
    minimum: int | None = None
    maximum: int | None = None
    # For text: the choices. For integers: the only values accepted within the range, if not all.
    allowed: tuple[SettingValue, ...] = ()
    # How the error names an integer outside `allowed`, e.g. "a CloudWatch Logs retention period".
    allowed_text: str = ""

    def __post_init__(self) -> None:
        if type(self.dev) is not type(self.prod):
            raise TypeError(f"{self.path}: dev and prod defaults differ in type")

    @property
    def path(self) -> str:
        return f"{self.section}.{self.key}"

    def default(self, environment: Environment) -> SettingValue:
        return self.dev if environment == "dev" else self.prod

    def read(self, section: Section, environment: Environment) -> SettingValue:
        """The stack's value for this key (or the environment's default), checked."""
        default = self.default(environment)
        if isinstance(default, bool):
            return section.boolean(self.key, default)
        if isinstance(default, int):
            value = section.integer(self.key, default, minimum=self.minimum, maximum=self.maximum)
            if self.allowed and value not in self.allowed:
                section.problem(self.key, f"{value} is not {self.allowed_text} (allowed: {self.allowed_listing})")
                return default
            return value
        return section.choice(self.key, default, (str(choice) for choice in self.allowed))

    @property
    def allowed_listing(self) -> str:
        """The allowed integers, runs of consecutive ones written as ranges: `0, 7–30`."""
        values = sorted(int(value) for value in self.allowed)
        runs: list[list[int]] = []
        for value in values:
            if runs and value == runs[-1][-1] + 1:
                runs[-1].append(value)
            else:
                runs.append([value])
        return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)


def log_retention(key: str, dev: int, prod: int, description: str, section: str = "posture") -> EnvironmentSetting:
    return EnvironmentSetting(key, dev, prod, description, section=section, allowed=LOG_RETENTION_DAYS,
                              allowed_text="a CloudWatch Logs retention period")
