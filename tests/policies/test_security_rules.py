"""The mandatory security rules through the real pack, near misses included.

Each program holds a compliant resource and one resource per way to fail, named after it; a program
runs once per module and each test reads the messages its rule reported, by resource name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies.hv_rules.resources import linked

Check = Callable[..., Any]
Outcomes = dict[str, Any]

ECS_IPS = "hv-ecs-forbid-public-ips"
WORLD_INGRESS = "hv-ec2-restrict-world-ingress"
RDS_PUBLIC = "hv-rds-forbid-public-access"
S3_BLOCK = "hv-s3-require-public-access-block"
S3_POLICY = "hv-s3-forbid-public-bucket-policies"
RDS_ENCRYPTION = "hv-rds-require-storage-encryption"
REDIS_ENCRYPTION = "hv-elasticache-require-encryption"
TLS13 = "hv-lb-require-tls13-policy"
HTTP_REDIRECT = "hv-lb-redirect-http-to-https"
SECRET_ENV = "hv-ecs-forbid-secret-environment"
RDS_PASSWORD = "hv-rds-require-managed-master-password"
IAM_USERS = "hv-iam-forbid-users"
IAM_WILDCARDS = "hv-iam-forbid-wildcard-permissions"
IAM_ADMIN = "hv-iam-forbid-admin-policies"
BEDROCK = "hv-bedrock-restrict-to-anthropic-models"
COGNITO_ADMIN_ONLY = "hv-cognito-require-admin-create-only"
CIRCUIT_BREAKER = "hv-ecs-require-circuit-breaker"
CLOUDWATCH_LOGGING = "hv-ecs-require-cloudwatch-logging"
LOG_RETENTION = "hv-cloudwatch-require-log-retention"
PROD_RDS = "hv-rds-protect-prod-data"
PROD_DYNAMODB = "hv-dynamodb-protect-prod-tables"
PROD_REDIS = "hv-elasticache-protect-prod-replication"
PROD_COGNITO = "hv-cognito-protect-prod-user-pools"
PROD_LB = "hv-lb-protect-prod-load-balancers"
PROD_RULES = (PROD_RDS, PROD_DYNAMODB, PROD_REDIS, PROD_COGNITO, PROD_LB)


def by_resource(outcome: Any, rule: str) -> dict[str, list[str]]:
    """The rule's messages, keyed by the logical name of the resource they were reported on."""
    found: dict[str, list[str]] = {}
    for violation in outcome.violations:
        if violation.policy == rule:
            found.setdefault(violation.urn.rsplit("::", 1)[-1] or "(stack)", []).append(violation.detail)
    return found


def not_applicable(outcome: Any, rule: str) -> dict[str, str]:
    return {entry.urn.rsplit("::", 1)[-1]: entry.reason for entry in outcome.not_applicable
            if entry.policy == rule}


def resource(constructor: str, name: str, defaults: dict[str, str], overrides: dict[str, str | None]) -> str:
    """`aws.x.Y("name", key=value, …)` from Python source snippets; an override of None drops the key."""
    arguments = {**defaults, **overrides}
    listed = ", ".join(f"{key}={value}" for key, value in arguments.items() if value is not None)
    return f'{constructor}("{name}", {listed}, opts=opts)\n'


@pytest.fixture(scope="module")
def outcomes() -> Outcomes:
    return {}


def run_once(check: Check, outcomes: Outcomes, key: str, body: str, **options: Any) -> Any:
    if key not in outcomes:
        outcomes[key] = check(body, **options)
    return outcomes[key]


# --- 7. Public exposure -------------------------------------------------------------------------

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


@pytest.fixture
def exposure(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "exposure", EXPOSURE)


def test_ecs_service_with_a_public_ip_is_refused(exposure: Any) -> None:
    assert by_resource(exposure, ECS_IPS) == {"public-svc": [
        "aws:ecs/service:Service 'public-svc' sets networkConfiguration.assignPublicIp=true: every task "
        "gets a public IP, reachable around the ALB. Set assign_public_ip=False and run the tasks in the "
        "private-app subnets (egress through NAT)."]}


