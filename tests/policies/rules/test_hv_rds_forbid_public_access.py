"""hv-rds-forbid-public-access through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

RDS_PUBLIC = "hv-rds-forbid-public-access"


def test_publicly_accessible_rds_is_refused(exposure: Any) -> None:
    assert by_resource(exposure, RDS_PUBLIC) == {"public-db": [
        "aws:rds/instance:Instance 'public-db' sets publiclyAccessible=true: its endpoint resolves to a "
        "public IP. Set publicly_accessible=False; the database lives in the isolated-data subnets and is "
        "reached from the services' security groups."]}
