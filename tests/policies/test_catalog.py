"""The pack's catalogue: every rule well-formed and registered, the README block current, the stack
configs complete, and the pack's contract constants equal to the program's."""

from __future__ import annotations

import inspect
import json
import typing
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from components import naming
from policies import catalog
from policies.hv_rules import all_policies, conventions, rule_module_names, support
from policies.hv_rules.exceptions import EXCEPTIONS_SCHEMA
from readme_blocks import replace_block

REPO_ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = REPO_ROOT / "policies" / "hv_rules"
KINDS = conventions.KINDS
LEVEL_OF_KIND = {conventions.CONTRACT: EnforcementLevel.MANDATORY, conventions.SECURITY: EnforcementLevel.MANDATORY,
                 conventions.ADVISORY: EnforcementLevel.ADVISORY}
ANCHOR_SOURCES = ("cdk-nag:", "checkov:", "pulumi:")
RULE_FILES = sorted(path.stem for path in RULES_DIR.glob("hv_*.py"))
# Each rule's passing, failing and near-miss fixtures live in tests/policies/rules/test_<rule module>.py.
RULE_TESTS_DIR = REPO_ROOT / "tests" / "policies" / "rules"


def rule_module(stem: str) -> Any:
    import importlib

    return importlib.import_module(f"policies.hv_rules.{stem}")


def kind_of(policy: Policy) -> str:
    (kind,) = [tag for tag in policy.tags or () if tag in KINDS]
    return kind


def test_readme_rules_block_is_current() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert replace_block(readme, catalog.START, catalog.END, catalog.render()) == readme, \
        "README.md is stale: run `.venv/bin/python -m policies.catalog --write README.md`"


def test_catalogue_lists_every_rule_sorted_by_kind_then_name() -> None:
    rows = [line for line in catalog.render().splitlines() if line.startswith("| `hv-")]
    names = [row.split("`")[1] for row in rows]
    assert sorted(names) == sorted(policy.name for policy in all_policies())
    kinds = [row.split(" | ")[1].split(" ")[0] for row in rows]
    assert [(KINDS.index(kind), name) for kind, name in zip(kinds, names, strict=True)] == \
        sorted((KINDS.index(kind), name) for kind, name in zip(kinds, names, strict=True))


def test_catalogue_cli_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert catalog.main([]) == 0
    assert "| `hv-s3-require-public-access-block` | security (stack rule) | mandatory |" in capsys.readouterr().out
    target = tmp_path / "README.md"
    target.write_text(f"# x\n{catalog.START}\nSTALE-CONTENT\n{catalog.END}\ntail\n")
    assert catalog.main(["--write", str(target)]) == 0
    text = target.read_text()
    assert "STALE-CONTENT" not in text and text.endswith(f"{catalog.END}\ntail\n") and "hv-ec2-forbid-servers" in text
    target.write_text("no markers\n")
    assert catalog.main(["--write", str(target)]) == 2
    assert "no <!-- rules:start --> … <!-- rules:end --> block to replace" in capsys.readouterr().err


@pytest.mark.parametrize("stem", RULE_FILES)
def test_rule_is_well_formed_and_registered(stem: str) -> None:
    policy = rule_module(stem).policy
    assert policy.name.replace("-", "_") == stem
    assert policy.name.startswith("hv-") and len(policy.name.split("-")) >= 3  # hv-<service>-<verb…>
    assert policy.description and policy.severity is not None and policy.remediation_steps
    kind = kind_of(policy)
    assert policy.enforcement_level == LEVEL_OF_KIND[kind]
    # Only security rules take exceptions: they, and only they, declare the schema and honour it.
    assert (policy.config_schema is EXCEPTIONS_SCHEMA) == (kind == conventions.SECURITY)
    validate = vars(policy)[f"_{type(policy).__name__}__validate"]  # as the policy was given it
    assert (getattr(validate, "__wrapped__", None) is not None) == (kind == conventions.SECURITY)
    anchors = [tag for tag in policy.tags if tag.startswith("anchor:")]
    assert all(tag[len("anchor:"):].startswith(ANCHOR_SOURCES) for tag in anchors)
    assert set(policy.tags) == {kind, *anchors}
    assert policy.name in {registered.name for registered in all_policies()}