def test_world_ingress_is_limited_to_tcp_80_and_443(exposure: Any) -> None:
    found = by_resource(exposure, WORLD_INGRESS)
    # The ALB's 80/443 (IPv4 and IPv6), SSH from the VPC and world egress are not exposure.
    assert set(found) == {"ssh-sg", "all-sg", "range-sg", "v6-sg", "udp-sg", "legacy-ssh", "everything-v6"}
    assert found["ssh-sg"] == ["aws:ec2/securityGroup:SecurityGroup 'ssh-sg': ingress[0] opens tcp port 22 "
                               "to 0.0.0.0/0. Only tcp/80 and tcp/443 (the ALB) may face the internet; take "
                               "the source from a security group or the VPC CIDR instead."]
    assert "ingress[0] opens all protocols and ports to 0.0.0.0/0" in found["all-sg"][0]
    assert "ingress[0] opens tcp ports 80-443 to 0.0.0.0/0" in found["range-sg"][0]
    assert "ingress[0] opens tcp port 5432 to ::/0" in found["v6-sg"][0]
    assert "ingress[0] opens udp port 443 to 0.0.0.0/0" in found["udp-sg"][0]
    assert found["legacy-ssh"][0].startswith("aws:ec2/securityGroupRule:SecurityGroupRule 'legacy-ssh': "
                                             "the rule opens tcp port 22 to 0.0.0.0/0.")
    assert "'everything-v6': the rule opens all protocols and ports to ::/0" in found["everything-v6"][0]


def test_publicly_accessible_rds_is_refused(exposure: Any) -> None:
    assert by_resource(exposure, RDS_PUBLIC) == {"public-db": [
        "aws:rds/instance:Instance 'public-db' sets publiclyAccessible=true: its endpoint resolves to a "
        "public IP. Set publicly_accessible=False; the database lives in the isolated-data subnets and is "
        "reached from the services' security groups."]}


def test_every_bucket_needs_a_full_public_access_block(exposure: Any) -> None:
    # Matched by dependency on the bucket, or by its name (`named`).
    assert by_resource(exposure, S3_BLOCK) == {
        "half-blocked": ["aws:s3/bucket:Bucket 'half-blocked': its public access block 'half-blocked-block' "
                         "leaves blockPublicPolicy, restrictPublicBuckets off. Set all four settings to True."],
        "unblocked": ["aws:s3/bucket:Bucket 'unblocked' has no aws.s3.BucketPublicAccessBlock. Add one with "
                      "block_public_acls, block_public_policy, ignore_public_acls and "
                      "restrict_public_buckets all True."]}


def test_bucket_policies_granting_anyone_without_a_condition_are_refused(exposure: Any) -> None:
    found = by_resource(exposure, S3_POLICY)
    # A named role, a service principal, '*' limited by aws:SourceArn and a Deny all pass.
    assert set(found) == {"world-readable-policy", "any-aws-policy"}
    assert found["world-readable-policy"] == [
        "aws:s3/bucketPolicy:BucketPolicy 'world-readable-policy': statement 'Public' allows s3:GetObject "
        "to any principal ('*') without a condition, so anyone on the internet may do it. Name the "
        "principals, or limit it with a condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID)."]
    assert "statement 0 allows s3:PutObject, s3:GetObject to any principal" in found["any-aws-policy"][0]


# --- 8. Encryption ------------------------------------------------------------------------------

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


@pytest.fixture
def encryption(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "encryption", ENCRYPTION)


def test_rds_storage_must_be_encrypted(encryption: Any) -> None:
    found = by_resource(encryption, RDS_ENCRYPTION)
    assert set(found) == {"clear-db", "clear-cluster"}
    assert found["clear-db"] == ["aws:rds/instance:Instance 'clear-db' does not set storageEncrypted=true: "
                                 "its storage, snapshots and backups would be in clear. Set "
                                 "storage_encrypted=True (it cannot be turned on later without a restore)."]
    assert found["clear-cluster"][0].startswith("aws:rds/cluster:Cluster 'clear-cluster' does not set")
    assert not_applicable(encryption, RDS_ENCRYPTION) == {
        "replica-db": "a read replica takes its encryption from the source instance"}


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


def test_https_listeners_use_a_tls13_policy(encryption: Any) -> None:
    found = by_resource(encryption, TLS13)
    assert found == {
        "https-2016": ["aws:lb/listener:Listener 'https-2016' (HTTPS) has sslPolicy "
                       "'ELBSecurityPolicy-2016-08'. Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' or a "
                       "newer ELBSecurityPolicy-TLS13-* policy."],
        "https-default": ["aws:lb/listener:Listener 'https-default' (HTTPS) has no sslPolicy (AWS then uses "
                          "ELBSecurityPolicy-2016-08, which accepts TLS 1.0). Set "
                          "ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' or a newer "
                          "ELBSecurityPolicy-TLS13-* policy."]}


