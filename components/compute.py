"""ServiceCluster and FargateService: every long-lived process, on Fargate, behind the one ALB."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from . import naming
from .compute_config import HOST_RULE_OFFSET, ServiceConfig
from .context import StackContext
from .grants import Grant, policy_document, service_trust_policy

# ADOT collector: traces to X-Ray, metrics to CloudWatch (EMF), from OTLP on localhost:4317/4318.
DEFAULT_OTEL_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"
# The namespace the image's default config gives EMF metrics (kept: dashboards look there).
OTEL_METRICS_NAMESPACE = "ECS/AWSOTel/Application"
OTEL_COLLECTOR_CPU, OTEL_COLLECTOR_MEMORY = 64, 128
DEFAULT_HEALTH_CHECK_GRACE_SECONDS = 90
DEFAULT_DEREGISTRATION_DELAY_SECONDS = 30
UNTAGGED_IMAGE_EXPIRY_DAYS = 7
TAGGED_IMAGES_KEPT = 30
HTTPS_PORT = 443


def ecs_cluster_name(context: StackContext) -> str:
    """The stack's one cluster is named after the stack."""
    return context.name_prefix


def ecs_service_arn(context: StackContext, service_name: str) -> str:
    """A service of the stack's cluster (`*`: all of them), as IAM and the tagging API name it."""
    return f"arn:aws:ecs:{context.region}:{context.account_id}:service/{ecs_cluster_name(context)}/{service_name}"


def running_image(context: StackContext, service_name: str, configured_image: pulumi.Input[str],
                  parent: pulumi.Resource) -> pulumi.Output[str]:
    """The image a pipeline-deployed service's app container (named after the service) runs now, or
    `configured_image` while the service does not exist (its first deploy).

    The pipeline owns the image, Pulumi the rest of the task definition: Pulumi's revision (a new
    env, secret, cpu or memory) keeps the running image, so a pipeline deploy is never rolled back.
    Whether the service exists is asked of the tagging API (it lists our tagged services, and
    answers an empty list for one that does not exist), because `ecs.get_service` fails the run on
    a service that does not exist. Any error fails the run: a silent fallback to
    `configured_image` would roll the service back."""
    invoke = pulumi.InvokeOptions(parent=parent)
    found = aws.resourcegroupstaggingapi.get_resources_output(
        resource_arn_lists=[ecs_service_arn(context, service_name)], opts=invoke)

    def image(mappings: Sequence[Any]) -> pulumi.Output[str]:
        if not mappings:
            return pulumi.Output.from_input(configured_image)
        service = aws.ecs.get_service_output(
            cluster_arn=f"arn:aws:ecs:{context.region}:{context.account_id}:cluster/{ecs_cluster_name(context)}",
            service_name=service_name, opts=invoke)
        return aws.ecs.get_container_definition_output(
            task_definition=service.task_definition, container_name=service_name, opts=invoke).image

    return found.resource_tag_mapping_lists.apply(image)

@dataclass(frozen=True, kw_only=True)
class ServiceClusterArgs:
    context: StackContext
    container_insights: bool
    fargate_spot: bool
    tags: Mapping[str, str]


class ServiceCluster(pulumi.ComponentResource):
    """The stack's one ECS cluster: Fargate capacity only (Spot where the posture allows)."""

    def __init__(self, name: str, args: ServiceClusterArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:compute:ServiceCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster", name=ecs_cluster_name(args.context),
            settings=[aws.ecs.ClusterSettingArgs(
                name="containerInsights", value="enabled" if args.container_insights else "disabled")],
            tags=dict(args.tags), opts=child)
        providers = ["FARGATE", "FARGATE_SPOT"] if args.fargate_spot else ["FARGATE"]
        self.capacity_providers = aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity", cluster_name=self.cluster.name, capacity_providers=providers,
            default_capacity_provider_strategies=[
                aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                    capacity_provider="FARGATE", base=1, weight=1)],
            opts=child)
        # Services place tasks with a capacity-provider strategy, so they must wait for the
        # cluster's providers: outputs read through `capacity_providers` carry that dependency.
        self.cluster_name = self.capacity_providers.cluster_name
        self.cluster_arn = pulumi.Output.all(self.cluster.arn, self.capacity_providers.id).apply(
            lambda values: str(values[0]))
        self.register_outputs({"cluster_name": self.cluster_name, "cluster_arn": self.cluster_arn})


