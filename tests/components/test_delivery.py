from __future__ import annotations

import json
from typing import Any

import pytest

from preflight.model import Inventory

SERVICES = ("hub-v2-api", "hub-v2-web", "clawbot")



def statements(inventory: Inventory, name: str) -> list[dict[str, Any]]:
    document: dict[str, Any] = json.loads(inventory.named(name).inputs["policy"])
    return list(document["Statement"])


@pytest.mark.parametrize(("name", "stages"), [("dev", ["Source", "Build", "Deploy"]),
                                              ("prod", ["Source", "Build", "Approve", "Deploy"])])
def test_one_pipeline_per_service(request: pytest.FixtureRequest, name: str, stages: list[str]) -> None:
    inventory = request.getfixturevalue(name)
    pipelines = inventory.of_type("aws:codepipeline/pipeline:Pipeline")
    assert sorted(p.inputs["name"] for p in pipelines) == sorted(f"hv-{name}-{s}" for s in SERVICES)
    for pipeline in pipelines:
        assert [stage["name"] for stage in pipeline.inputs["stages"]] == stages


def test_pipeline_builds_from_github_and_deploys_to_its_service(prod: Inventory) -> None:
    stages = {s["name"]: s["actions"][0] for s in prod.named("delivery-clawbot-pipeline").inputs["stages"]}
    source = stages["Source"]["configuration"]
    assert source["FullRepositoryId"] == "happen-ventures/clawbot" and source["BranchName"] == "main"
    assert source["ConnectionArn"] == prod.named("delivery-github").outputs["arn"]
    assert stages["Build"]["configuration"]["ProjectName"] == prod.named("delivery-clawbot-build").outputs["name"]
    deploy = stages["Deploy"]["configuration"]
    assert stages["Deploy"]["provider"] == "ECS" and deploy["ServiceName"] == "clawbot"
    assert deploy["FileName"] == "imagedefinitions.json"
    assert stages["Approve"]["provider"] == "Manual"


def test_build_pushes_a_git_sha_tag_to_its_own_repository(dev: Inventory) -> None:
    project = dev.named("delivery-hub-v2-api-build").inputs
    buildspec = project["source"]["buildspec"]
    assert 'IMAGE_TAG="$CODEBUILD_RESOLVED_SOURCE_VERSION"' in buildspec
    assert "imagedefinitions.json" in buildspec
    assert project["environment"]["privilegedMode"] is True  # docker builds need the daemon
    variables = {v["name"]: v["value"] for v in project["environment"]["environmentVariables"]}
    assert variables["REPOSITORY_URI"] == dev.named("hub-v2-api-repository").outputs["repositoryUrl"]
    assert project["logsConfig"]["cloudwatchLogs"]["groupName"] == "/hv-dev/codebuild/hub-v2-api"
    push = next(s for s in statements(dev, "delivery-hub-v2-api-build-policy") if s["Sid"] == "PushOwnImage")
    assert push["Resource"] == dev.named("hub-v2-api-repository").outputs["arn"]


def test_pipeline_role_passes_only_its_service_roles_to_ecs(dev: Inventory) -> None:
    found = {s["Sid"]: s for s in statements(dev, "delivery-clawbot-pipeline-policy")}
    assert set(found["PassTaskRoles"]["Resource"]) == {dev.named("clawbot-task-role").outputs["arn"],
                                                       dev.named("clawbot-execution-role").outputs["arn"]}
    assert found["PassTaskRoles"]["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    assert found["DeployService"]["Resource"].endswith(":service/hv-dev/clawbot")


@pytest.mark.parametrize(("name", "subject"), [
    ("dev", "repo:happen-ventures/hv-foundation:environment:dev"),
    ("prod", "repo:happen-ventures/hv-foundation:environment:prod")])
def test_deploy_role_trusts_only_this_repository(request: pytest.FixtureRequest, name: str, subject: str) -> None:
    inventory = request.getfixturevalue(name)
    (trust,) = json.loads(inventory.named("ci-deploy-role").inputs["assumeRolePolicy"])["Statement"]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Condition"]["StringEquals"] == {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                                  "token.actions.githubusercontent.com:sub": [subject]}
    assert trust["Principal"]["Federated"] == (
        "arn:aws:iam::891377221201:oidc-provider/token.actions.githubusercontent.com")


def test_only_prod_creates_the_account_wide_oidc_provider(dev: Inventory, prod: Inventory) -> None:
    token = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
    assert dev.of_type(token) == []
    (provider,) = prod.of_type(token)
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]