def test_http_listeners_and_their_rules_only_redirect(encryption: Any) -> None:
    found = by_resource(encryption, HTTP_REDIRECT)
    # HTTPS listeners and rules on them are out of scope; a redirecting HTTP listener passes.
    assert set(found) == {"http-forward", "http-implicit", "api-on-http"}
    assert found["http-forward"] == [
        "aws:lb/listener:Listener 'http-forward' serves plain HTTP with default action(s) forward. An HTTP "
        "listener must only redirect: default_actions=[{type: 'redirect', redirect: {protocol: 'HTTPS', "
        "port: '443', status_code: 'HTTP_301'}}]."]
    assert found["api-on-http"] == [
        "aws:lb/listenerRule:ListenerRule 'api-on-http' on the plain-HTTP aws:lb/listener:Listener "
        "'http-redirect' has action(s) forward, serving traffic in clear. Attach the rule to the HTTPS "
        "listener."]


# --- 9. Secrets ---------------------------------------------------------------------------------

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


@pytest.fixture
def secrets(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "secrets", SECRETS)


def test_secret_named_environment_variables_with_literal_values_are_refused(secrets: Any) -> None:
    found = by_resource(secrets, SECRET_ENV)
    # COGNITO_TOKEN_URL, RATE_LIMITS_TABLE, an empty API_KEY and a `secrets` entry all pass.
    assert set(found) == {"leaky-task", "broken-task"}
    assert [message.split(" to a literal")[0] for message in found["leaky-task"]] == [
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'app' sets environment variable "
        "STRIPE_API_KEY",
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'app' sets environment variable "
        "db_password",
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'worker' sets environment variable "
        "GithubToken",
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'worker' sets environment variable "
        "AWS_CREDENTIALS"]
    assert found["leaky-task"][0].endswith("Move it to `secrets`: {'name': 'STRIPE_API_KEY', 'valueFrom': "
                                           "<Secrets Manager secret ARN>}.")
    assert found["broken-task"] == [
        "aws:ecs/taskDefinition:TaskDefinition 'broken-task': containerDefinitions is not valid JSON "
        "(Expecting value), so its containers cannot be checked. Pass the definitions as json.dumps([...]) "
        "of container objects."]


def test_rds_master_password_is_managed_by_rds(secrets: Any) -> None:
    found = by_resource(secrets, RDS_PASSWORD)
    assert set(found) == {"literal-db", "unmanaged-db", "literal-cluster"}
    assert found["literal-db"] == [
        "aws:rds/instance:Instance 'literal-db' sets password: the master password would live in the "
        "program and the Pulumi state. Remove it and set manage_master_user_password=True (RDS keeps it in "
        "Secrets Manager and rotates it)."]
    assert found["unmanaged-db"] == [
        "aws:rds/instance:Instance 'unmanaged-db' does not set manageMasterUserPassword=true. Set "
        "manage_master_user_password=True so RDS keeps the master password in Secrets Manager and rotates it."]
    assert found["literal-cluster"][0].startswith("aws:rds/cluster:Cluster 'literal-cluster' sets masterPassword:")


# --- 10. Identity -------------------------------------------------------------------------------

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


@pytest.fixture
def identity(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "identity", IDENTITY)


def test_iam_users_and_access_keys_are_refused(identity: Any) -> None:
    assert by_resource(identity, IAM_USERS) == {
        "person": ["aws:iam/user:User 'person' is an IAM user. People sign in through SSO, workloads use IAM "
                   "roles, CI assumes the GitHub OIDC deploy role: remove it."],
        "person-key": ["aws:iam/accessKey:AccessKey 'person-key' is a long-lived access key. People sign in "
                       "through SSO, workloads use IAM roles, CI assumes the GitHub OIDC deploy role: remove "
                       "it."]}


def test_wildcard_actions_on_every_resource_are_refused(identity: Any) -> None:
    found = by_resource(identity, IAM_WILDCARDS)
    # `s3:*` on one bucket and a named action on '*' pass; Bedrock's '*' is the Bedrock rule's business.
    assert set(found) == {"admin", "service-wide", "not-action", "inline-role"}
    assert found["admin"] == ["aws:iam/policy:Policy 'admin': policy statement 0 allows * on Resource '*' "
                              "(every action, on everything). Name the actions the workload calls and the "
                              "ARNs it touches."]
    assert "policy statement 0 allows iam:* on Resource '*' (every action of iam, on everything)" \
        in found["service-wide"][0]
    assert "policy statement 0 allows every action except iam:* (NotAction) on Resource '*'" \
        in found["not-action"][0]
    assert "'inline-role': inlinePolicies['everything'] statement 0 allows * on Resource '*'" \
        in found["inline-role"][0]


