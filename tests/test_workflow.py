"""The GitHub workflow and the program agree: the roles it assumes are the roles the stacks create;
the pull-request review's shell steps do what they say (run offline on temporary repositories)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
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
    # Both stacks in one command, each report named after its stack (the artifact's out-*.*).
    (preview,) = [run for run in runs if run.startswith("make preview")]
    assert preview.startswith('make preview STACK="dev prod" ')
    assert "--json out-{stack}.json" in preview and "--diagram out-{stack}.mmd" in preview
    assert steps_using(job, "aws-actions/configure-aws-credentials") == []


def test_ci_runs_both_stacks_in_one_command() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text()
    assert 'make preview STACK="dev prod"' in script
    dry_run = subprocess.run(["make", "-n", "preview", "STACK=dev prod", "PREFLIGHT_ARGS=--json out-{stack}.json"],
                             cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert "-m preflight --stack dev --stack prod --json out-{stack}.json" in dry_run.stdout


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


# --- the change review of pull requests --------------------------------------------------------

SCRIPTS = REPO_ROOT / ".github" / "scripts"
MARKER = "<!-- hv-foundation:change-review -->"


def test_the_review_job_alone_writes_to_pull_requests_and_reviews_against_the_base_commit() -> None:
    jobs = workflow()["jobs"]
    review = jobs["review"]
    assert review["if"] == "github.event_name == 'pull_request'"
    assert review["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert steps_using(review, "aws-actions/configure-aws-credentials") == []
    (checkout,) = steps_using(review, "actions/checkout")
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}
    steps = {step.get("name", ""): step for step in review["steps"]}
    build = steps["review dev and prod against the base commit"]
    assert build["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert build["run"] == '.github/scripts/change-review.sh "$BASE_SHA" review dev prod'
    assert steps["job summary"]["run"] == 'cat review/review.md >> "$GITHUB_STEP_SUMMARY"'
    comment = steps["PR comment (one, updated on later pushes)"]
    assert comment["run"] == ".github/scripts/pr-comment.sh review/review.md"
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    # The workflow grants nothing but reading by default.
    assert workflow()["permissions"] == {"contents": "read"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin", "HOME": str(repo)}).stdout


FAKE_PREFLIGHT = r"""#!/usr/bin/env bash
# Stands in for `python -m preflight`: records where it ran and what it was asked.
set -eu
stack=; json=; base=; markdown=
shift 2  # -m preflight
while [ "$#" -gt 0 ]; do
  case $1 in --stack) stack=$2;; --json) json=$2;; --base) base=$2;; --markdown) markdown=$2;; esac
  shift 2
done
program=$(cat Pulumi.$stack.yaml)
if [ -n "$json" ]; then echo "{\"resources\": [], \"program\": \"$program\"}" > "$json"; fi
if [ -n "$markdown" ]; then echo "head $program against $(cat "$base")" > "$markdown"; fi
exit ${FAKE_EXIT:-1}
"""
CRASHING_PYTHON = """#!/usr/bin/env bash
echo 'ModuleNotFoundError: No module named pulumi' >&2
exit 1
"""


def review_repo(tmp_path: Path) -> tuple[Path, str, Path]:
    """A repo whose base commit and head differ in Pulumi.dev.yaml, and a fake interpreter."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    (repo / "Pulumi.dev.yaml").write_text("base-dev")
    git(repo, "add", "Pulumi.dev.yaml")
    git(repo, "commit", "--quiet", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "Pulumi.dev.yaml").write_text("head-dev")
    git(repo, "commit", "--quiet", "-am", "head")
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PREFLIGHT)
    fake.chmod(0o755)
    return repo, base, fake


def change_review(repo: Path, fake: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPTS / "change-review.sh"), *args], cwd=repo, capture_output=True,
                          text=True, timeout=60, check=False,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(repo), "PYTHON": str(fake), **env})


def test_the_base_report_is_built_from_the_base_commit_in_a_worktree_that_is_removed(tmp_path: Path) -> None:
    repo, base, fake = review_repo(tmp_path)
    result = change_review(repo, fake, base, "review", "dev")
    assert result.returncode == 0, result.stderr
    # preflight exiting 1 (violations) still makes a review: gating is the offline job's.
    assert json.loads((repo / "review" / "base-dev.json").read_text())["program"] == "base-dev"
    review = (repo / "review" / "review.md").read_text()
    assert review.startswith(f"# Change review against {base[:7]}")
    assert 'head head-dev against {"resources": [], "program": "base-dev"}' in review
    assert git(repo, "worktree", "list").count("\n") == 1  # only the checkout itself is left
    assert git(repo, "status", "--porcelain") == "?? review/\n"


