"""The six contract rules, each failing and passing through the real pack, near misses included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Check = Callable[..., Any]

FORBIDDEN = "hv-aws-forbid-out-of-contract-services"
ALLOW_LIST = "hv-aws-allow-contract-services-only"
SERVERS = "hv-ec2-forbid-servers"
REGION = "hv-aws-pin-region"
ACCOUNT = "hv-aws-pin-account"
TAGS = "hv-aws-require-cost-tags"

FARGATE_TASK = """
aws.ecs.TaskDefinition("task", family="t", cpu="256", memory="512", network_mode="awsvpc",
                       requires_compatibilities={compat}, container_definitions="[]",
                       tags=TAGS, opts=opts)
"""


def test_compliant_program_passes_every_contract_rule(check: Check) -> None:
    outcome = check("""
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", tags=TAGS, opts=opts)
        aws.sqs.Queue("queue", tags=TAGS, opts=opts)
        aws.rds.Instance("pg", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                         tags=TAGS, opts=opts)
        bucket = aws.s3.Bucket("bucket", tags=TAGS, opts=opts)
        aws.s3.BucketPublicAccessBlock("block", bucket=bucket.id, block_public_acls=True, opts=opts)
    """)
    # The fixture is minimal (the security rules have their own tests): no contract rule fires.
    contract = (FORBIDDEN, ALLOW_LIST, SERVERS, REGION, ACCOUNT, TAGS)
    assert [v for v in outcome.violations if v.policy in contract] == []


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


@pytest.mark.parametrize(("resource", "expected"), [
    ('aws.lightsail.Bucket("ls", bundle_id="small_1_0", tags=TAGS, opts=opts)',
     "is from AWS service 'lightsail', which is not in the contract"),
    ('aws.cloudformation.Stack("cfn", template_body="{}", tags=TAGS, opts=opts)',
     "is from AWS service 'cloudformation'"),
    ('pulumi.CustomResource("cloudflare:index/record:Record", "dns", {"name": "x"})',
     "comes from the 'cloudflare' provider"),
])
def test_services_outside_the_allow_list_are_refused(check: Check, resource: str, expected: str) -> None:
    (message,) = check(resource).of(ALLOW_LIST)
    assert expected in message


def test_a_local_component_is_not_a_service_whatever_its_package(check: Check) -> None:
    outcome = check("""
        class Site(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("acme:web:Site", name)
                child = pulumi.ResourceOptions(parent=self, provider=provider)
                aws.sqs.Queue("jobs", tags=TAGS, opts=child)
                aws.lightsail.Bucket("media", bundle_id="small_1_0", tags=TAGS, opts=child)
        Site("site")
    """)
    # The component passes; what it creates is judged like any resource.
    (message,) = outcome.of(ALLOW_LIST)
    assert "'media' is from AWS service 'lightsail'" in message


def test_a_remote_component_is_judged_by_its_package(check: Check) -> None:
    outcome = check("""
        pulumi.ComponentResource("acme:web:Site", "site", None, remote=True)
    """)
    (message,) = outcome.of(ALLOW_LIST)
    assert "acme:web:Site 'site' comes from the 'acme' provider" in message


def test_random_and_components_are_neutral(check: Check) -> None:
    outcome = check("""
        import pulumi_random as random
        class Box(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("hv:test:Box", name)
                random.RandomPassword("pw", length=16, opts=pulumi.ResourceOptions(parent=self))
        Box("box")
    """)
    assert outcome.of(ALLOW_LIST) == []


@pytest.mark.parametrize(("resource", "expected"), [
    ('aws.ec2.Instance("box", ami="ami-1", instance_type="t3.micro", tags=TAGS, opts=opts)',
     "'box' is an EC2 instance"),
    ('aws.ec2.KeyPair("key", public_key="ssh-ed25519 AAAA", tags=TAGS, opts=opts)',
     "'key' is an SSH key pair"),
    ('aws.ec2.LaunchTemplate("lt", image_id="ami-1", tags=TAGS, opts=opts)',
     "'lt' is an EC2 launch template"),
    ('aws.autoscaling.Group("asg", max_size=1, min_size=1, availability_zones=["us-east-2a"], opts=opts)',
     "'asg' is an EC2 auto-scaling group"),
    (FARGATE_TASK.format(compat='["EC2"]'), "requiresCompatibilities=['EC2']"),
    (FARGATE_TASK.format(compat='["FARGATE", "EC2"]'), "requiresCompatibilities=['FARGATE', 'EC2']"),
    (FARGATE_TASK.format(compat="None"), "requiresCompatibilities=[]"),
    ('aws.ecs.Service("svc", launch_type="EC2", tags=TAGS, opts=opts)', "uses launch type EC2"),
])
def test_servers_are_refused(check: Check, resource: str, expected: str) -> None:
    (message,) = check(resource).of(SERVERS)
    assert expected in message


def test_fargate_tasks_and_services_pass(check: Check) -> None:
    outcome = check(FARGATE_TASK.format(compat='["FARGATE"]') + """
aws.ecs.Service("svc", capacity_provider_strategies=[{"capacity_provider": "FARGATE_SPOT", "weight": 1}],
                tags=TAGS, opts=opts)
aws.ecs.Service("svc2", launch_type="FARGATE", tags=TAGS, opts=opts)
""")
    assert outcome.of(SERVERS) == []


def test_explicit_provider_in_another_region_is_refused(check: Check) -> None:
    outcome = check("""
        west = aws.Provider("west", region="us-west-2", allowed_account_ids=["891377221201"])
    """)
    assert outcome.of(REGION) == ["provider 'west' has region 'us-west-2'; pin region='us-east-2' "
                                  "(for the default provider: `aws:region: us-east-2` in the stack config)."]


def test_default_provider_in_another_region_is_refused(check: Check) -> None:
    outcome = check('aws.sqs.Queue("q", tags=TAGS)', stack_config="""
        aws:region: eu-west-1
        aws:allowedAccountIds: ["891377221201"]
    """)
    (message,) = outcome.of(REGION)
    assert message.startswith("provider 'default_7_51_1' has region 'eu-west-1'")


def test_default_provider_without_region_is_refused(check: Check) -> None:
    outcome = check('aws.sqs.Queue("q", tags=TAGS)', stack_config="""
        aws:allowedAccountIds: ["891377221201"]
    """)
    (message,) = outcome.of(REGION)
    assert message.startswith("provider 'default_7_51_1' has no region")


def test_resource_level_region_override_is_refused(check: Check) -> None:
    (message,) = check('aws.sqs.Queue("q", region="us-west-2", tags=TAGS, opts=opts)').of(REGION)
    assert message.startswith("aws:sqs/queue:Queue 'q' overrides region='us-west-2'")


def test_bedrock_model_arns_in_other_regions_are_not_a_region_breach(check: Check) -> None:
    outcome = check("""
        aws.iam.Policy("bedrock", policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["bedrock:InvokeModel"],
            "Resource": [
                "arn:aws:bedrock:us-east-2:891377221201:inference-profile/us.anthropic.claude-sonnet-4-6",
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*",
                "arn:aws:bedrock:us-west-2::foundation-model/anthropic.*"]}]}),
            tags=TAGS, opts=opts)
        aws.sqs.Queue("q", region="us-east-2", tags=TAGS, opts=opts)
    """)
    assert outcome.of(REGION) == []


@pytest.mark.parametrize(("accounts", "expected"), [
    (None, "has no allowedAccountIds"),
    ('["123456789012"]', "has allowedAccountIds=['123456789012']"),
    ('["891377221201", "123456789012"]', "has allowedAccountIds=['891377221201', '123456789012']"),
])
def test_provider_account_pin_is_exact(check: Check, accounts: str | None, expected: str) -> None:
    argument = "" if accounts is None else f", allowed_account_ids={accounts}"
    outcome = check(f'aws.Provider("other", region="us-east-2"{argument})')
    (message,) = outcome.of(ACCOUNT)
    assert message.startswith(f"provider 'other' {expected}")


def test_default_provider_without_account_pin_is_refused(check: Check) -> None:
    outcome = check('aws.sqs.Queue("q", tags=TAGS)', stack_config="aws:region: us-east-2\n")
    (message,) = outcome.of(ACCOUNT)
    assert message.startswith("provider 'default_7_51_1' has no allowedAccountIds")


def test_static_keys_in_a_provider_are_refused(check: Check) -> None:
    outcome = check('aws.Provider("keys", region="us-east-2", allowed_account_ids=["891377221201"], '
                    'access_key="AKIAEXAMPLE", secret_key="secret")')
    assert [m.split(":")[0] for m in outcome.of(ACCOUNT)] == [
        "provider 'keys' sets accessKey", "provider 'keys' sets secretKey"]


def test_missing_tags_are_refused(check: Check) -> None:
    (message,) = check('aws.sqs.Queue("q", opts=opts)').of(TAGS)
    assert message.startswith("aws:sqs/queue:Queue 'q' lacks the cost tags pillar, service ")


def test_environment_comes_from_the_provider_default_tags(check: Check) -> None:
    outcome = check("""
        bare = aws.Provider("bare", region="us-east-2", allowed_account_ids=["891377221201"])
        aws.sqs.Queue("q", tags=TAGS, opts=pulumi.ResourceOptions(provider=bare))
        aws.sqs.Queue("ok", tags=TAGS, opts=opts)
    """)
    assert outcome.of(TAGS) == ["aws:sqs/queue:Queue 'q' lacks the cost tag environment (resource tags "
                                "merged with the provider's default tags). Tag it with its pillar and "
                                "service."]


def test_unknown_pillar_is_refused(check: Check) -> None:
    (message,) = check('aws.sqs.Queue("q", tags={"pillar": "ops", "service": "x"}, opts=opts)').of(TAGS)
    assert message == ("aws:sqs/queue:Queue 'q' has pillar='ops', which is not a pillar of the contract "
                       "(allowed: aws, hub-v2, clawbot, airtable).")


def test_resources_that_take_no_tags_need_none(check: Check) -> None:
    outcome = check("""
        bucket = aws.s3.Bucket("bucket", tags=TAGS, opts=opts)
        aws.s3.BucketPublicAccessBlock("block", bucket=bucket.id, block_public_acls=True, opts=opts)
        role = aws.iam.Role("role", assume_role_policy="{}", tags=TAGS, opts=opts)
        aws.iam.RolePolicyAttachment("attach", role=role.name,
                                     policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess", opts=opts)
    """)
    assert outcome.of(TAGS) == []


def test_lambda_keyword_module_is_still_checked_for_tags(check: Check) -> None:
    outcome = check(
        'aws.lambda_.Function("fn", role="r", runtime="python3.12", handler="a.b", opts=opts)')
    assert len(outcome.of(TAGS)) == 1


def test_taggable_types_come_from_the_provider_sdk() -> None:
    from policies.hv_rules.taggable import taggable_types

    types = taggable_types()
    assert {"aws:ec2/vpc:Vpc", "aws:sqs/queue:Queue", "aws:lambda/function:Function"} <= types
    assert not {"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment"} & types
