"""DataEngines: Postgres (RDS, not Aurora), DynamoDB and Redis, each offering least-privilege grants.

"Each engine has a clear job": Postgres for audit log, sessions, idempotency keys and pipeline
state; DynamoDB for rate-limit counters, locks, dedup and hot flags; Redis (or Valkey) for cache,
SSR sessions, pub/sub and BullMQ queues. Engines live in the isolated subnets, reachable only
from the security groups of the services whose `uses:` names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from .context import StackContext
from .data_config import DYNAMODB_TABLES, DataConfig
from .grants import Grant, service_trust_policy
from .naming import secret_name

POSTGRES_PORT = 5432
REDIS_PORT = 6379
POSTGRES_ADMIN = "hv_admin"
# Tables whose items expire: counters, locks and dedup hashes are worthless after their window.
TTL_TABLES = ("rate-limits", "locks", "dedup")
TTL_ATTRIBUTE = "expiresAt"
SLOW_QUERY_MS = 1000
POSTGRES_LOG_EXPORTS = ("postgresql", "upgrade")
ENHANCED_MONITORING_SECONDS = 60
PERFORMANCE_INSIGHTS_DAYS = 7
# Item-level access only: no table administration, no scans of whole tables.
TABLE_ACTIONS = ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                 "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                 "dynamodb:Query", "dynamodb:UpdateItem")
# ElastiCache AUTH tokens: 16–128 printable characters, without / " @ or spaces.
AUTH_TOKEN_LENGTH = 64


@dataclass(frozen=True, kw_only=True)
class DataEnginesArgs:
    config: DataConfig
    context: StackContext
    vpc_id: pulumi.Input[str]
    isolated_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    multi_az: bool
    deletion_protection: bool
    backup_retention_days: int
    final_snapshot: bool
    performance_insights: bool
    point_in_time_recovery: bool
    cache_snapshot_days: int
    # Modifications now, not in the maintenance window (a queued one shows in every preview).
    apply_immediately: bool
    # The stack's customer-managed key: database storage, its master secret, the AUTH token.
    key_arn: pulumi.Input[str]
    secret_recovery_days: int
    log_retention_days: int
    tags: Mapping[str, str]
    tables: Sequence[str] = DYNAMODB_TABLES


class DataEngines(pulumi.ComponentResource):
    """The three engines, with dev/prod posture from the args, and the grants they offer."""

    def __init__(self, name: str, args: DataEnginesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:data:DataEngines", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        # Physical names, known before deploy: what alarms and dashboards point at.
        self.database_identifier = f"{args.context.name_prefix}-postgres"
        self.table_names = {table: f"{args.context.name_prefix}-{table}" for table in args.tables}
        self.cache_node_ids = {f"redis-{n:03d}": f"{args.context.name_prefix}-redis-{n:03d}"
                               for n in range(1, self._cache_nodes() + 1)}

        self.postgres_security_group = self._engine_security_group("postgres")
        self.postgres = self._create_postgres()
        self.postgres_master_secret_arn = self.postgres.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn or "")
        self.tables = {table: self._create_table(table) for table in args.tables}
        self.redis_security_group = self._engine_security_group("redis")
        self.redis_auth_secret, self.redis = self._create_redis()

        self.grants = self._offer_grants()
        self.register_outputs({
            "postgres_endpoint": self.postgres.address,
            "postgres_port": self.postgres.port,
            "postgres_master_secret_arn": self.postgres_master_secret_arn,
            "redis_endpoint": self.redis.primary_endpoint_address,
            "redis_port": REDIS_PORT,
            "redis_auth_secret_arn": self.redis_auth_secret.arn,
            "table_names": {table: resource.name for table, resource in self.tables.items()},
        })

    def _tags(self, service: str) -> dict[str, str]:
        return {**self._args.tags, "service": service}

    def _engine_security_group(self, engine: str) -> aws.ec2.SecurityGroup:
        # No rules of its own (the provider removes AWS's default allow-all egress): each service
        # that `uses` the engine adds its ingress as a standalone rule.
        return aws.ec2.SecurityGroup(
            f"{self._name}-{engine}-sg", name=f"{self._args.context.name_prefix}-{engine}", vpc_id=self._args.vpc_id,
            description=f"{engine}: only from the services that use it", tags=self._tags(engine),
            opts=self._child)

    # --- Postgres -------------------------------------------------------------------------------

    def _create_postgres(self) -> aws.rds.Instance:
        args, config = self._args, self._args.config.postgres
        subnet_group = aws.rds.SubnetGroup(
            f"{self._name}-postgres-subnets", name=f"{args.context.name_prefix}-postgres",
            subnet_ids=args.isolated_subnet_ids, tags=self._tags("postgres"), opts=self._child)
        parameters = aws.rds.ParameterGroup(
            f"{self._name}-postgres-parameters", name=f"{args.context.name_prefix}-{config.parameter_group_family}",
            family=config.parameter_group_family, description="TLS only, slow queries logged",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value=str(SLOW_QUERY_MS)),
                aws.rds.ParameterGroupParameterArgs(name="log_statement", value="ddl"),
            ],
            tags=self._tags("postgres"), opts=self._child)
        monitoring_role = self._monitoring_role() if args.performance_insights else None
        identifier = self.database_identifier
        # RDS would create the export log groups itself, without a retention: own them instead.
        log_groups = [aws.cloudwatch.LogGroup(
            f"{self._name}-postgres-{export}-logs", name=f"/aws/rds/instance/{identifier}/{export}",
            retention_in_days=args.log_retention_days, tags=self._tags("postgres"), opts=self._child)
            for export in POSTGRES_LOG_EXPORTS]
        # The inputs of ours that replace the instance (the provider's ForceNew ones).
        replacing = {"identifier": identifier, "db_name": config.database_name, "username": POSTGRES_ADMIN,
                     "kms_key_id": args.key_arn}
        return aws.rds.Instance(
            f"{self._name}-postgres", identifier=identifier, db_name=config.database_name, username=POSTGRES_ADMIN,
            kms_key_id=args.key_arn, engine="postgres",
            engine_version=config.engine_version, instance_class=config.instance_class,
            allocated_storage=config.allocated_storage, max_allocated_storage=config.max_allocated_storage,
            storage_type="gp3", storage_encrypted=True, master_user_secret_kms_key_id=args.key_arn,
            manage_master_user_password=True, iam_database_authentication_enabled=True,
            db_subnet_group_name=subnet_group.name, vpc_security_group_ids=[self.postgres_security_group.id],
            parameter_group_name=parameters.name, publicly_accessible=False, multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days, copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection, skip_final_snapshot=not args.final_snapshot,
            final_snapshot_identifier=self._final_snapshot_name("postgres", identifier, replacing),
            enabled_cloudwatch_logs_exports=list(POSTGRES_LOG_EXPORTS),
            performance_insights_enabled=args.performance_insights,
            performance_insights_retention_period=PERFORMANCE_INSIGHTS_DAYS if args.performance_insights else None,
            performance_insights_kms_key_id=args.key_arn if args.performance_insights else None,
            monitoring_interval=ENHANCED_MONITORING_SECONDS if monitoring_role else 0,
            monitoring_role_arn=monitoring_role.arn if monitoring_role else None,
            # Minors follow AWS; a new major in config (16 → 17) is applied, not refused.
            auto_minor_version_upgrade=True, allow_major_version_upgrade=True, apply_immediately=args.apply_immediately,
            ca_cert_identifier="rds-ca-rsa2048-g1",
            tags=self._tags("postgres"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=log_groups))

    def _monitoring_role(self) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{self._name}-postgres-monitoring-role", name=f"{self._args.context.name_prefix}-rds-monitoring",
            assume_role_policy=service_trust_policy("monitoring.rds.amazonaws.com", self._args.context.account_id),
            tags=self._tags("postgres"), opts=self._child)
        aws.iam.RolePolicyAttachment(
            f"{self._name}-postgres-monitoring-policy", role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole", opts=self._child)
        return role

    # --- DynamoDB -------------------------------------------------------------------------------

    def _create_table(self, table: str) -> aws.dynamodb.Table:
        args = self._args
        return aws.dynamodb.Table(
            f"{self._name}-{table}", name=self.table_names[table], billing_mode="PAY_PER_REQUEST",
            hash_key="pk", attributes=[aws.dynamodb.TableAttributeArgs(name="pk", type="S")],
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=TTL_ATTRIBUTE, enabled=True) if table in TTL_TABLES
            else None,
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=args.point_in_time_recovery),
            deletion_protection_enabled=args.deletion_protection,
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            tags=self._tags("dynamodb"), opts=self._child)

    # --- Redis ----------------------------------------------------------------------------------

    def _create_redis(self) -> tuple[aws.secretsmanager.Secret, aws.elasticache.ReplicationGroup]:
        args, config = self._args, self._args.config.redis
        token = random.RandomPassword(f"{self._name}-redis-auth-token", length=AUTH_TOKEN_LENGTH,
                                      special=False, opts=self._child)
        secret = aws.secretsmanager.Secret(
            f"{self._name}-redis-auth-secret", name=secret_name(args.context.name_prefix, "redis", "auth-token"),
            description="ElastiCache AUTH token (generated; rotate by replacing the random password)",
            kms_key_id=args.key_arn, recovery_window_in_days=args.secret_recovery_days, tags=self._tags("redis"),
            opts=self._child)
        aws.secretsmanager.SecretVersion(f"{self._name}-redis-auth-secret-value", secret_id=secret.id,
                                         secret_string=token.result, opts=self._child)
        subnet_group = aws.elasticache.SubnetGroup(
            f"{self._name}-redis-subnets", name=f"{args.context.name_prefix}-redis",
            subnet_ids=args.isolated_subnet_ids,
            tags=self._tags("redis"), opts=self._child)
        parameters = aws.elasticache.ParameterGroup(
            f"{self._name}-redis-parameters", name=f"{args.context.name_prefix}-{config.parameter_group_family}",
            family=config.parameter_group_family, description="BullMQ needs noeviction",
            parameters=[aws.elasticache.ParameterGroupParameterArgs(name="maxmemory-policy", value="noeviction")],
            tags=self._tags("redis"), opts=self._child)
        group_id = f"{args.context.name_prefix}-redis"
        # The inputs of ours that replace the group: the provider's ForceNew ones, and the engine and
        # its version, whose downgrade replaces it.
        replacing = {"replication_group_id": group_id, "kms_key_id": args.key_arn,
                     "subnet_group_name": subnet_group.name, "engine": config.engine,
                     "engine_version": config.engine_version}
        group = aws.elasticache.ReplicationGroup(
            f"{self._name}-redis", replication_group_id=group_id, kms_key_id=args.key_arn,
            subnet_group_name=subnet_group.name, engine=config.engine, engine_version=config.engine_version,
            description=f"{args.context.name_prefix} cache, sessions, pub/sub and queues",
            node_type=config.node_type, num_cache_clusters=self._cache_nodes(),
            port=REDIS_PORT, automatic_failover_enabled=args.multi_az, multi_az_enabled=args.multi_az,
            at_rest_encryption_enabled=True, transit_encryption_enabled=True,
            # Replacing the token (see README) revokes the old one: AWS's default, ROTATE, keeps both valid.
            auth_token=token.result, auth_token_update_strategy="SET",
            security_group_ids=[self.redis_security_group.id],
            parameter_group_name=parameters.name,
            snapshot_retention_limit=args.cache_snapshot_days,
            final_snapshot_identifier=self._final_snapshot_name("redis", group_id, replacing),
            auto_minor_version_upgrade=True, apply_immediately=args.apply_immediately,
            tags=self._tags("redis"), opts=self._child)
        return secret, group

    def _final_snapshot_name(self, engine: str, identifier: str,
                             replacing: Mapping[str, pulumi.Input[str]]) -> pulumi.Output[str] | None:
        """A final snapshot name per incarnation: a fixed one would exist after the first deletion
        (a replacement, a destroy) and fail every later one. The suffix is drawn anew whenever one
        of the inputs that replace the engine changes, so each incarnation is deleted under its own."""
        if not self._args.final_snapshot:
            return None
        suffix = random.RandomId(f"{self._name}-{engine}-final-snapshot-suffix", byte_length=4,
                                 keepers=replacing, opts=self._child)
        return pulumi.Output.concat(f"{identifier}-final-", suffix.hex)

    def _cache_nodes(self) -> int:
        """A primary, plus a replica in another AZ when Multi-AZ."""
        return 2 if self._args.multi_az else 1

    # --- grants ---------------------------------------------------------------------------------

    def _offer_grants(self) -> dict[str, Grant]:
        args, postgres = self._args, self._args.config.postgres
        db_user_arn = pulumi.Output.concat(
            f"arn:aws:rds-db:{args.context.region}:{args.context.account_id}:dbuser:", self.postgres.resource_id,
            f"/{postgres.iam_user}")
        grants = {
            "postgres": Grant(
                name="postgres", security_group_id=self.postgres_security_group.id, port=POSTGRES_PORT,
                statements=[{"Sid": "PostgresIamAuth", "Effect": "Allow", "Action": "rds-db:connect",
                             "Resource": db_user_arn}],
                environment={"DATABASE_HOST": self.postgres.address, "DATABASE_PORT": str(POSTGRES_PORT),
                             "DATABASE_NAME": postgres.database_name, "DATABASE_IAM_USER": postgres.iam_user,
                             "DATABASE_SSL": "require"},
                secrets={"DATABASE_MASTER_CREDENTIALS": self.postgres_master_secret_arn}),
            "redis": Grant(
                name="redis", security_group_id=self.redis_security_group.id, port=REDIS_PORT,
                environment={"REDIS_HOST": self.redis.primary_endpoint_address, "REDIS_PORT": str(REDIS_PORT),
                             "REDIS_TLS": "true"},
                secrets={"REDIS_AUTH_TOKEN": self.redis_auth_secret.arn}),
        }
        for table, resource in self.tables.items():
            statement: dict[str, Any] = {
                "Sid": f"Table{table.title().replace('-', '')}", "Effect": "Allow", "Action": list(TABLE_ACTIONS),
                "Resource": [resource.arn, pulumi.Output.concat(resource.arn, "/index/*")]}
            grants[f"dynamodb:{table}"] = Grant(
                name=f"dynamodb-{table}", statements=[statement],
                environment={f"{table.upper().replace('-', '_')}_TABLE": resource.name})
        return grants