def test_admin_managed_policies_are_never_attached(identity: Any) -> None:
    found = by_resource(identity, IAM_ADMIN)
    assert set(found) == {"inline-role", "admin-attachment", "iam-attachment"}
    assert found["admin-attachment"] == [
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment 'admin-attachment' attaches "
        "arn:aws:iam::aws:policy/AdministratorAccess: administrator-level access for whoever holds the role. "
        "Attach a policy with the actions and resources the role needs."]
    assert "attaches arn:aws:iam::aws:policy/PowerUserAccess" in found["inline-role"][0]
    assert "attaches arn:aws:iam::aws:policy/IAMFullAccess" in found["iam-attachment"][0]


def test_bedrock_is_limited_to_anthropic_models_and_our_profiles(identity: Any) -> None:
    found = by_resource(identity, BEDROCK)
    # Anthropic models in us-east-1/us-east-2/us-west-2, our us. profile and an application profile pass,
    # and so do control-plane actions that cannot invoke a model.
    assert set(found) == {"bedrock-anything", "bedrock-titan", "bedrock-foreign-profile", "bedrock-mixed"}
    assert found["bedrock-anything"] == [
        "aws:iam/policy:Policy 'bedrock-anything': policy statement 0 grants bedrock:InvokeModel, "
        "bedrock:InvokeModelWithResponseStream on '*'. Bedrock access is limited to Anthropic models: "
        "arn:aws:bedrock:<region>::foundation-model/anthropic.* and the us.anthropic.* inference profiles "
        "(or application inference profiles) of 891377221201 in us-east-2."]
    assert "on 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-v1'" in found["bedrock-titan"][0]
    assert "on 'arn:aws:bedrock:us-east-2:123456789012:inference-profile/" in found["bedrock-foreign-profile"][0]
    # Only the Bedrock ARN of a multi-service statement is Bedrock access.
    assert [m.split(". ")[0] for m in found["bedrock-mixed"]] == [
        "aws:iam/policy:Policy 'bedrock-mixed': policy statement 0 grants bedrock:* on "
        "'arn:aws:bedrock:us-east-2:891377221201:*'"]


def test_cognito_pools_are_admin_create_only(identity: Any) -> None:
    assert by_resource(identity, COGNITO_ADMIN_ONLY) == {"open-signup": [
        "aws:cognito/userPool:UserPool 'open-signup' allows self sign-up "
        "(adminCreateUserConfig.allowAdminCreateUserOnly is not true): anyone could create an account. Set "
        "admin_create_user_config.allow_admin_create_user_only=True; people arrive through the Google "
        "federation."]}


# --- 11. Operability ----------------------------------------------------------------------------

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


@pytest.fixture
def operability(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "operability", OPERABILITY)


def test_ecs_services_roll_back_failed_deployments(operability: Any) -> None:
    found = by_resource(operability, CIRCUIT_BREAKER)
    assert found == {
        "unguarded-svc": ["aws:ecs/service:Service 'unguarded-svc' has no deployment circuit breaker: a task "
                          "that never becomes healthy keeps the deployment looping. Set "
                          "deployment_circuit_breaker={'enable': True, 'rollback': True}."],
        "no-rollback-svc": ["aws:ecs/service:Service 'no-rollback-svc' enables the circuit breaker without "
                            "rollback: a failed deployment stops but stays on the broken revision. Set "
                            "deployment_circuit_breaker.rollback=True."]}
    assert not_applicable(operability, CIRCUIT_BREAKER) == {
        "blue-green-svc": "deployment controller CODE_DEPLOY does its own rollbacks"}


def test_every_container_logs_to_cloudwatch(operability: Any) -> None:
    assert by_resource(operability, CLOUDWATCH_LOGGING) == {"silent-task": [
        "aws:ecs/taskDefinition:TaskDefinition 'silent-task': container 'sidecar' has no logConfiguration, "
        "so its output never reaches CloudWatch. Set logConfiguration={'logDriver': 'awslogs', 'options': "
        "{'awslogs-group': <the service's log group>, 'awslogs-region': 'us-east-2', "
        "'awslogs-stream-prefix': <container>}}.",
        "aws:ecs/taskDefinition:TaskDefinition 'silent-task': container 'router' logs with driver "
        "'awsfirelens', so its output never reaches CloudWatch. Set logConfiguration={'logDriver': "
        "'awslogs', 'options': {'awslogs-group': <the service's log group>, 'awslogs-region': 'us-east-2', "
        "'awslogs-stream-prefix': <container>}}."]}