def test_deploy_role_is_held_to_the_contract_region_and_account(dev: Inventory) -> None:
    for statement in statements(dev, "ci-deploy-policy"):
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if statement["Effect"] == "Deny":
            continue
        if resources == ["*"] and statement["Sid"] not in ("DnsLookups", "PulumiSecrets"):
            assert statement["Condition"]["StringEquals"]["aws:RequestedRegion"] == "us-east-2", statement["Sid"]
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if any(a.endswith(":*") for a in actions):
            allowed = ("arn:aws:iam::891377221201:", "arn:aws:s3:::hv-dev-")
            assert all("us-east-2:891377221201" in r or r.startswith(allowed) for r in resources), statement["Sid"]


def test_preview_role_reads_only_what_a_preview_needs(dev: Inventory) -> None:
    (trust,) = json.loads(dev.named("ci-preview-role").inputs["assumeRolePolicy"])["Statement"]
    assert "repo:happen-ventures/hv-foundation:pull_request" in trust["Condition"]["StringEquals"][
        "token.actions.githubusercontent.com:sub"]
    found = {s["Sid"]: s for s in statements(dev, "ci-preview-policy")}
    assert found["DeployTimeSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:us-east-2:891377221201:secret:hv/dev/identity/google-client-secret-??????"]
    assert found["PulumiState"]["Resource"][0] == (
        "arn:aws:s3:::hv-pulumi-state-891377221201/.pulumi/stacks/hv-foundation/dev.json*")
    allowed = [s for s in found.values() if s["Effect"] == "Allow"]
    writes = {a for s in allowed for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
              if not a.split(":")[1].startswith(("Get", "List", "Describe", "Decrypt"))}
    assert writes == set()  # the S3 backend's preview takes no lock
    assert dev.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []


def test_pipelines_and_ci_roles_are_independent_sections(run_stack) -> None:  # type: ignore[no-untyped-def]
    # No pipelines: the CI roles (and the boundary) stay.
    without_pipelines = run_stack("dev", delivery=None)
    assert not [r for r in without_pipelines.resources if r.name.startswith("delivery")]
    assert {r.inputs["name"] for r in without_pipelines.of_type("aws:iam/role:Role")
            if r.name.startswith("ci-")} == {"hv-dev-github-deploy", "hv-dev-github-preview"}
    # No CI: the pipelines stay; no CI role, no boundary (nothing CI would create).
    without_ci = run_stack("dev", ci=None)
    assert not [r for r in without_ci.resources if r.name.startswith("ci-")]
    assert len(without_ci.of_type("aws:codepipeline/pipeline:Pipeline")) == 3
    assert all("permissionsBoundary" not in r.inputs for r in without_ci.of_type("aws:iam/role:Role"))
    assert "githubDeployRoleArn" not in without_ci.stack_outputs and "pipelines" in without_ci.stack_outputs


FORMER = "urn:pulumi:prod::hv-foundation::hv:delivery:Delivery::delivery"


@pytest.mark.parametrize(("name", "former"), [
    ("delivery", {"name": "delivery", "type": "hv:delivery:Delivery", "parentUrn": ""}),
    ("ci-deploy-role", {"name": "delivery-deploy-role", "parentUrn": FORMER}),
    ("ci-deploy-policy", {"name": "delivery-deploy-policy", "parentUrn": FORMER}),
    ("ci-preview-role", {"name": "delivery-preview-role", "parentUrn": FORMER}),
    ("ci-preview-policy", {"name": "delivery-preview-policy", "parentUrn": FORMER}),
    ("ci-github-oidc", {"name": "delivery-github-oidc", "parentUrn": FORMER}),
])
def test_the_split_keeps_every_urn_a_real_stack_already_has(prod: Inventory, name: str,
                                                            former: dict[str, str]) -> None:
    # A changed URN without an alias is a delete and a create: the OIDC provider is protected, and
    # replacing the deploy role would cut CI off mid-deploy. The pipelines' children inherit the
    # alias of their component (same names under a renamed parent type).
    assert prod.named(name).options["aliases"] == [{"spec": former}]
