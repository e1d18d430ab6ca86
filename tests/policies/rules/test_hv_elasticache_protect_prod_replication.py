"""hv-elasticache-protect-prod-replication through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

PROD_REDIS = "hv-elasticache-protect-prod-replication"


def test_prod_redis_is_multi_az_with_failover(prod_data: Any) -> None:
    found = by_resource(prod_data, PROD_REDIS)
    assert set(found) == {"single-az-redis", "no-failover-redis"}
    assert found["single-az-redis"] == [
        "aws:elasticache/replicationGroup:ReplicationGroup 'single-az-redis' (environment=prod) is not "
        "Multi-AZ: set multi_az_enabled=True (with at least one replica in another zone)."]
    assert "has no automatic failover: set automatic_failover_enabled=True" in found["no-failover-redis"][0]
