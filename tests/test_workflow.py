"""The GitHub workflow and the program agree: the roles it assumes are the roles the stacks create."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from preflight.model import Inventory
from preflight.runner import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "infrastructure.yml"


def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return document


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action)]


def test_first_job_runs_the_offline_gate_without_credentials() -> None:
    job = workflow()["jobs"]["offline-gate"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert "make test" in runs
    assert any(run.startswith("make preview STACK=dev") for run in runs)
    assert any(run.startswith("make preview STACK=prod") for run in runs)
    assert steps_using(job, "aws-actions/configure-aws-credentials") == []


def test_preview_runs_the_pack_with_each_stack_config() -> None:
    job = workflow()["jobs"]["preview"]
    (pulumi,) = steps_using(job, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["policyPacks"] == "policies"
    assert pulumi["with"]["policyPackConfigs"] == "policies/config.${{ matrix.stack }}.json"
    assert job["permissions"]["id-token"] == "write"


def test_deploy_jobs_assume_the_roles_the_stacks_create(dev: Inventory, prod: Inventory) -> None:
    jobs = workflow()["jobs"]
    for job_name, stack in (("deploy-dev", dev), ("deploy-prod", prod)):
        (credentials,) = steps_using(jobs[job_name], "aws-actions/configure-aws-credentials")
        role_name = stack.named("ci-deploy-role").inputs["name"]
        assert credentials["with"]["role-to-assume"] == f"arn:aws:iam::891377221201:role/{role_name}"
        (pulumi,) = steps_using(jobs[job_name], "pulumi/actions")
        assert pulumi["with"]["command"] == "up" and pulumi["with"]["policyPacks"] == "policies"


def test_prod_deploys_only_from_the_approved_environment(prod: Inventory) -> None:
    job = workflow()["jobs"]["deploy-prod"]
    assert job["environment"] == "prod" and job["if"] == "github.event_name == 'release'"
    (trust,) = json.loads(prod.named("ci-deploy-role").inputs["assumeRolePolicy"])["Statement"]
    assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == [
        "repo:happen-ventures/hv-foundation:environment:prod"]
    assert workflow()["jobs"]["deploy-dev"]["if"] == (
        "github.event_name == 'push' && github.ref == 'refs/heads/main'")


def test_jobs_running_the_cli_prepare_the_packs_virtualenv() -> None:
    for name in ("preview", "deploy-dev", "deploy-prod"):
        runs = [step.get("run", "") for step in workflow()["jobs"][name]["steps"]]
        assert any("policies/venv/bin/pip install -r policies/requirements.txt" in run for run in runs), name


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    # zizmor (pinned in requirements-dev.txt) audits GitHub workflows: unpinned actions, credentials
    # left in checkouts, template injection, over-broad permissions. --offline: no GitHub API here.
    zizmor = Path(sys.executable).with_name("zizmor")
    assert zizmor.exists(), f"zizmor is not installed next to {sys.executable}: pip install -r requirements-dev.txt"
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", "--format", "plain",
                             str(WORKFLOW.parent)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
