"""hv-rds-require-managed-master-password through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

RDS_PASSWORD = "hv-rds-require-managed-master-password"


def test_rds_master_password_is_managed_by_rds(secrets: Any) -> None:
    found = by_resource(secrets, RDS_PASSWORD)
    assert set(found) == {"literal-db", "unmanaged-db", "literal-cluster"}
    assert found["literal-db"] == [
        "aws:rds/instance:Instance 'literal-db' sets password: the master password would live in the "
        "program and the Pulumi state. Remove it and set manage_master_user_password=True (RDS keeps it in "
        "Secrets Manager and rotates it)."]
    assert found["unmanaged-db"] == [
        "aws:rds/instance:Instance 'unmanaged-db' does not set manageMasterUserPassword=true. Set "
        "manage_master_user_password=True so RDS keeps the master password in Secrets Manager and rotates it."]
    assert found["literal-cluster"][0].startswith("aws:rds/cluster:Cluster 'literal-cluster' sets masterPassword:")
