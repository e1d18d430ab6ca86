"""The audit only ever reads: every operation any collector sends is List*, Describe* or Get*."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from audit.clients import READ_ONLY_PREFIXES, Client, ClientFactory, ReadOnlyViolation, SessionClients
from audit.collect import COLLECTORS
from audit.contract import HOME_REGION as HOME
from audit.engine import ScanOptions, scan
from tests.audit.fakes import stub_apprunner

Aws = Callable[..., Client]


class Spy:
    """A factory wrapper recording (service, operation) of every call, via botocore's events."""

    def __init__(self, inner: ClientFactory) -> None:
        self.inner = inner
        self.calls: set[tuple[str, str]] = set()
        self._hooked: set[int] = set()
        self._lock = threading.Lock()

    def __call__(self, service: str, region: str) -> Client:
        client = self.inner(service, region)
        with self._lock:
            if id(client) not in self._hooked:
                self._hooked.add(id(client))

                def record(model: Any, **_: Any) -> None:
                    with self._lock:
                        self.calls.add((service, model.name))

                client.meta.events.register_first("before-call.*.*", record)
        return client


def seed_every_collector(aws: Aws) -> None:
    """At least one resource per collector, so every per-resource call is exercised too."""
    tags = [{"Key": "pillar", "Value": "aws"}]
    aws("s3").create_bucket(Bucket="hv-a", CreateBucketConfiguration={"LocationConstraint": HOME})
    aws("iam").create_user(UserName="u")
    aws("dynamodb").create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws("ecs").create_cluster(clusterName="c")
    aws("elasticache").create_cache_cluster(
        CacheClusterId="c", Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheNodes=1, Tags=tags
    )
    aws("elasticache").create_replication_group(
        ReplicationGroupId="rg", ReplicationGroupDescription="x", Engine="redis", CacheNodeType="cache.t4g.micro"
    )
    subnets = [s["SubnetId"] for s in aws("ec2").describe_subnets()["Subnets"]][:2]
    aws("elbv2").create_load_balancer(Name="alb", Subnets=subnets)
    aws("elb").create_load_balancer(
        LoadBalancerName="classic",
        Listeners=[{"Protocol": "http", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=[f"{HOME}a"],
    )


EXPECTED_OPERATIONS = {
    ("sts", "GetCallerIdentity"),
    ("lambda", "ListFunctions"),
    ("stepfunctions", "ListStateMachines"),
    ("apprunner", "ListServices"),
    ("eks", "ListClusters"),
    ("opensearch", "ListDomainNames"),
    ("ec2", "DescribeInstances"),
    ("ec2", "DescribeKeyPairs"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeNetworkInterfaces"),
    ("ec2", "DescribeNatGateways"),
    ("ec2", "DescribeVpcEndpoints"),
    ("ec2", "DescribeAddresses"),
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeDBClusters"),
    ("ecs", "ListClusters"),
    ("ecs", "DescribeClusters"),
    ("dynamodb", "ListTables"),
    ("dynamodb", "ListTagsOfResource"),
    ("elasticache", "DescribeCacheClusters"),
    ("elasticache", "DescribeReplicationGroups"),
    ("elasticache", "ListTagsForResource"),
    ("elbv2", "DescribeLoadBalancers"),
    ("elbv2", "DescribeTags"),
    ("elb", "DescribeLoadBalancers"),
    ("elb", "DescribeTags"),
    ("resourcegroupstaggingapi", "GetResources"),
    ("s3control", "GetPublicAccessBlock"),
    ("s3", "ListBuckets"),
    ("s3", "GetBucketLocation"),
    ("s3", "GetPublicAccessBlock"),
    ("s3", "GetBucketTagging"),
    ("iam", "ListUsers"),
    ("iam", "ListAccessKeys"),
}


def test_a_full_scan_only_sends_read_operations(aws: Aws) -> None:
    seed_every_collector(aws)
    spy = Spy(stub_apprunner(SessionClients()))
    report = scan(spy, ScanOptions(regions=(HOME, "eu-west-1")))
    assert report.not_scanned == tuple(n for n in report.not_scanned if not n.gap)  # nothing refused
    assert spy.calls, "the spy saw nothing"
    writes = sorted(op for op in spy.calls if not op[1].startswith(READ_ONLY_PREFIXES))
    assert writes == []
    # every collector and per-resource read was exercised: the spy saw the whole scan
    assert spy.calls == EXPECTED_OPERATIONS
    assert {c.service for c in COLLECTORS} <= {service for service, _ in spy.calls}


def test_the_factory_refuses_a_write_before_anything_is_sent(moto: None) -> None:
    client = SessionClients()("s3", HOME)
    with pytest.raises(ReadOnlyViolation, match="refusing to call s3:CreateBucket"):
        client.create_bucket(Bucket="hv-should-not-exist", CreateBucketConfiguration={"LocationConstraint": HOME})
    assert client.list_buckets()["Buckets"] == []


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("lambda", "delete_function", {"FunctionName": "f"}),
        ("ec2", "terminate_instances", {"InstanceIds": ["i-1"]}),
        ("iam", "create_access_key", {"UserName": "u"}),
        ("resourcegroupstaggingapi", "tag_resources", {"ResourceARNList": ["arn:x"], "Tags": {"a": "b"}}),
        # refused before parameter validation: even a malformed write never gets near AWS
        ("s3", "put_public_access_block", {}),
    ],
)
def test_the_guard_refuses_every_non_read_operation(
    moto: None, service: str, operation: str, params: dict[str, Any]
) -> None:
    client = SessionClients()(service, HOME)
    with pytest.raises(ReadOnlyViolation, match=f"refusing to call {service}:"):
        getattr(client, operation)(**params)
