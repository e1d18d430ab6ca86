"""The security rules' fixture programs, one per theme, each built once per session.

Each program holds a compliant resource and one resource per way to fail, named after it; each rule's
test file reads the messages its rule reported, by resource name.
"""

from __future__ import annotations

from tests.policies.rules.support import resource

# --- 7. Public exposure -----------------------------------------------------------------------

def ecs_service(name: str, **overrides: str | None) -> str:
    return resource("aws.ecs.Service", name, {
        "launch_type": '"FARGATE"', "tags": "TAGS",
        "network_configuration": '{"subnets": ["subnet-1"], "assign_public_ip": False}',
        "deployment_circuit_breaker": '{"enable": True, "rollback": True}'}, overrides)


def security_group(name: str, *rules: str) -> str:
    return resource("aws.ec2.SecurityGroup", name, {"vpc_id": '"vpc-1"', "tags": "TAGS",
                                                    "ingress": f"[{', '.join(rules)}]"}, {})


def world(protocol: str, low: int, high: int, cidr: str = "0.0.0.0/0") -> str:
    key = "ipv6_cidr_blocks" if ":" in cidr else "cidr_blocks"
    return f'{{"protocol": "{protocol}", "from_port": {low}, "to_port": {high}, "{key}": ["{cidr}"]}}'


def rds(name: str, **overrides: str | None) -> str:
    return resource("aws.rds.Instance", name, {
        "engine": '"postgres"', "instance_class": '"db.t4g.micro"', "allocated_storage": "20",
        "storage_encrypted": "True", "manage_master_user_password": "True", "username": '"hv"',
        "tags": "TAGS"}, overrides)


def bucket(name: str, block: bool | None = True, policy: str | None = None) -> str:
    """A bucket, its public access block (all four on, some off, or none) and optional policy."""
    var = name.replace("-", "_")
    text = f'{var} = aws.s3.Bucket("{name}", tags=TAGS, opts=opts)\n'
    if block is not None:
        text += resource("aws.s3.BucketPublicAccessBlock", f"{name}-block", {
            "bucket": f"{var}.id", "block_public_acls": "True", "block_public_policy": str(block),
            "ignore_public_acls": "True", "restrict_public_buckets": str(block)}, {})
    if policy is not None:
        text += resource("aws.s3.BucketPolicy", f"{name}-policy", {"bucket": f"{var}.id",
                                                                   "policy": policy}, {})
    return text


def document(*statements: str) -> str:
    return f'json.dumps({{"Version": "2012-10-17", "Statement": [{", ".join(statements)}]}})'


EXPOSURE = (
    ecs_service("private-svc")
    + ecs_service("public-svc", network_configuration='{"subnets": ["subnet-1"], "assign_public_ip": True}')
    + security_group("alb-sg", world("tcp", 443, 443), world("tcp", 80, 80), world("tcp", 443, 443, "::/0"))
    + security_group("internal-sg", '{"protocol": "tcp", "from_port": 22, "to_port": 22, '
                                    '"cidr_blocks": ["10.20.0.0/16"]}')
    + security_group("ssh-sg", world("tcp", 22, 22))
    + security_group("all-sg", world("-1", 0, 0))
    + security_group("range-sg", world("tcp", 80, 443))
    + security_group("v6-sg", world("tcp", 5432, 5432, "::/0"))
    + security_group("udp-sg", world("udp", 443, 443))
    + resource("aws.ec2.SecurityGroupRule", "legacy-ssh", {
        "type": '"ingress"', "security_group_id": '"sg-1"', "protocol": '"tcp"', "from_port": "22",
        "to_port": "22", "cidr_blocks": '["0.0.0.0/0"]'}, {})
    + resource("aws.ec2.SecurityGroupRule", "legacy-egress", {
        "type": '"egress"', "security_group_id": '"sg-1"', "protocol": '"-1"', "from_port": "0",
        "to_port": "0", "cidr_blocks": '["0.0.0.0/0"]'}, {})
    + resource("aws.vpc.SecurityGroupIngressRule", "https-v4", {
        "security_group_id": '"sg-1"', "ip_protocol": '"tcp"', "from_port": "443", "to_port": "443",
        "cidr_ipv4": '"0.0.0.0/0"'}, {})
    + resource("aws.vpc.SecurityGroupIngressRule", "everything-v6", {
        "security_group_id": '"sg-1"', "ip_protocol": '"-1"', "cidr_ipv6": '"::/0"'}, {})
    + rds("private-db") + rds("public-db", publicly_accessible="True")
    + bucket("blocked") + bucket("half-blocked", block=False) + bucket("unblocked", block=None)
    + 'aws.s3.Bucket("named", bucket="hv-dev-named", tags=TAGS, opts=opts)\n'
    + resource("aws.s3.BucketPublicAccessBlock", "named-block", {
        "bucket": '"hv-dev-named"', "block_public_acls": "True", "block_public_policy": "True",
        "ignore_public_acls": "True", "restrict_public_buckets": "True"}, {})
    + bucket("role-read", policy=document(
        '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::891377221201:role/app"}, '
        '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::role-read/*"}'))
    + bucket("conditioned", policy=document(
        '{"Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"}, '
        '"Action": "s3:PutObject", "Resource": "*"}',
        '{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*", '
        '"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-2:891377221201:*"}}}',
        '{"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*", '
        '"Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}'))
    + bucket("world-readable", policy=document(
        '{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", '
        '"Resource": "arn:aws:s3:::world-readable/*"}'))
    + bucket("any-aws", policy=document(
        '{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:PutObject", "s3:GetObject"], '
        '"Resource": "*"}'))
)


