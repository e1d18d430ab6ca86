"""Wiring: the typed stack config in, every pillar's component out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from .bedrock import BedrockAccess, BedrockAccessArgs
from .ci_roles import GithubCiRoles, GithubCiRolesArgs, bound_workload_roles, workload_boundary
from .compute import FargateService, FargateServiceArgs, ServiceCluster, ServiceClusterArgs
from .compute_config import ServiceConfig
from .config import StackConfig
from .context import StackContext
from .cost import CostControls, CostControlsArgs
from .data import DataEngines, DataEnginesArgs
from .delivery import AppPipelines, AppPipelinesArgs, PipelineTarget
from .grants import Grant
from .identity import CognitoGoogleFederation, CognitoGoogleFederationArgs
from .ingress import PublicIngress, PublicIngressArgs
from .keys import StackKey, StackKeyArgs
from .naming import PILLARS, resource_tags
from .network import VpcNetwork, VpcNetworkArgs
from .operations import Monitored, MonitoredService, Operations, OperationsArgs
from .provider import contract_provider
from .scheduler import SchedulerShelf, SchedulerShelfArgs
from .stateful import protect_stateful_resources


@dataclass(frozen=True)
class Foundation:
    network: VpcNetwork
    ingress: PublicIngress
    data: DataEngines
    identity: CognitoGoogleFederation | None
    bedrock: BedrockAccess
    scheduler: SchedulerShelf | None
    cluster: ServiceCluster
    services: Mapping[str, FargateService]
    operations: Operations
    pipelines: AppPipelines | None
    ci: GithubCiRoles | None

    def outputs(self) -> dict[str, Any]:
        outputs: dict[str, Any] = {
            "vpcId": self.network.vpc_id,
            "privateSubnetIds": self.network.private_subnet_ids,
            "isolatedSubnetIds": self.network.isolated_subnet_ids,
            "albDnsName": self.ingress.dns_name,
            "clusterName": self.cluster.cluster_name,
            "serviceUrls": {name: service.url for name, service in self.services.items()},
            "ecrRepositoryUrls": {name: service.repository_url for name, service in self.services.items()},
            "postgresEndpoint": self.data.postgres.address,
            "postgresMasterSecretArn": self.data.postgres_master_secret_arn,
            "redisEndpoint": self.data.redis.primary_endpoint_address,
            "redisAuthSecretArn": self.data.redis_auth_secret.arn,
            "tableNames": {table: resource.name for table, resource in self.data.tables.items()},
            "oncallTopicArn": self.operations.topic.arn,
            "dashboardName": self.operations.dashboard.dashboard_name,
            "bucketNames": {purpose: bucket.bucket.bucket for purpose, bucket in self.operations.buckets.items()},
        }
        if self.identity is not None:
            outputs |= {
                "userPoolId": self.identity.user_pool.id,
                "cognitoIssuer": self.identity.issuer,
                "cognitoHostedUi": self.identity.hosted_ui,
                "webClientId": self.identity.web_client.id,
                "clawbotM2mSecretArn": self.identity.m2m_secret.arn,
            }
        if self.scheduler is not None:
            outputs["schedulerQueueUrl"] = self.scheduler.queue.url
        if self.ci is not None:
            outputs |= {"githubDeployRoleArn": self.ci.deploy_role.arn,
                        "githubPreviewRoleArn": self.ci.preview_role.arn}
        if self.pipelines is not None:
            outputs["pipelines"] = {name: p.name for name, p in self.pipelines.pipelines.items()}
        return outputs


def build_foundation(config: StackConfig) -> Foundation:
    posture = config.posture
    if posture.protect_stateful:
        protect_stateful_resources()
    provider = contract_provider(config)
    inherit = pulumi.ResourceOptions(providers=[provider])
    context = stack_context(config)
    boundary = None
    if config.ci is not None:
        # Created first: every role after it carries it (the transformation reaches all children).
        boundary = workload_boundary("ci-workload-boundary", context=context, environment=config.environment,
                                     config=config.ci, tags=resource_tags("aws", "delivery"), opts=inherit)
        inherit = pulumi.ResourceOptions.merge(
            inherit, pulumi.ResourceOptions(transformations=[bound_workload_roles(context, boundary)]))
    network = _network(config, context, inherit)
    key = StackKey("key", StackKeyArgs(context=context, tags=resource_tags("aws", "kms")), opts=inherit)
    ingress = PublicIngress("ingress", PublicIngressArgs(
        context=context, zone=config.zone,
        hosts=[service.fqdn(config.domain) for service in config.services],
        vpc_id=network.vpc_id, public_subnet_ids=network.public_subnet_ids,
        deletion_protection=posture.deletion_protection, access_logs=posture.alb_access_logs,
        access_logs_force_destroy=not posture.protect_stateful,
        tags=resource_tags("aws", "ingress"),
    ), opts=inherit)
    data = DataEngines("data", DataEnginesArgs(
        config=config.data, context=context, vpc_id=network.vpc_id, isolated_subnet_ids=network.isolated_subnet_ids,
        multi_az=posture.multi_az, deletion_protection=posture.deletion_protection,
        backup_retention_days=posture.backup_retention_days, final_snapshot=posture.final_snapshot,
        performance_insights=posture.performance_insights, point_in_time_recovery=posture.point_in_time_recovery,
        cache_snapshot_days=posture.cache_snapshot_days, apply_immediately=posture.apply_immediately, key_arn=key.arn,
        secret_recovery_days=posture.secret_recovery_days, log_retention_days=posture.log_retention_days,
        tags=resource_tags("aws", "data"),
    ), opts=inherit)
    identity = _identity(config, context, key, inherit) if config.identity else None
    bedrock = BedrockAccess("bedrock", BedrockAccessArgs(
        context=context, inference_profiles=config.bedrock.inference_profiles,
        invocation_logging=config.bedrock.invocation_logging,
        log_retention_days=posture.log_retention_days, tags=resource_tags("aws", "bedrock"),
    ), opts=inherit)
    scheduler = SchedulerShelf("scheduler", SchedulerShelfArgs(
        context=context, schedules=config.scheduler.schedules,
        tags=resource_tags("hub-v2", "scheduler"),
    ), opts=inherit) if config.scheduler.enabled else None
    offered = {**data.grants, **(identity.grants if identity else {}), "bedrock": bedrock.grant}
    cluster = ServiceCluster("cluster", ServiceClusterArgs(
        context=context, container_insights=posture.container_insights,
        fargate_spot=posture.fargate_spot, tags=resource_tags("aws", "ecs"),
    ), opts=inherit)
    sources = config.delivery.sources if config.delivery else {}
    services = {}
    for service in config.services:
        grants = _grants_for(service.uses, offered)
        if scheduler is not None and service.name == config.scheduler.consumer:
            grants.append(scheduler.grant)
        services[service.name] = FargateService(service.name, FargateServiceArgs(
            service=service, context=context, fqdn=service.fqdn(config.domain),
            cluster_name=cluster.cluster_name, cluster_arn=cluster.cluster_arn, vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids, alb_security_group_id=ingress.security_group.id,
            https_listener_arn=ingress.https_listener.arn, log_retention_days=posture.log_retention_days,
            secret_recovery_days=posture.secret_recovery_days, ecr_force_delete=not posture.protect_stateful,
            secrets_key_arn=key.arn, grants=grants, deployed_by_pipeline=service.name in sources,
            tags=resource_tags(service.pillar, service.name),
        ), opts=_renamed(service, inherit))
    operations = Operations("operations", OperationsArgs(
        context=context, alarm_emails=config.operations.alarm_emails, buckets=config.operations.buckets,
        bucket_versioning=posture.bucket_versioning, force_destroy_buckets=not posture.protect_stateful,
        monitored=_monitored(config, ingress=ingress, data=data, cluster=cluster, services=services,
                             scheduler=scheduler),
        tags=resource_tags("aws", "operations"),
    ), opts=inherit)
    if config.cost is not None:
        CostControls("cost", CostControlsArgs(
            context=context, environment=config.environment,
            budgets=config.cost.budgets, pillars=PILLARS, create_account_controls=config.cost.create_account_controls,
            anomaly_threshold_usd=config.cost.anomaly_threshold_usd, topic_arn=operations.topic.arn,
            tags=resource_tags("aws", "cost")), opts=inherit)
    pipelines = _pipelines(config, context, services=services, cluster=cluster, operations=operations,
                           opts=inherit) if sources else None
    ci = GithubCiRoles("ci", GithubCiRolesArgs(
        context=context, environment=config.environment, config=config.ci, zone_id=ingress.zone_id,
        boundary=boundary, preview_secret_names=[config.identity.google_client_secret_name] if config.identity else [],
        tags=resource_tags("aws", "delivery"),
    ), opts=inherit) if config.ci is not None and boundary is not None else None
    return Foundation(network=network, ingress=ingress, data=data, identity=identity, bedrock=bedrock,
                      scheduler=scheduler, cluster=cluster, services=services, operations=operations,
                      pipelines=pipelines, ci=ci)


def _renamed(service: ServiceConfig, opts: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
    """A renamed service's component answers to its former name too; its children's names start
    with the service name, so the engine aliases them alike (`clawbot-tg` → `robin-tg`)."""
    if service.renamed_from is None:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=service.renamed_from)]))


def _grants_for(uses: Sequence[str], offered: Mapping[str, Grant]) -> list[Grant]:
    """The grants a service's `uses:` selects, in its order. The config refused names nothing
    offers, so a missing one here is a bug, not a user error."""
    return [offered[name] for name in uses]


def stack_context(config: StackConfig) -> StackContext:
    return StackContext(name_prefix=config.physical_name(), region=config.aws.region,
                        account_id=config.aws.account_id)


def _network(config: StackConfig, context: StackContext, opts: pulumi.ResourceOptions) -> VpcNetwork:
    network_config = config.network
    return VpcNetwork("network", VpcNetworkArgs(
        context=context,
        cidr=network_config.cidr,
        az_count=network_config.az_count,
        availability_zones=network_config.availability_zones,
        nat=network_config.nat,
        interface_endpoints=network_config.interface_endpoints,
        flow_log_traffic=network_config.flow_log_traffic,
        flow_log_retention_days=network_config.flow_log_retention_days,
        tags=resource_tags("aws", "vpc"),
    ), opts=opts)


def _identity(config: StackConfig, context: StackContext, key: StackKey,
              opts: pulumi.ResourceOptions) -> CognitoGoogleFederation:
    identity = config.identity
    assert identity is not None
    web_host = f"https://{config.service(identity.web_service).fqdn(config.domain)}"
    return CognitoGoogleFederation("identity", CognitoGoogleFederationArgs(
        context=context, domain_prefix=identity.domain_prefix,
        google_client_id=identity.google_client_id, google_client_secret_name=identity.google_client_secret_name,
        callback_urls=[*(f"{web_host}{path}" for path in identity.callback_paths), *identity.extra_callback_urls],
        logout_urls=[f"{web_host}{path}" for path in identity.logout_paths], groups=identity.groups,
        api_scopes=identity.api_scopes, deletion_protection=config.posture.deletion_protection,
        secret_recovery_days=config.posture.secret_recovery_days,
        secrets_key_arn=key.arn, tags=resource_tags("aws", "identity"),
    ), opts=opts)


def _monitored(config: StackConfig, *, ingress: PublicIngress, data: DataEngines, cluster: ServiceCluster,
               services: Mapping[str, FargateService], scheduler: SchedulerShelf | None) -> Monitored:
    """The inventory alarms are generated from: whatever the config made exist."""
    return Monitored(
        load_balancer=ingress.load_balancer.arn_suffix,
        services=[MonitoredService(name=s.name, pillar=s.pillar, cluster=cluster.cluster_name,
                                   target_group=services[s.name].target_group.arn_suffix,
                                   min_count=s.scaling.min_count) for s in config.services],
        database=data.database_identifier, database_max_storage_gib=config.data.postgres.max_allocated_storage,
        database_max_connections=config.data.postgres.max_connections,
        cache_nodes=data.cache_node_ids, tables=data.table_names,
        dead_letter_queues={"scheduler-dlq": scheduler.dead_letter_queue_name} if scheduler else {},
    )


def _pipelines(config: StackConfig, context: StackContext, *, services: Mapping[str, FargateService],
               cluster: ServiceCluster, operations: Operations, opts: pulumi.ResourceOptions) -> AppPipelines:
    delivery = config.delivery
    assert delivery is not None
    targets = [
        PipelineTarget(
            name=name, pillar=config.service(name).pillar, repository=source.repository, branch=source.branch,
            architecture=config.service(name).architecture, ecr_repository_url=services[name].repository_url,
            ecr_repository_arn=services[name].repository.arn, cluster_name=cluster.cluster_name,
            service_name=services[name].service.name, task_role_arn=services[name].task_role.arn,
            execution_role_arn=services[name].execution_role.arn)
        for name, source in delivery.sources.items()
    ]
    return AppPipelines("delivery", AppPipelinesArgs(
        context=context, environment=config.environment, targets=targets,
        manual_approval=config.posture.manual_approval, approval_topic_arn=operations.topic.arn,
        approval_topic_key_arn=operations.topic_key.arn, log_retention_days=config.posture.log_retention_days,
        force_destroy_artifacts=not config.posture.protect_stateful, tags=resource_tags("aws", "delivery"),
    ), opts=opts)
