"""hv-aws-forbid-out-of-contract-services through the real pack: refusals, passes and near misses."""

from __future__ import annotations

import pytest

from tests.policies.conftest import Check

FORBIDDEN = "hv-aws-forbid-out-of-contract-services"
ALLOW_LIST = "hv-aws-allow-contract-services-only"


@pytest.mark.parametrize(("resource", "expected"), [
    ('aws.lambda_.Function("fn", role="r", runtime="python3.12", handler="a.b", tags=TAGS, opts=opts)',
     "'fn' is Lambda, which the foundation contract excludes"),
    ('aws.sfn.StateMachine("sm", role_arn="r", definition="{}", tags=TAGS, opts=opts)',
     "'sm' is Step Functions"),
    ('aws.apprunner.Service("ar", service_name="x", source_configuration={}, tags=TAGS, opts=opts)',
     "'ar' is App Runner"),
    ('aws.eks.Cluster("k8s", role_arn="r", vpc_config={"subnet_ids": []}, tags=TAGS, opts=opts)',
     "'k8s' is EKS"),
    ('aws.opensearch.Domain("search", tags=TAGS, opts=opts)', "'search' is OpenSearch"),
    ('aws.elasticsearch.Domain("es", tags=TAGS, opts=opts)', "'es' is Elasticsearch"),
    ('aws.rds.Cluster("aurora", engine="aurora-postgresql", tags=TAGS, opts=opts)',
     "uses engine 'aurora-postgresql': Aurora is out of contract"),
    ('aws.rds.ClusterInstance("ai", cluster_identifier="c", instance_class="db.r6g.large", '
     'engine="aurora-mysql", tags=TAGS, opts=opts)', "uses engine 'aurora-mysql'"),
    ('aws.rds.GlobalCluster("global", global_cluster_identifier="g", engine="aurora", opts=opts)',
     "uses engine 'aurora'"),
])
def test_forbidden_services_are_refused(check: Check, resource: str, expected: str) -> None:
    outcome = check(resource)
    (message,) = outcome.of(FORBIDDEN)
    assert expected in message
    assert outcome.of(ALLOW_LIST) == []  # reported once, by the rule that names the service


def test_postgres_instance_and_non_aurora_cluster_are_not_aurora(check: Check) -> None:
    outcome = check("""
        aws.rds.Instance("pg", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                         tags=TAGS, opts=opts)
        aws.rds.Cluster("multi-az", engine="postgres", tags=TAGS, opts=opts)
    """)
    assert outcome.of(FORBIDDEN) == []