# --- 8. Encryption ----------------------------------------------------------------------------

def replication_group(name: str, **overrides: str | None) -> str:
    return resource("aws.elasticache.ReplicationGroup", name, {
        "description": '"redis"', "node_type": '"cache.t4g.micro"', "num_cache_clusters": "1",
        "at_rest_encryption_enabled": "True", "transit_encryption_enabled": "True", "tags": "TAGS"},
        overrides)


def listener(name: str, **overrides: str | None) -> str:
    return f"{name.replace('-', '_')} = " + resource("aws.lb.Listener", name, {
        "load_balancer_arn": '"arn:aws:elasticloadbalancing:us-east-2:891377221201:loadbalancer/app/a/1"',
        "port": "443", "protocol": '"HTTPS"', "ssl_policy": '"ELBSecurityPolicy-TLS13-1-2-2021-06"',
        "certificate_arn": '"arn:aws:acm:us-east-2:891377221201:certificate/1"',
        "default_actions": '[{"type": "fixed-response", "fixed_response": {"content_type": "text/plain", '
                           '"status_code": "404"}}]', "tags": "TAGS"}, overrides)


REDIRECT = '[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}]'


FORWARD = '[{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:us-east-2:1:targetgroup/t/1"}]'


def listener_rule(name: str, on: str) -> str:
    return resource("aws.lb.ListenerRule", name, {
        "listener_arn": f"{on}.arn", "priority": "10", "actions": FORWARD, "tags": "TAGS",
        "conditions": '[{"path_pattern": {"values": ["/api/*"]}}]'}, {})


ENCRYPTION = (
    rds("encrypted-db") + rds("clear-db", storage_encrypted=None)
    + rds("replica-db", storage_encrypted=None, replicate_source_db='"encrypted-db"',
          manage_master_user_password=None, engine=None, allocated_storage=None, username=None)
    + resource("aws.rds.Cluster", "clear-cluster", {"engine": '"postgres"', "tags": "TAGS",
                                                    "manage_master_user_password": "True"}, {})
    + replication_group("redis-ok") + replication_group("redis-no-rest", at_rest_encryption_enabled=None)
    + replication_group("redis-no-transit", transit_encryption_enabled="False")
    + replication_group("redis-preferred", transit_encryption_mode='"preferred"')
    + resource("aws.elasticache.Cluster", "memcached", {"engine": '"memcached"', "tags": "TAGS",
                                                        "node_type": '"cache.t4g.micro"', "num_cache_nodes": "1"}, {})
    + listener("https-ok") + listener("https-2016", ssl_policy='"ELBSecurityPolicy-2016-08"')
    + listener("https-default", ssl_policy=None)
    + listener("http-redirect", port="80", protocol='"HTTP"', ssl_policy=None, certificate_arn=None,
               default_actions=REDIRECT)
    + listener("http-forward", port="80", protocol='"HTTP"', ssl_policy=None, certificate_arn=None,
               default_actions=FORWARD)
    + listener("http-implicit", port="8080", protocol=None, ssl_policy=None, certificate_arn=None,
               default_actions=FORWARD)
    + listener_rule("api-on-https", "https_ok") + listener_rule("api-on-http", "http_redirect")
)


# --- 9. Secrets -------------------------------------------------------------------------------

def task(name: str, *containers: str, **overrides: str | None) -> str:
    return resource("aws.ecs.TaskDefinition", name, {
        "family": f'"{name}"', "cpu": '"256"', "memory": '"512"', "network_mode": '"awsvpc"',
        "requires_compatibilities": '["FARGATE"]', "tags": "TAGS",
        "execution_role_arn": '"arn:aws:iam::891377221201:role/exec"',
        "task_role_arn": '"arn:aws:iam::891377221201:role/task"',
        "container_definitions": f"json.dumps([{', '.join(containers)}])"}, overrides)