@dataclass(frozen=True, kw_only=True)
class FargateServiceArgs:
    service: ServiceConfig
    context: StackContext
    fqdn: str
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    alb_security_group_id: pulumi.Input[str]
    https_listener_arn: pulumi.Input[str]
    log_retention_days: int
    secret_recovery_days: int
    ecr_force_delete: bool
    # The stack's key for secrets: this service's secrets, and those its grants bring.
    secrets_key_arn: pulumi.Input[str]
    tags: Mapping[str, str]
    grants: Sequence[Grant] = ()
    # Its pipeline owns the app container's image: each run reads the running one (`running_image`).
    deployed_by_pipeline: bool = False
    otel_collector_image: str = DEFAULT_OTEL_COLLECTOR_IMAGE


TARGET_GROUP_NAME_MAX = 32


def target_group_name(physical: str, port: int) -> str:
    """The port forces a target group's replacement; carrying it in the name lets the new group be
    created next to the old one (create-before-delete) instead of colliding on the name."""
    suffix = f"-{port}"
    return f"{physical[:TARGET_GROUP_NAME_MAX - len(suffix)].rstrip('-')}{suffix}"


def otel_collector_config(metric_log_group: str) -> str:
    """The image's default ECS config (OTLP and StatsD in; X-Ray and EMF out), with the EMF
    metrics sent to `metric_log_group`. JSON is YAML, which the collector reads."""
    return json.dumps({
        "extensions": {"health_check": {}},
        "receivers": {
            "otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}, "http": {"endpoint": "0.0.0.0:4318"}}},
            "awsxray": {"endpoint": "0.0.0.0:2000", "transport": "udp"},
            "statsd": {"endpoint": "0.0.0.0:8125", "aggregation_interval": "60s"},
        },
        "processors": {"batch/traces": {"timeout": "1s", "send_batch_size": 50},
                       "batch/metrics": {"timeout": "60s"}},
        "exporters": {"awsxray": {},
                      "awsemf": {"namespace": OTEL_METRICS_NAMESPACE, "log_group_name": metric_log_group}},
        "service": {
            "extensions": ["health_check"],
            "pipelines": {
                "traces": {"receivers": ["otlp", "awsxray"], "processors": ["batch/traces"], "exporters": ["awsxray"]},
                "metrics": {"receivers": ["otlp", "statsd"], "processors": ["batch/metrics"],
                            "exporters": ["awsemf"]},
            },
        },
    }, sort_keys=True)