def test_a_rule_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="rule kind 'secruity' is not one of contract, security, advisory"):
        support.resource_rule("hv-x-y", kind="secruity", description="d", severity=Severity.LOW,
                              remediation_steps="r", validate=lambda args, report: None)


def test_rule_names_are_unique_and_every_module_is_a_rule() -> None:
    names = [policy.name for policy in all_policies()]
    assert len(names) == len(set(names))
    assert rule_module_names() == RULE_FILES


@pytest.mark.parametrize("stem", RULE_FILES)
def test_every_rule_has_its_own_test_file(stem: str) -> None:
    test_file = RULE_TESTS_DIR / f"test_{stem}.py"
    assert test_file.is_file() and "def test_" in test_file.read_text(), (
        f"rule {stem} has no tests: add {test_file.relative_to(REPO_ROOT)} with its passing, failing and "
        "near-miss resources run through the pack")


def test_every_rule_test_file_names_a_rule() -> None:
    # A renamed or removed rule must not leave its tests behind under a name no rule has.
    named = sorted(path.stem.removeprefix("test_") for path in RULE_TESTS_DIR.glob("test_hv_*.py"))
    assert named == RULE_FILES


@pytest.mark.parametrize("stem", RULE_FILES)
def test_a_stack_rule_is_one_whose_validate_reads_the_stack(stem: str) -> None:
    """The factory (resource_rule or stack_rule) agrees with what `validate` is written against."""
    policy = rule_module(stem).policy
    validate = inspect.unwrap(vars(policy)[f"_{type(policy).__name__}__validate"])
    reads = next(iter(typing.get_type_hints(validate).values()))
    assert isinstance(policy, StackValidationPolicy) == (reads is StackValidationArgs)
    assert reads in (StackValidationArgs, ResourceValidationArgs)
    scope = "stack" if reads is StackValidationArgs else "resource"
    assert next(rule.scope for rule in catalog.rules() if rule.name == policy.name) == scope


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_config_lists_only_what_the_stack_raises_or_excepts(stack: str) -> None:
    """An entry raises an advisory rule to mandatory, or carries a security rule's exceptions;
    everything else is the rule's own level and stays out of the file."""
    document = json.loads((REPO_ROOT / "policies" / f"config.{stack}.json").read_text())
    policies = {policy.name: policy for policy in all_policies()}
    assert set(document) <= set(policies)
    for name, value in document.items():
        level = value if isinstance(value, str) else value.get("enforcementLevel")
        exceptions = {} if isinstance(value, str) else value.get("exceptions")
        kind = kind_of(policies[name])
        raises = kind == conventions.ADVISORY and level == "mandatory"
        excepts = kind == conventions.SECURITY and bool(exceptions) and level in (None, "mandatory")
        assert raises or excepts, f"{stack}: {name}: {value!r} changes nothing"


def test_prod_raises_at_least_what_dev_raises() -> None:
    levels = catalog.stack_levels()
    raised = {stack: {name for name, level in levels[stack].items() if level == "mandatory"}
              for stack in ("dev", "prod")}
    assert raised["dev"] <= raised["prod"]
    # The prod posture guarantees these; dev keeps them advisory (cost).
    prod_posture = {"hv-ecs-enable-container-insights", "hv-rds-enable-performance-insights",
                    "hv-rds-enable-enhanced-monitoring", "hv-lb-enable-access-logs",
                    "hv-cloudwatch-retain-prod-logs"}
    assert prod_posture <= raised["prod"] - raised["dev"]
    assert "hv-vpc-enable-flow-logs" in raised["dev"]


def test_pack_constants_match_the_program() -> None:
    assert support.CONTRACT_ACCOUNT_ID == naming.CONTRACT_ACCOUNT_ID
    assert support.CONTRACT_REGION == naming.CONTRACT_REGION
    assert support.PILLARS == naming.PILLARS
    assert support.REQUIRED_TAGS == naming.REQUIRED_TAGS