AWSLOGS = ('{"logDriver": "awslogs", "options": {"awslogs-group": "/hv-dev/app", '
           '"awslogs-region": "us-east-2", "awslogs-stream-prefix": "app"}}')


def container(name: str, environment: str = "[]", log: str | None = AWSLOGS, extra: str = "") -> str:
    logging = f', "logConfiguration": {log}' if log else ""
    return (f'{{"name": "{name}", "image": "nginx", "essential": True, "readonlyRootFilesystem": True, '
            f'"environment": {environment}{logging}{extra}}}')


SECRETS = (
    task("clean-task", container("app", environment=(
        '[{"name": "COGNITO_TOKEN_URL", "value": "https://auth.example/oauth2/token"}, '
        '{"name": "RATE_LIMITS_TABLE", "value": "hv-dev-rate-limits"}, {"name": "API_KEY", "value": ""}]'),
        extra=', "secrets": [{"name": "AIRTABLE_API_KEY", "valueFrom": '
              '"arn:aws:secretsmanager:us-east-2:891377221201:secret:airtable"}]'))
    + task("leaky-task", container("app", environment=(
        '[{"name": "STRIPE_API_KEY", "value": "sk_live_1"}, {"name": "db_password", "value": "hunter2"}]')),
        container("worker", environment='[{"name": "GithubToken", "value": "ghp_1"}, '
                                        '{"name": "AWS_CREDENTIALS", "value": "x"}]'))
    + task("broken-task", container_definitions='"[not json"')
    + rds("managed-db") + rds("literal-db", manage_master_user_password=None, password='"hunter2hunter2"')
    + rds("unmanaged-db", manage_master_user_password=None)
    + resource("aws.rds.Cluster", "literal-cluster", {"engine": '"postgres"', "storage_encrypted": "True",
                                                      "master_username": '"hv"',
                                                      "master_password": '"hunter2hunter2"', "tags": "TAGS"}, {})
)


# --- 10. Identity -----------------------------------------------------------------------------

def iam_policy(name: str, *statements: str) -> str:
    return resource("aws.iam.Policy", name, {"policy": document(*statements), "tags": "TAGS"}, {})


def allow(actions: str, resources: str, key: str = "Action") -> str:
    return f'{{"Effect": "Allow", "{key}": {actions}, "Resource": {resources}}}'


def attachment(name: str, policy_name: str, kind: str = "Role") -> str:
    target = {"Role": "role", "Group": "group", "User": "user"}[kind]
    return resource(f"aws.iam.{kind}PolicyAttachment", name, {
        target: '"target"', "policy_arn": f'"arn:aws:iam::aws:policy/{policy_name}"'}, {})


STAR = '"*"'


PROFILE = "arn:aws:bedrock:us-east-2:891377221201:inference-profile/us.anthropic.claude-sonnet-4-6"


INVOKE = '["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]'


IDENTITY = (
    'person = aws.iam.User("person", tags=TAGS, opts=opts)\n'
    + resource("aws.iam.AccessKey", "person-key", {"user": "person.name"}, {})
    + iam_policy("scoped", allow('["s3:GetObject"]', '"arn:aws:s3:::assets/*"'),
                 allow('"s3:*"', '"arn:aws:s3:::assets"'), allow('["logs:PutLogEvents"]', '"*"'))
    + iam_policy("admin", allow(STAR, STAR))
    + iam_policy("service-wide", allow('["s3:GetObject", "iam:*"]', '["*"]'))
    + iam_policy("not-action", allow('["iam:*"]', '"*"', key="NotAction"))
    + resource("aws.iam.Role", "inline-role", {
        "assume_role_policy": '"{}"', "tags": "TAGS",
        "inline_policies": f'[{{"name": "everything", "policy": {document(allow(STAR, STAR))}}}]',
        "managed_policy_arns": '["arn:aws:iam::aws:policy/PowerUserAccess", '
                               '"arn:aws:iam::aws:policy/ReadOnlyAccess"]'}, {})
    + attachment("admin-attachment", "AdministratorAccess")
    + attachment("iam-attachment", "IAMFullAccess", kind="Group")
    + attachment("readonly-attachment", "job-function/ViewOnlyAccess")
    + iam_policy("bedrock-ok", allow(INVOKE, f'["{PROFILE}", '
                                             '"arn:aws:bedrock:us-east-1::foundation-model/anthropic.*", '
                                             '"arn:aws:bedrock:us-east-2::foundation-model/anthropic.*", '
                                             '"arn:aws:bedrock:us-west-2::foundation-model/anthropic.*", '
                                             '"arn:aws:bedrock:us-east-2:891377221201:'
                                             'application-inference-profile/abc123"]'))
    + iam_policy("bedrock-control-plane", allow(
        '["bedrock:ListFoundationModels", "bedrock:*ModelInvocationLoggingConfiguration"]', STAR))
    + iam_policy("bedrock-anything", allow(INVOKE, STAR))
    + iam_policy("bedrock-mixed", allow('["bedrock:*", "logs:*"]', '["arn:aws:logs:us-east-2:891377221201:*", '
                                                                    '"arn:aws:bedrock:us-east-2:891377221201:*"]'))
    + iam_policy("bedrock-titan", allow('"bedrock:InvokeModel"',
                                        '"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-v1"'))
    + iam_policy("bedrock-foreign-profile", allow(
        '"bedrock:InvokeModel"',
        '"arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6"'))
    + resource("aws.cognito.UserPool", "invite-only", {
        "admin_create_user_config": '{"allow_admin_create_user_only": True}', "tags": "TAGS"}, {})
    + resource("aws.cognito.UserPool", "open-signup", {"tags": "TAGS"}, {})
)


