"""Everything stateful is protected in prod and not in dev, decided by the posture in one place."""

from __future__ import annotations

import pytest

from preflight.model import Inventory, ResourceRecord

from ..conftest import RunStack

# Written out here, not imported from components/stateful.py: the test states what must be kept.
MUST_BE_PROTECTED = {
    "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", "aws:kms/key:Key",
    "aws:rds/instance:Instance", "aws:dynamodb/table:Table", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:cognito/userPool:UserPool", "aws:secretsmanager/secret:Secret",
}
# Account-wide and shared by every stack: protected whatever the environment.
ALWAYS_PROTECTED = {"aws:iam/openIdConnectProvider:OpenIdConnectProvider"}


def protected(resource: ResourceRecord) -> bool:
    return bool(resource.options.get("protect"))


def stateful(inventory: Inventory) -> list[ResourceRecord]:
    return [r for r in inventory.resources if r.type in MUST_BE_PROTECTED]


def test_every_stateful_resource_is_protected_in_prod(prod: Inventory) -> None:
    assert [r.urn for r in stateful(prod) if not protected(r)] == []
    others = {r.type for r in prod.resources if protected(r)} - MUST_BE_PROTECTED - ALWAYS_PROTECTED
    assert others == set(), "only stateful resources are protected"


def test_nothing_is_protected_in_dev(dev: Inventory) -> None:
    assert [r.urn for r in dev.resources if protected(r) and r.type not in ALWAYS_PROTECTED] == []


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_the_issue_s_list_is_covered(request: pytest.FixtureRequest, name: str) -> None:
    """The resources a removal or a destroy used to strip first are among the stateful ones."""
    inventory: Inventory = request.getfixturevalue(name)
    names = {r.name for r in stateful(inventory)}
    expected = {"operations-docs-bucket", "operations-docs-policy", "operations-docs-public-access-block",
                "operations-oncall-key", "network-flow-logs", "hub-v2-api-logs", "hub-v2-api-repository"}
    if name == "prod":
        expected |= {"ingress-logs-bucket", "bedrock-invocation-logs", "delivery-artifacts-bucket"}
    assert expected <= names, sorted(expected - names)


def test_protect_stateful_off_in_prod_protects_nothing(run_stack: RunStack) -> None:
    inventory = run_stack("prod", posture={"protectStateful": False})
    assert {r.type for r in inventory.resources if protected(r)} <= ALWAYS_PROTECTED


@pytest.mark.parametrize(("name", "immediately"), [("dev", True), ("prod", False)])
def test_rds_and_redis_apply_changes_as_the_posture_says(request: pytest.FixtureRequest, name: str,
                                                         immediately: bool) -> None:
    inventory: Inventory = request.getfixturevalue(name)
    (database,) = inventory.of_type("aws:rds/instance:Instance")
    (cache,) = inventory.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    assert database.inputs["applyImmediately"] is immediately
    assert cache.inputs["applyImmediately"] is immediately


def test_apply_immediately_is_overridable(run_stack: RunStack) -> None:
    inventory = run_stack("prod", posture={"applyImmediately": True})
    assert inventory.of_type("aws:rds/instance:Instance")[0].inputs["applyImmediately"] is True
