"""The advisory rules through the real pack: each flags what it should, at advisory level, and a stack
config can raise it to mandatory."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

Check = Callable[..., Any]
Outcomes = dict[str, Any]

CONTAINER_INSIGHTS = "hv-ecs-enable-container-insights"
PERFORMANCE_INSIGHTS = "hv-rds-enable-performance-insights"
ENHANCED_MONITORING = "hv-rds-enable-enhanced-monitoring"
IAM_AUTH = "hv-rds-enable-iam-authentication"
LOG_EXPORTS = "hv-rds-export-logs"
ACCESS_LOGS = "hv-lb-enable-access-logs"
DROP_HEADERS = "hv-lb-drop-invalid-headers"
FLOW_LOGS = "hv-vpc-enable-flow-logs"
DEFAULT_SG = "hv-vpc-restrict-default-security-group"
TLS_ONLY = "hv-s3-require-tls-only-policy"
CMK = "hv-kms-use-customer-managed-keys"
SCAN_ON_PUSH = "hv-ecr-enable-scan-on-push"
IMMUTABLE_TAGS = "hv-ecr-require-immutable-tags"
PROD_RETENTION = "hv-cloudwatch-retain-prod-logs"
SEPARATE_ROLES = "hv-ecs-separate-task-and-execution-roles"
READ_ONLY_ROOT = "hv-ecs-use-read-only-root-filesystem"
MANAGED_POLICIES = "hv-iam-avoid-aws-managed-policies"
REDIS_AUTH = "hv-elasticache-require-auth"


def by_resource(outcome: Any, rule: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for violation in outcome.violations:
        if violation.policy == rule:
            found.setdefault(violation.urn.rsplit("::", 1)[-1] or "(stack)", []).append(violation.detail)
    return found


@pytest.fixture(scope="module")
def outcomes() -> Outcomes:
    return {}


CMK_ARN = '"arn:aws:kms:us-east-2:891377221201:key/0c7f2a43"'
TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
READ = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::891377221201:role/app"},
        "Action": "s3:GetObject", "Resource": "*"}


def containers(*specs: tuple[str, bool]) -> str:
    return repr(json.dumps([{"name": name, "image": "nginx", "readonlyRootFilesystem": read_only,
                             "logConfiguration": {"logDriver": "awslogs"}} for name, read_only in specs]))


def task(name: str, task_role: str, execution_role: str, *specs: tuple[str, bool]) -> str:
    return (f'aws.ecs.TaskDefinition("{name}", family="{name}", cpu="256", memory="512", '
            f'network_mode="awsvpc", requires_compatibilities=["FARGATE"], tags=TAGS, opts=opts, '
            f'task_role_arn="arn:aws:iam::891377221201:role/{task_role}", '
            f'execution_role_arn="arn:aws:iam::891377221201:role/{execution_role}", '
            f'container_definitions={containers(*specs)})\n')


def bucket_with_policy(name: str, *statements: dict[str, Any]) -> str:
    var = name.replace("-", "_")
    text = f'{var} = aws.s3.Bucket("{name}", tags=TAGS, opts=opts)\n'
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        text += f'aws.s3.BucketPolicy("{name}-policy", bucket={var}.id, policy={document!r}, opts=opts)\n'
    return text


RDS = ('aws.rds.Instance("{name}", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20, '
       'storage_encrypted=True, manage_master_user_password=True, username="hv", tags=TAGS, opts=opts{extra})\n')
REDIS = ('aws.elasticache.ReplicationGroup("{name}", description="r", node_type="cache.t4g.micro", '
         'at_rest_encryption_enabled=True, transit_encryption_enabled=True, tags=TAGS, opts=opts{extra})\n')

ADVISORY_PROGRAM = (
    'aws.ecs.Cluster("insightful", settings=[{"name": "containerInsights", "value": "enhanced"}], '
    'tags=TAGS, opts=opts)\n'
    'aws.ecs.Cluster("blind", tags=TAGS, opts=opts)\n'
    'aws.ecs.Cluster("switched-off", settings=[{"name": "containerInsights", "value": "disabled"}], '
    'tags=TAGS, opts=opts)\n'
    + RDS.format(name="observed-db", extra=", performance_insights_enabled=True, monitoring_interval=60, "
                 "monitoring_role_arn='arn:aws:iam::891377221201:role/mon', iam_database_authentication_enabled"
                 "=True, enabled_cloudwatch_logs_exports=['postgresql', 'upgrade'], kms_key_id=" + CMK_ARN)
    + RDS.format(name="bare-db", extra="")
    + 'aws.lb.LoadBalancer("logged-alb", subnets=["subnet-1", "subnet-2"], drop_invalid_header_fields=True, '
      'access_logs={"enabled": True, "bucket": "hv-dev-alb-logs", "prefix": "alb"}, tags=TAGS, opts=opts)\n'
      'aws.lb.LoadBalancer("bare-alb", subnets=["subnet-1", "subnet-2"], tags=TAGS, opts=opts)\n'
      'aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1"], tags=TAGS, opts=opts, '
      'access_logs={"enabled": True, "bucket": "hv-dev-nlb-logs"})\n'
      'watched = aws.ec2.Vpc("watched-vpc", cidr_block="10.0.0.0/16", tags=TAGS, opts=opts)\n'
      'aws.ec2.FlowLog("watched-flow-log", vpc_id=watched.id, traffic_type="REJECT", tags=TAGS, opts=opts, '
      'log_destination_type="cloud-watch-logs", log_destination="arn:aws:logs:us-east-2:891377221201:'
      'log-group:/flow", iam_role_arn="arn:aws:iam::891377221201:role/flow")\n'
      'aws.ec2.DefaultSecurityGroup("watched-default-sg", vpc_id=watched.id, ingress=[], egress=[], '
      'tags=TAGS, opts=opts)\n'
      'dark = aws.ec2.Vpc("dark-vpc", cidr_block="10.1.0.0/16", tags=TAGS, opts=opts)\n'
      'leaky = aws.ec2.Vpc("leaky-vpc", cidr_block="10.2.0.0/16", tags=TAGS, opts=opts)\n'
      'aws.ec2.FlowLog("leaky-flow-log", vpc_id=leaky.id, traffic_type="ALL", tags=TAGS, opts=opts, '
      'log_destination_type="cloud-watch-logs", log_destination="arn:aws:logs:us-east-2:891377221201:'
      'log-group:/flow", iam_role_arn="arn:aws:iam::891377221201:role/flow")\n'
      'aws.ec2.DefaultSecurityGroup("leaky-default-sg", vpc_id=leaky.id, tags=TAGS, opts=opts, '
      'ingress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "self": True}], egress=[])\n'
    + bucket_with_policy("tls-only", READ, TLS_DENY) + bucket_with_policy("no-policy")
    + bucket_with_policy("allow-only", READ)
    + f'aws.secretsmanager.Secret("cmk-secret", kms_key_id={CMK_ARN}, tags=TAGS, opts=opts)\n'
      'aws.secretsmanager.Secret("default-secret", tags=TAGS, opts=opts)\n'
      'aws.secretsmanager.Secret("aws-key-secret", kms_key_id="alias/aws/secretsmanager", tags=TAGS, opts=opts)\n'
      'aws.ecr.Repository("hardened-repo", image_tag_mutability="IMMUTABLE", tags=TAGS, opts=opts, '
      'image_scanning_configuration={"scan_on_push": True})\n'
      'aws.ecr.Repository("soft-repo", tags=TAGS, opts=opts)\n'
    + task("split-task", "app-task", "app-exec", ("app", True), ("otel", True))
    + task("shared-role-task", "app", "app", ("app", True))
    + task("writable-task", "w-task", "w-exec", ("app", True), ("sidecar", False))
    + 'aws.iam.RolePolicyAttachment("aws-managed", role="r", opts=opts, policy_arn="arn:aws:iam::aws:policy/'
      'service-role/AmazonECSTaskExecutionRolePolicy")\n'
      'aws.iam.RolePolicyAttachment("customer-managed", role="r", opts=opts, '
      'policy_arn="arn:aws:iam::891377221201:policy/app-read")\n'
    + REDIS.format(name="token-redis", extra=", auth_token='0123456789abcdef0123'")
    + REDIS.format(name="rbac-redis", extra=", user_group_ids=['hv-dev-users']")
    + REDIS.format(name="open-redis", extra="")
)


@pytest.fixture
def advisory(check: Check, outcomes: Outcomes) -> Any:
    if "dev" not in outcomes:
        outcomes["dev"] = check(ADVISORY_PROGRAM)
    return outcomes["dev"]


@pytest.mark.parametrize(("rule", "flagged", "expected"), [
    (CONTAINER_INSIGHTS, {"blind", "switched-off"},
     "aws:ecs/cluster:Cluster 'blind' has Container Insights off: no per-task CPU/memory/network metrics. Add "
     "settings=[{'name': 'containerInsights', 'value': 'enabled'}]."),
    (PERFORMANCE_INSIGHTS, {"bare-db"}, "aws:rds/instance:Instance 'bare-db' has Performance Insights off"),
    (ENHANCED_MONITORING, {"bare-db"}, "aws:rds/instance:Instance 'bare-db' has Enhanced Monitoring off"),
    (IAM_AUTH, {"bare-db"}, "'bare-db' does not enable IAM database authentication"),
    (LOG_EXPORTS, {"bare-db"}, "'bare-db' exports no logs to CloudWatch"),
    (ACCESS_LOGS, {"bare-alb"}, "aws:lb/loadBalancer:LoadBalancer 'bare-alb' writes no access logs"),
    # A network load balancer has no HTTP headers to drop.
    (DROP_HEADERS, {"bare-alb"}, "'bare-alb' forwards headers with invalid names to the services"),
    (FLOW_LOGS, {"dark-vpc"}, "aws:ec2/vpc:Vpc 'dark-vpc' has no flow log"),
    (DEFAULT_SG, {"dark-vpc", "leaky-vpc"},
     "aws:ec2/vpc:Vpc 'dark-vpc' leaves its default security group as AWS creates it"),
    (TLS_ONLY, {"no-policy", "allow-only"},
     "aws:s3/bucket:Bucket 'no-policy' accepts plain-HTTP requests: no bucket policy denies "
     "aws:SecureTransport=false."),
    (CMK, {"bare-db", "default-secret", "aws-key-secret"},
     "aws:rds/instance:Instance 'bare-db' encrypts with the AWS-managed aws/rds key"),
    (SCAN_ON_PUSH, {"soft-repo"}, "aws:ecr/repository:Repository 'soft-repo' does not scan images on push"),
    (IMMUTABLE_TAGS, {"soft-repo"}, "'soft-repo' has imageTagMutability='MUTABLE'"),
    (SEPARATE_ROLES, {"shared-role-task"},
     "'shared-role-task' uses arn:aws:iam::891377221201:role/app as both task and execution role"),
    (READ_ONLY_ROOT, {"writable-task"},
     "aws:ecs/taskDefinition:TaskDefinition 'writable-task': container 'sidecar' can write to its root "
     "filesystem"),
    (MANAGED_POLICIES, {"aws-managed"},
     "attaches the AWS-managed arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
    (REDIS_AUTH, {"open-redis"}, "'open-redis' accepts any client that reaches it"),
])
def test_advisory_rule_flags_what_it_should(advisory: Any, rule: str, flagged: set[str], expected: str) -> None:
    found = by_resource(advisory, rule)
    assert set(found) == flagged
    assert any(expected in message for messages in found.values() for message in messages)
    assert set(advisory.levels(rule)) == {"advisory"}


def test_default_security_group_that_keeps_rules_is_flagged(advisory: Any) -> None:
    assert by_resource(advisory, DEFAULT_SG)["leaky-vpc"] == [
        "aws:ec2/vpc:Vpc 'leaky-vpc': its default security group 'leaky-default-sg' keeps rules. Set "
        "ingress=[] and egress=[]; give each workload its own group."]


LOG_GROUPS = (
    'aws.cloudwatch.LogGroup("quarter-logs", retention_in_days=90, tags=TAGS, opts=opts)\n'
    'aws.cloudwatch.LogGroup("month-logs", retention_in_days=30, tags=TAGS, opts=opts)\n'
    'aws.cloudwatch.LogGroup("forever-logs", tags=TAGS, opts=opts)\n'
)


def test_prod_logs_are_kept_90_days(check: Check) -> None:
    outcome = check(LOG_GROUPS, environment="prod")
    # No retention at all is the mandatory retention rule's finding, not this one's.
    assert by_resource(outcome, PROD_RETENTION) == {"month-logs": [
        "aws:cloudwatch/logGroup:LogGroup 'month-logs' (environment=prod) keeps logs 30 days: investigations "
        "need at least 90. Set retention_in_days=90."]}
    assert list(by_resource(outcome, "hv-cloudwatch-require-log-retention")) == ["forever-logs"]


def test_dev_logs_may_be_kept_shorter(check: Check) -> None:
    outcome = check(LOG_GROUPS, environment="dev")
    assert by_resource(outcome, PROD_RETENTION) == {}
    assert {entry.reason for entry in outcome.not_applicable if entry.policy == PROD_RETENTION} == {
        "environment=dev: 90-day log retention is required in prod only"}


def test_a_stack_config_raises_an_advisory_rule_to_mandatory(check: Check) -> None:
    outcome = check('aws.ecr.Repository("soft-repo", tags=TAGS, opts=opts)',
                    policy_config=json.dumps({IMMUTABLE_TAGS: "mandatory"}))
    assert outcome.levels(IMMUTABLE_TAGS) == ["mandatory"]
    assert outcome.levels(SCAN_ON_PUSH) == ["advisory"]