# --- 11. Operability --------------------------------------------------------------------------

OPERABILITY = (
    ecs_service("guarded-svc")
    + ecs_service("unguarded-svc", deployment_circuit_breaker=None)
    + ecs_service("no-rollback-svc", deployment_circuit_breaker='{"enable": True, "rollback": False}')
    + ecs_service("blue-green-svc", deployment_circuit_breaker=None,
                  deployment_controller='{"type": "CODE_DEPLOY"}')
    + task("logged-task", container("app"), container("otel-collector"))
    + task("silent-task", container("app"), container("sidecar", log=None),
           container("router", log='{"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}'))
    + resource("aws.cloudwatch.LogGroup", "kept-logs", {"retention_in_days": "14", "tags": "TAGS"}, {})
    + resource("aws.cloudwatch.LogGroup", "forever-logs", {"tags": "TAGS"}, {})
)


# --- 12. Prod data safety ---------------------------------------------------------------------

def prod_rds(name: str, **overrides: str | None) -> str:
    return rds(name, **{"deletion_protection": "True", "multi_az": "True", "backup_retention_period": "14",
                        "final_snapshot_identifier": f'"{name}-final"', **overrides})


def table(name: str, **overrides: str | None) -> str:
    return resource("aws.dynamodb.Table", name, {
        "attributes": '[{"name": "pk", "type": "S"}]', "hash_key": '"pk"', "billing_mode": '"PAY_PER_REQUEST"',
        "point_in_time_recovery": '{"enabled": True}', "deletion_protection_enabled": "True",
        "tags": "TAGS"}, overrides)


def user_pool(name: str, **overrides: str | None) -> str:
    return resource("aws.cognito.UserPool", name, {
        "admin_create_user_config": '{"allow_admin_create_user_only": True}',
        "deletion_protection": '"ACTIVE"', "tags": "TAGS"}, overrides)


def load_balancer(name: str, **overrides: str | None) -> str:
    return resource("aws.lb.LoadBalancer", name, {
        "load_balancer_type": '"application"', "subnets": '["subnet-1", "subnet-2"]',
        "enable_deletion_protection": "True", "drop_invalid_header_fields": "True", "tags": "TAGS"}, overrides)


PROD_DATA = (
    prod_rds("safe-db") + prod_rds("deletable-db", deletion_protection=None)
    + prod_rds("single-az-db", multi_az="False") + prod_rds("short-backups-db", backup_retention_period="3")
    + prod_rds("default-backups-db", backup_retention_period=None)
    + prod_rds("skip-snapshot-db", skip_final_snapshot="True", final_snapshot_identifier=None)
    + prod_rds("no-snapshot-name-db", final_snapshot_identifier=None)
    + table("safe-table") + table("no-pitr-table", point_in_time_recovery=None)
    + table("deletable-table", deletion_protection_enabled="False")
    + replication_group("safe-redis", num_cache_clusters="2", multi_az_enabled="True",
                        automatic_failover_enabled="True")
    + replication_group("single-az-redis", num_cache_clusters="2", automatic_failover_enabled="True")
    + replication_group("no-failover-redis", num_cache_clusters="2", multi_az_enabled="True")
    + user_pool("safe-pool") + user_pool("deletable-pool", deletion_protection='"INACTIVE"')
    + load_balancer("safe-alb") + load_balancer("deletable-alb", enable_deletion_protection=None)
)