def test_a_side_that_cannot_be_built_fails_the_review_with_its_log(tmp_path: Path) -> None:
    repo, base, fake = review_repo(tmp_path)
    result = change_review(repo, fake, base, "review", "dev", FAKE_EXIT="2")
    assert result.returncode == 2
    assert "failed (exit 2, no base-dev.json)" in result.stderr and "-m preflight --stack dev --json" in result.stderr
    assert git(repo, "worktree", "list").count("\n") == 1


def test_a_crash_exiting_1_without_a_report_is_not_taken_for_violations(tmp_path: Path) -> None:
    repo, base, _ = review_repo(tmp_path)
    crashing = tmp_path / "crashing-python"
    crashing.write_text(CRASHING_PYTHON)
    crashing.chmod(0o755)
    result = change_review(repo, crashing, base, "review", "dev")
    assert result.returncode == 2
    assert "failed (exit 1, no base-dev.json)" in result.stderr and "No module named pulumi" in result.stderr


def test_the_interpreter_is_used_through_its_symlink_as_a_venv_needs(tmp_path: Path) -> None:
    repo, base, fake = review_repo(tmp_path)
    venv_bin = repo / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").symlink_to(fake)
    (repo / ".git" / "info" / "exclude").write_text(".venv\n")
    fake.write_text(FAKE_PREFLIGHT.replace("set -eu", 'set -eu\ncase $0 in */.venv/bin/python) ;; *) exit 3;; esac'))
    result = change_review(repo, fake, base, "review", "dev", PYTHON=".venv/bin/python")
    assert result.returncode == 0, result.stderr


def test_a_base_commit_missing_from_the_clone_is_named(tmp_path: Path) -> None:
    repo, _, fake = review_repo(tmp_path)
    result = change_review(repo, fake, "0" * 40, "review")
    assert result.returncode == 2
    assert f"base commit '{'0' * 40}' is not in this clone (check out with fetch-depth: 0)" in result.stderr


FAKE_GH = r"""#!/usr/bin/env bash
# Stands in for `gh api`: answers the comment listing from $GH_COMMENTS, records every call.
set -eu
printf '%s\n' "$*" >> "$GH_CALLS"
for arg in "$@"; do
  case $arg in body=@*) cp "${arg#body=@}" "$GH_CALLS.body";; esac
done
case " $* " in
  *" --paginate "*) jq -r "$(printf '%s' "$*" | sed 's/.*--jq //')" "$GH_COMMENTS";;
esac
"""


def pr_comment(tmp_path: Path, comments: list[dict[str, Any]], review: str) -> tuple[list[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "comments.json").write_text(json.dumps(comments))
    (tmp_path / "review.md").write_text(review)
    calls = tmp_path / "calls"
    calls.unlink(missing_ok=True)
    result = subprocess.run(
        ["bash", str(SCRIPTS / "pr-comment.sh"), str(tmp_path / "review.md")], capture_output=True, text=True,
        timeout=30, check=False, env={"PATH": f"{bin_dir}:/usr/bin:/bin", "GH_REPO": "happen-ventures/hv-foundation",
                                      "PR_NUMBER": "7", "GH_COMMENTS": str(tmp_path / "comments.json"),
                                      "GH_CALLS": str(calls)})
    assert result.returncode == 0, result.stderr
    return calls.read_text().splitlines(), (tmp_path / "calls.body").read_text()


needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh evaluates --jq with jq")


@needs_jq
def test_the_first_review_is_posted_as_a_new_comment_starting_with_the_marker(tmp_path: Path) -> None:
    someone = {"id": 1, "user": {"login": "a-person"}, "body": f"{MARKER} quoting the bot"}
    calls, body = pr_comment(tmp_path, [someone], "## preflight: hv-foundation / stack dev\n")
    assert calls[1].startswith("api --method POST repos/happen-ventures/hv-foundation/issues/7/comments")
    assert body == f"{MARKER}\n## preflight: hv-foundation / stack dev\n"


@needs_jq
def test_a_later_push_updates_the_bots_comment_in_place(tmp_path: Path) -> None:
    ours = {"id": 42, "user": {"login": "github-actions[bot]"}, "body": f"{MARKER}\nold review"}
    other = {"id": 43, "user": {"login": "github-actions[bot]"}, "body": "pulumi preview output"}
    calls, body = pr_comment(tmp_path, [other, ours], "new review\n")
    assert len(calls) == 2
    assert calls[1].startswith("api --method PATCH repos/happen-ventures/hv-foundation/issues/comments/42")
    assert body == f"{MARKER}\nnew review\n"


@needs_jq
def test_a_review_too_long_for_a_comment_is_cut_and_points_to_the_summary(tmp_path: Path) -> None:
    _, body = pr_comment(tmp_path, [], "x" * 70_000)
    assert len(body) < 65_536 and body.endswith("the whole review is in the job summary.\n")
