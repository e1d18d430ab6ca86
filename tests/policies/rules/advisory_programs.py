"""The advisory rules' shared fixture program: for each rule a resource that passes and the ones it flags."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.rules.support import by_resource

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


def assert_flags_at_advisory_level(advisory: Any, rule: str, flagged: set[str], expected: str) -> None:
    """`rule` flagged exactly the `flagged` resources of the advisory program, one message holding `expected`,
    and all at advisory level."""
    found = by_resource(advisory, rule)
    assert set(found) == flagged
    assert any(expected in message for messages in found.values() for message in messages)
    assert set(advisory.levels(rule)) == {"advisory"}
