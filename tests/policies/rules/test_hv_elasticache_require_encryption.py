"""hv-elasticache-require-encryption through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

REDIS_ENCRYPTION = "hv-elasticache-require-encryption"


def test_redis_must_encrypt_at_rest_and_in_transit(encryption: Any) -> None:
    found = by_resource(encryption, REDIS_ENCRYPTION)
    assert set(found) == {"redis-no-rest", "redis-no-transit", "redis-preferred", "memcached"}
    assert found["redis-no-rest"] == [
        "aws:elasticache/replicationGroup:ReplicationGroup 'redis-no-rest' does not set "
        "atRestEncryptionEnabled=true: its data and snapshots would be stored in clear. Set "
        "at_rest_encryption_enabled=True."]
    assert "does not set transitEncryptionEnabled=true: clients would talk to Redis in clear" \
        in found["redis-no-transit"][0]
    assert "has transitEncryptionMode='preferred', which still accepts clients without TLS" \
        in found["redis-preferred"][0]
    assert "'memcached' is a standalone cache cluster, which cannot encrypt at rest" in found["memcached"][0]