class FargateService(pulumi.ComponentResource):
    """One service of the config: image repository, logs, secrets, roles, task, service, routing,
    autoscaling. Reachable only from the ALB on its port; no public IP; rolls back bad deploys."""

    def __init__(self, name: str, args: FargateServiceArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:compute:FargateService", name, None, opts)
        self._name = name
        self._args = args
        self._service = args.service
        self._physical = f"{args.context.name_prefix}-{args.service.name}"
        self._child = pulumi.ResourceOptions(parent=self)

        self.repository = self._create_repository()
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/{args.context.name_prefix}/{self._service.name}",
            retention_in_days=args.log_retention_days, tags=self._tags(), opts=self._child)
        # The collector's EMF metrics: without this group the image's default config writes them to
        # /aws/ecs/application/metrics, created on first write, never expiring, shared by every stack.
        self.metric_log_group = aws.cloudwatch.LogGroup(
            f"{name}-metric-logs", name=f"/{args.context.name_prefix}/{self._service.name}/metrics",
            retention_in_days=args.log_retention_days, tags=self._tags(), opts=self._child)
        self.secrets = self._create_secrets()
        self.execution_role = self._create_execution_role()
        self.task_role = self._create_task_role()
        self.security_group = self._create_security_group()
        self.target_group, self.listener_rules = self._create_routing()
        self.task_definition = self._create_task_definition()
        self.service = self._create_service()
        self._create_autoscaling()

        self.url = f"https://{args.fqdn}"
        self.repository_url = self.repository.repository_url
        self.register_outputs({
            "url": self.url,
            "repository_url": self.repository_url,
            "service_name": self.service.name,
            "security_group_id": self.security_group.id,
            "task_role_arn": self.task_role.arn,
            "log_group_name": self.log_group.name,
            "secret_arns": {env: secret.arn for env, secret in self.secrets.items()},
        })

    def _tags(self, **extra: str) -> dict[str, str]:
        return {**self._args.tags, **extra}

    # --- image, logs, secrets -----------------------------------------------------------------

    def _create_repository(self) -> aws.ecr.Repository:
        repository = aws.ecr.Repository(
            f"{self._name}-repository", name=f"{self._args.context.name_prefix}/{self._service.image_repository}",
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")],
            force_delete=self._args.ecr_force_delete, tags=self._tags(), opts=self._child)
        aws.ecr.LifecyclePolicy(
            f"{self._name}-repository-lifecycle", repository=repository.name,
            policy=json.dumps({"rules": [
                {"rulePriority": 1,
                 "description": f"expire untagged images after {UNTAGGED_IMAGE_EXPIRY_DAYS} days",
                 "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                               "countUnit": "days", "countNumber": UNTAGGED_IMAGE_EXPIRY_DAYS},
                 "action": {"type": "expire"}},
                {"rulePriority": 2, "description": f"keep the last {TAGGED_IMAGES_KEPT} tagged images",
                 "selection": {"tagStatus": "tagged", "tagPatternList": ["*"],
                               "countType": "imageCountMoreThan", "countNumber": TAGGED_IMAGES_KEPT},
                 "action": {"type": "expire"}},
            ]}), opts=self._child)
        return repository

    def _create_secrets(self) -> dict[str, aws.secretsmanager.Secret]:
        """One secret per name the service lists; values are set out of band, never in code."""
        return {
            env: aws.secretsmanager.Secret(
                f"{self._name}-secret-{secret}",
                name=naming.secret_name(self._args.context.name_prefix, self._service.name, secret),
                description=f"{secret} for {self._service.name} (value set out of band)",
                kms_key_id=self._args.secrets_key_arn, recovery_window_in_days=self._args.secret_recovery_days,
                tags=self._tags(), opts=self._child)
            for env, secret in sorted(self._service.secrets.items())
        }

    def _injected_secrets(self) -> dict[str, pulumi.Input[str]]:
        """Environment name → secret ARN: the service's own secrets and those its grants bring."""
        injected: dict[str, pulumi.Input[str]] = {env: s.arn for env, s in self.secrets.items()}
        for grant in self._args.grants:
            injected.update(grant.secrets)
        return dict(sorted(injected.items()))

    # --- identity -------------------------------------------------------------------------------

    def _role(self, role: str) -> aws.iam.Role:
        return aws.iam.Role(
            f"{self._name}-{role}-role", name=f"{self._physical}-{role}",
            assume_role_policy=service_trust_policy("ecs-tasks.amazonaws.com", self._args.context.account_id),
            tags=self._tags(), opts=self._child)

    def _create_execution_role(self) -> aws.iam.Role:
        """What ECS needs to start the task: pull its image, write its logs, read its secrets."""
        role = self._role("execution")
        statements: list[Mapping[str, Any]] = [
            # GetAuthorizationToken has no resource-level permissions.
            {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Sid": "PullOwnImage", "Effect": "Allow",
             "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
             "Resource": self.repository.arn},
            {"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": self.log_group.arn.apply(lambda arn: f"{arn}:*")},
        ]
        secret_arns = list(self._injected_secrets().values())
        if secret_arns:
            statements += [
                {"Sid": "ReadOwnSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                 "Resource": secret_arns},
                {"Sid": "DecryptOwnSecrets", "Effect": "Allow", "Action": "kms:Decrypt",
                 "Resource": self._args.secrets_key_arn,
                 "Condition": {"StringEquals": {
                     "kms:ViaService": f"secretsmanager.{self._args.context.region}.amazonaws.com"}}},
            ]
        aws.iam.RolePolicy(f"{self._name}-execution-policy", role=role.id,
                           policy=policy_document(statements), opts=self._child)
        return role

    def _create_task_role(self) -> aws.iam.Role:
        """What the application may do: telemetry through its collector, plus its grants."""
        role = self._role("task")
        statements: list[Mapping[str, Any]] = [
            # X-Ray and PutMetricData have no resource-level permissions; the namespace is pinned.
            {"Sid": "Traces", "Effect": "Allow",
             "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                        "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
             "Resource": "*"},
            {"Sid": "Metrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
             "Condition": {"StringEquals": {"cloudwatch:namespace": [OTEL_METRICS_NAMESPACE,
                                                                     f"hv/{self._service.name}"]}}},
            # The group exists (above): the collector may write to it, not create groups.
            {"Sid": "MetricLogs", "Effect": "Allow",
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
             "Resource": self.metric_log_group.arn.apply(lambda arn: f"{arn}:*")},
        ]
        if self._service.ecs_exec:
            # ECS Exec opens an SSM session into the task (dev only); these actions take no resource.
            statements.append({"Sid": "EcsExec", "Effect": "Allow",
                               "Action": ["ssmmessages:CreateControlChannel",
                                          "ssmmessages:CreateDataChannel",
                                          "ssmmessages:OpenControlChannel",
                                          "ssmmessages:OpenDataChannel"],
                               "Resource": "*"})
        for grant in self._args.grants:
            statements.extend(grant.statements)
        aws.iam.RolePolicy(f"{self._name}-task-policy", role=role.id,
                           policy=policy_document(statements), opts=self._child)
        return role

    # --- network --------------------------------------------------------------------------------

    def _create_security_group(self) -> aws.ec2.SecurityGroup:
        port = self._service.port
        group = aws.ec2.SecurityGroup(
            f"{self._name}-sg", name=f"{self._physical}-tasks", vpc_id=self._args.vpc_id,
            # Name and description force replacement: neither carries the port, which lives in the rules.
            description=f"{self._service.name} tasks: from the ALB only", tags=self._tags(),
            opts=self._child)
        aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-from-alb", security_group_id=group.id, ip_protocol="tcp", from_port=port,
            to_port=port, referenced_security_group_id=self._args.alb_security_group_id,
            description="HTTP from the ALB", tags=self._tags(), opts=self._child)
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-alb-to-tasks", security_group_id=self._args.alb_security_group_id,
            ip_protocol="tcp", from_port=port, to_port=port, referenced_security_group_id=group.id,
            description=f"ALB to {self._service.name}", tags=self._tags(), opts=self._child)
        # HTTPS out (through NAT or endpoints): AWS APIs, Cognito, Airtable, Bedrock.
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-https-out", security_group_id=group.id, ip_protocol="tcp",
            from_port=HTTPS_PORT, to_port=HTTPS_PORT, cidr_ipv4="0.0.0.0/0",
            description="HTTPS to AWS APIs and SaaS", tags=self._tags(), opts=self._child)
        for grant in self._args.grants:
            if grant.security_group_id is None or grant.port is None:
                continue
            aws.vpc.SecurityGroupEgressRule(
                f"{self._name}-to-{grant.name}", security_group_id=group.id, ip_protocol="tcp",
                from_port=grant.port, to_port=grant.port,
                referenced_security_group_id=grant.security_group_id,
                description=f"{self._service.name} to {grant.name}", tags=self._tags(), opts=self._child)
            aws.vpc.SecurityGroupIngressRule(
                f"{self._name}-into-{grant.name}", security_group_id=grant.security_group_id,
                ip_protocol="tcp", from_port=grant.port, to_port=grant.port,
                referenced_security_group_id=group.id,
                description=f"{self._service.name} to {grant.name}", tags=self._tags(), opts=self._child)
        return group

    def _create_routing(self) -> tuple[aws.lb.TargetGroup, list[aws.lb.ListenerRule]]:
        service = self._service
        target_group = aws.lb.TargetGroup(
            f"{self._name}-tg", name=target_group_name(self._physical, service.port),
            port=service.port, protocol="HTTP",
            target_type="ip", vpc_id=self._args.vpc_id,
            deregistration_delay=DEFAULT_DEREGISTRATION_DELAY_SECONDS,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True, path=service.health_check_path, protocol="HTTP", matcher="200-399",
                interval=15, timeout=5, healthy_threshold=2, unhealthy_threshold=3),
            tags=self._tags(), opts=self._child)
        forward = [aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)]
        rules = [aws.lb.ListenerRule(
            f"{self._name}-host-rule", listener_arn=self._args.https_listener_arn,
            priority=HOST_RULE_OFFSET + service.priority, actions=forward,
            conditions=[aws.lb.ListenerRuleConditionArgs(
                host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[self._args.fqdn]))],
            tags=self._tags(), opts=self._child)]
        if service.paths:
            # Path rules (e.g. the API's /ingest/* webhooks) win on every host of the ALB.
            rules.append(aws.lb.ListenerRule(
                f"{self._name}-path-rule", listener_arn=self._args.https_listener_arn,
                priority=service.priority, actions=forward,
                conditions=[aws.lb.ListenerRuleConditionArgs(
                    path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=list(service.paths)))],
                tags=self._tags(), opts=self._child))
        return target_group, rules

    # --- task and service -----------------------------------------------------------------------

    def _container_definitions(self) -> pulumi.Output[str]:
        service, args = self._service, self._args
        logging: dict[str, Any] = {"logDriver": "awslogs", "options": {
            "awslogs-group": self.log_group.name, "awslogs-region": args.context.region}}
        environment: dict[str, pulumi.Input[str]] = {
            **service.environment,
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4317",
            "OTEL_SERVICE_NAME": service.name,
            "PORT": str(service.port),
        }
        for grant in args.grants:
            environment.update(grant.environment)
        image = pulumi.Output.concat(self.repository.repository_url, ":", service.image_tag)
        if args.deployed_by_pipeline:
            image = running_image(args.context, service.name, image, parent=self)
        app = {
            "name": service.name,
            "image": image,
            "essential": True,
            "portMappings": [{"containerPort": service.port, "protocol": "tcp", "name": "http"}],
            "environment": [{"name": key, "value": value} for key, value in sorted(environment.items())],
            "secrets": [{"name": key, "valueFrom": arn} for key, arn in self._injected_secrets().items()],
            "logConfiguration": {**logging,
                                 "options": {**logging["options"], "awslogs-stream-prefix": "app"}},
            "healthCheck": {
                "command": ["CMD-SHELL", f"curl -fsS http://localhost:{service.port}"
                                         f"{service.health_check_path} || exit 1"],
                "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60},
            "readonlyRootFilesystem": service.readonly_root_filesystem,
            # ECS Exec needs an init process to reap the SSM agent's children.
            "linuxParameters": {"initProcessEnabled": True},
            "dependsOn": [{"containerName": "otel-collector", "condition": "START"}],
        }
        collector = {
            "name": "otel-collector",
            "image": args.otel_collector_image,
            "essential": False,
            "cpu": OTEL_COLLECTOR_CPU,
            "memoryReservation": OTEL_COLLECTOR_MEMORY,
            # The collector reads its config from this variable ahead of the image's default file.
            "environment": [{"name": "AOT_CONFIG_CONTENT",
                             "value": self.metric_log_group.name.apply(otel_collector_config)}],
            "logConfiguration": {**logging, "options": {**logging["options"],
                                                        "awslogs-stream-prefix": "otel"}},
            "readonlyRootFilesystem": True,
        }
        return pulumi.Output.json_dumps([app, collector])

    def _create_task_definition(self) -> aws.ecs.TaskDefinition:
        service = self._service
        return aws.ecs.TaskDefinition(
            f"{self._name}-task", family=self._physical, cpu=str(service.cpu),
            memory=str(service.memory), network_mode="awsvpc", requires_compatibilities=["FARGATE"],
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=service.architecture),
            execution_role_arn=self.execution_role.arn, task_role_arn=self.task_role.arn,
            container_definitions=self._container_definitions(), tags=self._tags(), opts=self._child)

    def _create_service(self) -> aws.ecs.Service:
        service, args = self._service, self._args
        strategies = [aws.ecs.ServiceCapacityProviderStrategyArgs(
            capacity_provider="FARGATE", base=1, weight=1)]
        if service.spot:
            strategies.append(aws.ecs.ServiceCapacityProviderStrategyArgs(
                capacity_provider="FARGATE_SPOT", weight=1))
        return aws.ecs.Service(
            f"{self._name}-service", name=service.name, cluster=args.cluster_arn,
            task_definition=self.task_definition.arn, desired_count=service.desired_count,
            capacity_provider_strategies=strategies, platform_version="LATEST",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.subnet_ids, security_groups=[self.security_group.id], assign_public_ip=False),
            load_balancers=[aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=self.target_group.arn, container_name=service.name,
                container_port=service.port)],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True),
            deployment_minimum_healthy_percent=100, deployment_maximum_percent=200,
            health_check_grace_period_seconds=DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
            enable_execute_command=service.ecs_exec, enable_ecs_managed_tags=True,
            propagate_tags="SERVICE", wait_for_steady_state=False, tags=self._tags(),
            # A changed capacity-provider strategy (Spot on or off) is applied only by a new deployment.
            force_new_deployment=True,
            # Autoscaling owns the desired count.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCount"],
                                        depends_on=list(self.listener_rules)))

    def _create_autoscaling(self) -> None:
        scaling = self._service.scaling
        target = aws.appautoscaling.Target(
            f"{self._name}-scaling", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self._args.cluster_name, "/", self.service.name),
            min_capacity=scaling.min_count, max_capacity=scaling.max_count, tags=self._tags(),
            opts=self._child)
        metrics = {"cpu": ("ECSServiceAverageCPUUtilization", scaling.cpu_target)}
        if scaling.memory_target is not None:
            metrics["memory"] = ("ECSServiceAverageMemoryUtilization", scaling.memory_target)
        tracking = aws.appautoscaling
        for label, (metric, value) in metrics.items():
            predefined = tracking.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                predefined_metric_type=metric)
            aws.appautoscaling.Policy(
                f"{self._name}-scale-on-{label}", policy_type="TargetTrackingScaling",
                resource_id=target.resource_id, scalable_dimension=target.scalable_dimension,
                service_namespace=target.service_namespace,
                target_tracking_scaling_policy_configuration=tracking.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=value, scale_in_cooldown=120, scale_out_cooldown=60,
                    predefined_metric_specification=predefined),
                opts=self._child)
