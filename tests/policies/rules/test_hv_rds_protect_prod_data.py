"""hv-rds-protect-prod-data through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

PROD_RDS = "hv-rds-protect-prod-data"


def test_prod_databases_are_protected_multi_az_backed_up_and_snapshotted(prod_data: Any) -> None:
    found = by_resource(prod_data, PROD_RDS)
    assert found == {
        "deletable-db": ["aws:rds/instance:Instance 'deletable-db' (environment=prod) has no deletion "
                         "protection: set deletion_protection=True."],
        "single-az-db": ["aws:rds/instance:Instance 'single-az-db' (environment=prod) is single-AZ: set "
                         "multi_az=True so a zone failure fails over."],
        "short-backups-db": ["aws:rds/instance:Instance 'short-backups-db' (environment=prod) keeps 3-day "
                             "backups: set backup_retention_period >= 7 (the posture uses 14)."],
        "default-backups-db": ["aws:rds/instance:Instance 'default-backups-db' (environment=prod) keeps no "
                               "backupRetentionPeriod (AWS default: 1 day): set backup_retention_period >= 7 "
                               "(the posture uses 14)."],
        "skip-snapshot-db": ["aws:rds/instance:Instance 'skip-snapshot-db' (environment=prod) sets "
                             "skipFinalSnapshot=true: deleting it would drop the data. Set "
                             "skip_final_snapshot=False and a final_snapshot_identifier."],
        "no-snapshot-name-db": ["aws:rds/instance:Instance 'no-snapshot-name-db' (environment=prod) has no "
                                "finalSnapshotIdentifier, so it cannot take its final snapshot on delete. "
                                "Set final_snapshot_identifier."]}
