"""The posture is described once: the defaults, the parsing and the README table come from it."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from components import posture
from components.config import load_stack_config
from components.config_reader import ConfigError
from components.environment import ENVIRONMENTS, EnvironmentSetting
from components.posture import ENVIRONMENT_SETTINGS, Posture
from readme_blocks import replace_block

README = Path(__file__).resolve().parents[2] / "README.md"
BASE: dict[str, Any] = {
    "aws:region": "us-east-2",
    "aws:allowedAccountIds": '["891377221201"]',
    "hv-foundation:domain": "dev.happen.ventures",
    "hv-foundation:network": json.dumps({"cidr": "10.20.0.0/16"}),
}


def load(environment: str, **sections: Any) -> Any:
    raw = {**BASE, "hv-foundation:environment": environment,
           **{f"hv-foundation:{key}": json.dumps(value) for key, value in sections.items()}}
    return load_stack_config(raw, "hv-foundation", environment)


def test_readme_table_is_generated_from_the_descriptions() -> None:
    readme = README.read_text()
    assert replace_block(readme, posture.START, posture.END, posture.render()) == readme, \
        "README.md is stale: run `.venv/bin/python -m components.posture --write README.md`"


def test_every_environment_setting_has_a_row_naming_its_key() -> None:
    rows = [line for line in posture.render().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [setting.path for setting in ENVIRONMENT_SETTINGS]
    assert "| `posture.applyImmediately` | true | false |" in posture.render()
    assert "| `network.flowLogs.retentionDays` | 7 | 90 |" in posture.render()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_an_untouched_stack_gets_its_environment_s_posture(environment: str) -> None:
    assert load(environment).posture == Posture.of_environment(environment)  # type: ignore[arg-type]


@pytest.mark.parametrize("item", fields(Posture), ids=lambda item: item.name)
def test_each_posture_key_is_read_from_the_stack_file(item: Any) -> None:
    setting: EnvironmentSetting = item.metadata["setting"]
    override = setting.prod if setting.dev != setting.prod else not setting.dev
    assert getattr(load("dev", posture={setting.key: override}).posture, item.name) == override


def test_a_wrong_posture_value_names_key_value_and_what_is_allowed() -> None:
    with pytest.raises(ConfigError) as caught:
        load("prod", posture={"secretRecoveryDays": 3, "minTasks": 0, "applyImmediately": "soon", "multiaz": True})
    assert [str(problem) for problem in caught.value.problems] == [
        "hv-foundation:posture.minTasks: 0 is out of range (allowed: 1–10)",
        "hv-foundation:posture.secretRecoveryDays: 3 is not a Secrets Manager recovery window (allowed: 0, 7–30)",
        "hv-foundation:posture.applyImmediately: 'soon' is not true or false",
        "hv-foundation:posture.multiaz: unknown key (allowed: albAccessLogs, applyImmediately, backupRetentionDays, "
        "bucketVersioning, cacheSnapshotDays, containerInsights, deletionProtection, ecsExec, fargateSpot, "
        "finalSnapshot, logRetentionDays, manualApproval, minTasks, multiAz, performanceInsights, "
        "pointInTimeRecovery, protectStateful, secretRecoveryDays)"]


def test_the_network_and_bedrock_environment_keys_follow_the_environment() -> None:
    dev, prod = load("dev"), load("prod")
    assert (dev.network.az_count, dev.network.nat, dev.network.flow_log_retention_days) == (2, "single", 7)
    assert (prod.network.az_count, prod.network.nat, prod.network.flow_log_retention_days) == (3, "per-az", 90)
    assert (dev.bedrock.invocation_logging, prod.bedrock.invocation_logging) == (False, True)


def test_posture_cli_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert posture.main([]) == 0
    assert "| `posture.multiAz` | false | true |" in capsys.readouterr().out
    target = tmp_path / "README.md"
    target.write_text(f"# x\n{posture.START}\nSTALE\n{posture.END}\ntail\n")
    assert posture.main(["--write", str(target)]) == 0
    assert "STALE" not in target.read_text() and "`posture.protectStateful`" in target.read_text()
    target.write_text("no markers\n")
    assert posture.main(["--write", str(target)]) == 2
    assert "no <!-- posture:start --> … <!-- posture:end --> block to replace" in capsys.readouterr().err
