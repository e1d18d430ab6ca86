"""Policy tests run programs through the real pack over gRPC: one pack process per session."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from preflight.engine import run_program
from preflight.model import Inventory, NotApplicable, Violation
from preflight.pack_process import PolicyPackProcess
from preflight.project import load_program
from tests.batch_gate import gate

# A compliant base every fixture program starts from: a pinned provider with default tags.
PRELUDE = """
import json
import pulumi
import pulumi_aws as aws

provider = aws.Provider("pinned", region="us-east-2", allowed_account_ids=["891377221201"],
                        default_tags=aws.ProviderDefaultTagsArgs(tags={"environment": ENVIRONMENT}))
opts = pulumi.ResourceOptions(provider=provider)
TAGS = {"pillar": "aws", "service": "test"}
"""
PINNED_CONFIG = """
aws:region: us-east-2
aws:allowedAccountIds: ["891377221201"]
"""


@dataclass(frozen=True)
class Outcome:
    inventory: Inventory
    violations: list[Violation]
    not_applicable: list[NotApplicable]

    def of(self, policy: str) -> list[str]:
        """The specific messages `policy` reported (without the rule's description prefix)."""
        return [v.detail for v in self.violations if v.policy == policy]

    def levels(self, policy: str) -> list[str]:
        return [v.enforcement_level for v in self.violations if v.policy == policy]

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.mandatory]


Check = Callable[..., Outcome]


@pytest.fixture
def check(policy_pack: PolicyPackProcess, tmp_path: Path) -> Check:
    """Run a program body (after PRELUDE) through the engine and the real pack."""

    def run(body: str, *, environment: str = "dev", stack_config: str = PINNED_CONFIG,
            policy_config: str | None = None, prelude: bool = True) -> Outcome:
        (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
        (tmp_path / "Pulumi.dev.yaml").write_text(
            "config:\n" + textwrap.indent(textwrap.dedent(stack_config), "  "))
        source = (PRELUDE.replace("ENVIRONMENT", repr(environment)) if prelude else "") + \
            textwrap.dedent(body)
        (tmp_path / "__main__.py").write_text(source)
        config_file = None
        if policy_config is not None:
            config_file = tmp_path / "policy-config.json"
            config_file.write_text(policy_config)
        spec = load_program(tmp_path, "dev")
        inventory = run_program(spec)
        violations, not_applicable = gate([policy_pack], [config_file], spec, inventory)
        return Outcome(inventory, violations, not_applicable)

    return run