def test_log_groups_have_a_retention(operability: Any) -> None:
    assert by_resource(operability, LOG_RETENTION) == {"forever-logs": [
        "aws:cloudwatch/logGroup:LogGroup 'forever-logs' has no retentionInDays: its logs are kept (and "
        "billed) forever. Set retention_in_days (dev 14, prod 90)."]}


# --- 12. Prod data safety -----------------------------------------------------------------------

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


@pytest.fixture
def prod_data(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "prod", PROD_DATA, environment="prod")


@pytest.fixture
def dev_data(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "dev", PROD_DATA, environment="dev")


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


def test_prod_tables_have_pitr_and_deletion_protection(prod_data: Any) -> None:
    assert by_resource(prod_data, PROD_DYNAMODB) == {
        "no-pitr-table": ["aws:dynamodb/table:Table 'no-pitr-table' (environment=prod) has no point-in-time "
                          "recovery: set point_in_time_recovery={'enabled': True} (restores to any second "
                          "of the last 35 days)."],
        "deletable-table": ["aws:dynamodb/table:Table 'deletable-table' (environment=prod) has no deletion "
                            "protection: set deletion_protection_enabled=True."]}


def test_prod_redis_is_multi_az_with_failover(prod_data: Any) -> None:
    found = by_resource(prod_data, PROD_REDIS)
    assert set(found) == {"single-az-redis", "no-failover-redis"}
    assert found["single-az-redis"] == [
        "aws:elasticache/replicationGroup:ReplicationGroup 'single-az-redis' (environment=prod) is not "
        "Multi-AZ: set multi_az_enabled=True (with at least one replica in another zone)."]
    assert "has no automatic failover: set automatic_failover_enabled=True" in found["no-failover-redis"][0]


def test_prod_user_pools_and_load_balancers_have_deletion_protection(prod_data: Any) -> None:
    assert by_resource(prod_data, PROD_COGNITO) == {"deletable-pool": [
        "aws:cognito/userPool:UserPool 'deletable-pool' (environment=prod) has no deletion protection: "
        "deleting it would lose every user and group. Set deletion_protection='ACTIVE'."]}
    assert by_resource(prod_data, PROD_LB) == {"deletable-alb": [
        "aws:lb/loadBalancer:LoadBalancer 'deletable-alb' (environment=prod) has no deletion protection: "
        "deleting it would take every host offline and change its DNS name. Set "
        "enable_deletion_protection=True."]}


@pytest.mark.parametrize("rule", PROD_RULES)
def test_dev_resources_without_prod_safety_pass(dev_data: Any, rule: str) -> None:
    assert by_resource(dev_data, rule) == {}
    reasons = set(not_applicable(dev_data, rule).values())
    assert len(reasons) == 1 and reasons.pop().startswith("environment=dev: ")


def test_environment_comes_from_the_provider_default_tags(check: Check) -> None:
    # The provider says prod; the resource's own tags say nothing about the environment.
    outcome = check(table("plain-table", point_in_time_recovery=None), environment="prod")
    assert list(by_resource(outcome, PROD_DYNAMODB)) == ["plain-table"]


# --- Linking resources in stack rules, with a preview's unknowns ---------------------------------

UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def stack_resource(type_: str, name: str, props: dict[str, Any]) -> Any:
    return PolicyResource(type_, unknown_checking_proxy(props), f"urn:pulumi:dev::demo::{type_}::{name}", name,
                          None, None, None, [], {})


def test_a_block_is_matched_by_the_bucket_name_while_its_arn_is_unknown() -> None:
    bucket = stack_resource("aws:s3/bucket:Bucket", "logs", {"bucket": "hv-dev-logs", "arn": UNKNOWN_STRING})
    block = stack_resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-block",
                           {"bucket": "hv-dev-logs"})
    assert linked([bucket, block], ["aws:s3/bucket:Bucket"], [block.resource_type], "bucket") == {
        bucket.urn: [block]}


def test_an_unmatched_link_while_a_target_is_unknown_is_unknown_not_absent() -> None:
    bucket = stack_resource("aws:s3/bucket:Bucket", "logs", {"bucket": UNKNOWN_STRING})
    block = stack_resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-block",
                           {"bucket": "hv-dev-logs"})
    with pytest.raises(UnknownValueError):
        linked([bucket, block], ["aws:s3/bucket:Bucket"], [block.resource_type], "bucket")
