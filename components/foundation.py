"""Wiring: the typed stack config in, every pillar's component out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from .bedrock import BedrockAccess, BedrockAccessArgs
from .compute import FargateService, FargateServiceArgs, ServiceCluster, ServiceClusterArgs
from .config import StackConfig
from .data import DataEngines, DataEnginesArgs
from .grants import Grant
from .identity import CognitoGoogleFederation, CognitoGoogleFederationArgs
from .ingress import PublicIngress, PublicIngressArgs
from .naming import resource_tags
from .network import VpcNetwork, VpcNetworkArgs
from .provider import contract_provider


@dataclass(frozen=True)
class Foundation:
    network: VpcNetwork
    ingress: PublicIngress
    data: DataEngines
    identity: CognitoGoogleFederation | None
    bedrock: BedrockAccess
    cluster: ServiceCluster
    services: Mapping[str, FargateService]

    def outputs(self) -> dict[str, Any]:
        return {
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
            **(self._identity_outputs() if self.identity else {}),
        }

    def _identity_outputs(self) -> dict[str, Any]:
        assert self.identity is not None
        return {
            "userPoolId": self.identity.user_pool.id,
            "cognitoIssuer": self.identity.issuer,
            "cognitoHostedUi": self.identity.hosted_ui,
            "webClientId": self.identity.web_client.id,
            "clawbotM2mSecretArn": self.identity.m2m_secret.arn,
        }


def build_foundation(config: StackConfig) -> Foundation:
    provider = contract_provider(config)
    inherit = pulumi.ResourceOptions(providers=[provider])
    posture = config.posture
    network = _network(config, inherit)
    ingress = PublicIngress("ingress", PublicIngressArgs(
        name_prefix=config.physical_name(), account_id=config.aws.account_id, zone=config.zone,
        hosts=[service.fqdn(config.domain) for service in config.services],
        vpc_id=network.vpc_id, public_subnet_ids=network.public_subnet_ids,
        deletion_protection=posture.deletion_protection, access_logs=posture.alb_access_logs,
        tags=resource_tags("aws", "ingress"),
    ), opts=inherit)
    data = DataEngines("data", DataEnginesArgs(
        config=config.data, name_prefix=config.physical_name(), region=config.aws.region,
        account_id=config.aws.account_id, vpc_id=network.vpc_id, isolated_subnet_ids=network.isolated_subnet_ids,
        multi_az=posture.multi_az, deletion_protection=posture.deletion_protection,
        backup_retention_days=posture.backup_retention_days, final_snapshot=posture.final_snapshot,
        performance_insights=posture.performance_insights, point_in_time_recovery=posture.point_in_time_recovery,
        cache_snapshot_days=posture.cache_snapshot_days, protect=posture.protect_stateful,
        secret_recovery_days=posture.secret_recovery_days, log_retention_days=posture.log_retention_days,
        tags=resource_tags("aws", "data"),
    ), opts=inherit)
    identity = _identity(config, inherit) if config.identity else None
    bedrock = BedrockAccess("bedrock", BedrockAccessArgs(
        name_prefix=config.physical_name(), region=config.aws.region, account_id=config.aws.account_id,
        inference_profiles=config.bedrock.inference_profiles, invocation_logging=config.bedrock.invocation_logging,
        log_retention_days=posture.log_retention_days, tags=resource_tags("aws", "bedrock"),
    ), opts=inherit)
    offered = {**data.grants, **(identity.grants if identity else {}), "bedrock": bedrock.grant}
    cluster = ServiceCluster("cluster", ServiceClusterArgs(
        name=config.physical_name(), container_insights=posture.container_insights,
        fargate_spot=posture.fargate_spot, tags=resource_tags("aws", "ecs"),
    ), opts=inherit)
    services = {
        service.name: FargateService(service.name, FargateServiceArgs(
            service=service, name_prefix=config.physical_name(), region=config.aws.region,
            account_id=config.aws.account_id, fqdn=service.fqdn(config.domain),
            cluster_name=cluster.cluster_name, cluster_arn=cluster.cluster_arn, vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids, alb_security_group_id=ingress.security_group.id,
            https_listener_arn=ingress.https_listener.arn, log_retention_days=posture.log_retention_days,
            secret_recovery_days=posture.secret_recovery_days, ecr_force_delete=not posture.protect_stateful,
            protect_secrets=posture.protect_stateful, grants=_grants_for(service.uses, offered),
            tags=resource_tags(service.pillar, service.name),
        ), opts=inherit)
        for service in config.services
    }
    return Foundation(network=network, ingress=ingress, data=data, identity=identity, bedrock=bedrock,
                      cluster=cluster, services=services)


def _identity(config: StackConfig, opts: pulumi.ResourceOptions) -> CognitoGoogleFederation:
    identity = config.identity
    assert identity is not None
    web_host = f"https://{config.service(identity.web_service).fqdn(config.domain)}"
    return CognitoGoogleFederation("identity", CognitoGoogleFederationArgs(
        name_prefix=config.physical_name(), region=config.aws.region, domain_prefix=identity.domain_prefix,
        google_client_id=identity.google_client_id, google_client_secret_name=identity.google_client_secret_name,
        callback_urls=[*(f"{web_host}{path}" for path in identity.callback_paths), *identity.extra_callback_urls],
        logout_urls=[f"{web_host}{path}" for path in identity.logout_paths], groups=identity.groups,
        api_scopes=identity.api_scopes, deletion_protection=config.posture.deletion_protection,
        protect=config.posture.protect_stateful, secret_recovery_days=config.posture.secret_recovery_days,
        tags=resource_tags("aws", "identity"),
    ), opts=opts)


def _grants_for(uses: Sequence[str], offered: Mapping[str, Grant]) -> list[Grant]:
    """The grants a service's `uses:` selects, in its order (config validated every name)."""
    return [offered[name] for name in uses if name in offered]


def _network(config: StackConfig, opts: pulumi.ResourceOptions) -> VpcNetwork:
    network_config = config.network
    return VpcNetwork("network", VpcNetworkArgs(
        cidr=network_config.cidr,
        region=config.aws.region,
        account_id=config.aws.account_id,
        az_count=network_config.az_count,
        nat=network_config.nat,
        interface_endpoints=network_config.interface_endpoints,
        flow_log_traffic=network_config.flow_log_traffic,
        flow_log_retention_days=network_config.flow_log_retention_days,
        name_prefix=config.physical_name(),
        tags=resource_tags("aws", "vpc"),
    ), opts=opts)
