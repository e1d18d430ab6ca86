"""hv-rds-require-storage-encryption through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource, not_applicable

RDS_ENCRYPTION = "hv-rds-require-storage-encryption"


def test_rds_storage_must_be_encrypted(encryption: Any) -> None:
    found = by_resource(encryption, RDS_ENCRYPTION)
    assert set(found) == {"clear-db", "clear-cluster"}
    assert found["clear-db"] == ["aws:rds/instance:Instance 'clear-db' does not set storageEncrypted=true: "
                                 "its storage, snapshots and backups would be in clear. Set "
                                 "storage_encrypted=True (it cannot be turned on later without a restore)."]
    assert found["clear-cluster"][0].startswith("aws:rds/cluster:Cluster 'clear-cluster' does not set")
    assert not_applicable(encryption, RDS_ENCRYPTION) == {
        "replica-db": "a read replica takes its encryption from the source instance"}
