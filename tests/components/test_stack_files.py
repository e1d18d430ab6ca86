"""The stack files in the repo are a set: their VPC ranges are distinct; namespaces are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.config import installed_provider_namespaces, load_stack_config
from components.config_reader import ConfigError
from components.network_config import overlapping_cidrs, overlapping_stack_cidrs, stack_file_cidrs
from tests.components.stack_config import MINIMAL_DEV_CONFIG

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE = MINIMAL_DEV_CONFIG


def test_the_repo_s_stacks_have_distinct_vpc_ranges() -> None:
    cidrs = stack_file_cidrs(REPO_ROOT)
    assert set(cidrs) >= {"dev", "prod"}
    assert list(overlapping_cidrs(cidrs)) == []


def test_overlapping_ranges_are_found_pairwise() -> None:
    cidrs = {"dev": "10.30.0.0/16", "prod": "10.30.0.0/16", "qa": "10.30.128.0/20", "ops": "10.40.0.0/16"}
    assert list(overlapping_cidrs(cidrs)) == [("dev", "prod"), ("dev", "qa"), ("prod", "qa")]


def test_the_warning_names_both_stacks(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  hv-foundation:network:\n    cidr: 10.30.0.0/16\n")
    assert overlapping_stack_cidrs("dev", "10.30.0.0/17", tmp_path) == [
        "hv-foundation:network.cidr 10.30.0.0/17 of stack 'dev' overlaps 10.30.0.0/16 of stack 'prod' "
        "(Pulumi.prod.yaml): give each stack its own range, peering or a VPN needs them distinct"]
    assert overlapping_stack_cidrs("dev", "10.20.0.0/16", tmp_path) == []


def test_the_installed_providers_are_allowed_namespaces() -> None:
    assert {"aws", "random"} <= set(installed_provider_namespaces())


@pytest.mark.parametrize(("key", "hint"), [
    ("hv-foundaton:operations", "; did you mean hv-foundation:?"),
    ("awz:region", "; did you mean aws:?"),
    ("zzz:thing", ""),
])
def test_a_key_under_an_unknown_namespace_is_refused(key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack_config({**BASE, key: "{}"}, "hv-foundation", "dev", provider_namespaces=("aws", "random"))
    assert [str(problem) for problem in caught.value.problems] == [
        f"{key}: unknown namespace {key.partition(':')[0]!r} (allowed: hv-foundation, pulumi, aws, random){hint}"]


def test_provider_and_pulumi_namespaces_pass() -> None:
    config = load_stack_config({**BASE, "pulumi:tags": '{"team": "platform"}', "random:anything": "x"},
                               "hv-foundation", "dev", provider_namespaces=("aws", "random"))
    assert config.environment == "dev"
