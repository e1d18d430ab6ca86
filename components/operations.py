"""Operations: one on-call topic, alarms and one dashboard generated from what exists, private buckets.

"The on-call playbook becomes 'check the dashboard', not 'SSH and tail'." Alarms and widgets are
derived by `alarm_specs` from a `Monitored` inventory of the stack (services, load balancer,
database, cache nodes, tables, queues), so a new service gets its alarms with no code change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from .buckets import PrivateBucket, PrivateBucketArgs
from .context import StackContext
from .cost import ANOMALY_PRINCIPAL, BUDGETS_PRINCIPAL

ALB_5XX_PERCENT = 5
RESPONSE_TIME_SECONDS = 2
UTILIZATION_PERCENT = 85
DATABASE_CPU_PERCENT = 80
FREE_STORAGE_FRACTION = 0.1
DATABASE_CONNECTIONS_FRACTION = 0.8  # of the instance class's max_connections
CACHE_CPU_PERCENT = 80
CACHE_MEMORY_PERCENT = 80
GIB = 1024 ** 3


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    stat: str = "Average"


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm and the dashboard widget that shows it."""

    key: str
    pillar: str
    title: str
    threshold: float
    comparison: str
    metrics: Mapping[str, Metric]
    # Metric math over `metrics` (ids m1, m2…); without it the single metric is the alarm's.
    expression: str | None = None
    period: int = 60
    evaluation_periods: int = 5
    treat_missing_data: str = "notBreaching"


@dataclass(frozen=True)
class MonitoredService:
    name: str
    pillar: str
    cluster: pulumi.Input[str]
    target_group: pulumi.Input[str]
    min_count: int


@dataclass(frozen=True)
class Monitored:
    """What exists in the stack, as far as alarms are concerned."""

    load_balancer: pulumi.Input[str] | None = None
    services: Sequence[MonitoredService] = ()
    database: str | None = None
    # Storage autoscaling's ceiling: free space is judged against what the instance may grow to.
    database_max_storage_gib: int = 0
    database_max_connections: int = 0
    # label → physical name: the label names the alarm, the physical name is the dimension.
    cache_nodes: Mapping[str, str] = field(default_factory=dict)
    tables: Mapping[str, str] = field(default_factory=dict)
    dead_letter_queues: Mapping[str, str] = field(default_factory=dict)


def alarm_specs(monitored: Monitored) -> list[AlarmSpec]:
    specs: list[AlarmSpec] = []
    if monitored.load_balancer is not None:
        lb = {"LoadBalancer": monitored.load_balancer}
        specs.append(AlarmSpec(
            key="alb-5xx-rate", pillar="aws", title=f"ALB 5xx responses > {ALB_5XX_PERCENT}%",
            threshold=ALB_5XX_PERCENT, comparison="GreaterThanThreshold", expression="100 * (m1 + m2) / MAX([m3, 1])",
            metrics={"m1": Metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, "Sum"),
                     "m2": Metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, "Sum"),
                     "m3": Metric("AWS/ApplicationELB", "RequestCount", lb, "Sum")}, period=300, evaluation_periods=1))
        specs.append(AlarmSpec(
            key="alb-response-time", pillar="aws", title=f"ALB p95 response time > {RESPONSE_TIME_SECONDS}s",
            threshold=RESPONSE_TIME_SECONDS, comparison="GreaterThanThreshold",
            metrics={"m1": Metric("AWS/ApplicationELB", "TargetResponseTime", lb, "p95")}))
    for service in monitored.services:
        cluster = {"ClusterName": service.cluster, "ServiceName": service.name}
        target = {"LoadBalancer": monitored.load_balancer or "", "TargetGroup": service.target_group}
        specs += [
            AlarmSpec(key=f"{service.name}-cpu", pillar=service.pillar,
                      title=f"{service.name} CPU > {UTILIZATION_PERCENT}%", threshold=UTILIZATION_PERCENT,
                      comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/ECS", "CPUUtilization", cluster)}),
            AlarmSpec(key=f"{service.name}-memory", pillar=service.pillar,
                      title=f"{service.name} memory > {UTILIZATION_PERCENT}%", threshold=UTILIZATION_PERCENT,
                      comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/ECS", "MemoryUtilization", cluster)}),
            # Running below desired, seen where it hurts: fewer healthy targets than the minimum.
            AlarmSpec(key=f"{service.name}-running", pillar=service.pillar,
                      title=f"{service.name} healthy tasks < {service.min_count}", threshold=service.min_count,
                      comparison="LessThanThreshold", treat_missing_data="breaching",
                      metrics={"m1": Metric("AWS/ApplicationELB", "HealthyHostCount", target, "Minimum")}),
            AlarmSpec(key=f"{service.name}-unhealthy", pillar=service.pillar, title=f"{service.name} unhealthy targets",
                      threshold=0, comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/ApplicationELB", "UnHealthyHostCount", target, "Maximum")}),
        ]
    if monitored.database is not None:
        db = {"DBInstanceIdentifier": monitored.database}
        connections = int(monitored.database_max_connections * DATABASE_CONNECTIONS_FRACTION)
        specs += [
            AlarmSpec(key="postgres-cpu", pillar="aws", title=f"Postgres CPU > {DATABASE_CPU_PERCENT}%",
                      threshold=DATABASE_CPU_PERCENT, comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/RDS", "CPUUtilization", db)}),
            AlarmSpec(key="postgres-free-storage", pillar="aws", title="Postgres free storage < 10% of max storage",
                      threshold=monitored.database_max_storage_gib * GIB * FREE_STORAGE_FRACTION,
                      comparison="LessThanThreshold",
                      metrics={"m1": Metric("AWS/RDS", "FreeStorageSpace", db, "Minimum")}),
            AlarmSpec(key="postgres-connections", pillar="aws",
                      title=f"Postgres connections > {connections} (80% of max_connections)",
                      threshold=connections, comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/RDS", "DatabaseConnections", db, "Maximum")}),
        ]
    for node, node_id in monitored.cache_nodes.items():
        cache = {"CacheClusterId": node_id}
        specs += [
            AlarmSpec(key=f"{node}-cpu", pillar="aws", title=f"{node} engine CPU > {CACHE_CPU_PERCENT}%",
                      threshold=CACHE_CPU_PERCENT, comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/ElastiCache", "EngineCPUUtilization", cache)}),
            AlarmSpec(key=f"{node}-memory", pillar="aws", title=f"{node} memory > {CACHE_MEMORY_PERCENT}%",
                      threshold=CACHE_MEMORY_PERCENT, comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", cache)}),
            # noeviction: BullMQ jobs must never be evicted, so any eviction is an incident.
            AlarmSpec(key=f"{node}-evictions", pillar="aws", title=f"{node} evictions", threshold=0,
                      comparison="GreaterThanThreshold",
                      metrics={"m1": Metric("AWS/ElastiCache", "Evictions", cache, "Sum")}),
        ]
    for table, table_name in monitored.tables.items():
        dimensions = {"TableName": table_name}
        specs.append(AlarmSpec(
            key=f"{table}-throttles", pillar="aws", title=f"DynamoDB {table} throttles",
            threshold=0, comparison="GreaterThanThreshold", expression="m1 + m2",
            metrics={"m1": Metric("AWS/DynamoDB", "ReadThrottleEvents", dimensions, "Sum"),
                     "m2": Metric("AWS/DynamoDB", "WriteThrottleEvents", dimensions, "Sum")}))
    for queue, queue_name in monitored.dead_letter_queues.items():
        specs.append(AlarmSpec(
            key=f"{queue}-depth", pillar="aws", title=f"{queue} not empty", threshold=0,
            comparison="GreaterThanThreshold", evaluation_periods=1,
            metrics={"m1": Metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue_name},
                                  "Maximum")}))
    return specs


@dataclass(frozen=True, kw_only=True)
class OperationsArgs:
    context: StackContext
    alarm_emails: Sequence[str]
    buckets: Sequence[str]
    bucket_versioning: bool
    force_destroy_buckets: bool
    monitored: Monitored
    tags: Mapping[str, str]


class Operations(pulumi.ComponentResource):
    """The on-call topic (the only alarm sink), every alarm, the dashboard, the private buckets."""

    def __init__(self, name: str, args: OperationsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:operations:Operations", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self.topic_key, self.topic = self._create_topic()
        self.specs = alarm_specs(args.monitored)
        self.alarms = [self._alarm(spec) for spec in self.specs]
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard", dashboard_name=args.context.name_prefix, dashboard_body=self._dashboard_body(),
            opts=self._child)
        self.buckets = {
            purpose: PrivateBucket(f"{name}-{purpose}", PrivateBucketArgs(
                bucket_name=f"{args.context.name_prefix}-{purpose}-{args.context.account_id}",
                versioning=args.bucket_versioning,
                force_destroy=args.force_destroy_buckets, tags={**args.tags, "service": purpose}),
                opts=self._child)
            for purpose in args.buckets
        }
        self.register_outputs({
            "oncall_topic_arn": self.topic.arn,
            "dashboard_name": self.dashboard.dashboard_name,
            "alarm_count": len(self.alarms),
            "bucket_names": {purpose: b.bucket.bucket for purpose, b in self.buckets.items()},
        })

    def _create_topic(self) -> tuple[aws.kms.Key, aws.sns.Topic]:
        args = self._args
        # CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key: the topic
        # gets a customer-managed key whose policy lets CloudWatch (of this account) use it.
        key = aws.kms.Key(
            f"{self._name}-oncall-key", description=f"{args.context.name_prefix} on-call topic encryption",
            enable_key_rotation=True, deletion_window_in_days=30,
            policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Sid": "AccountAdministration", "Effect": "Allow",
                 "Principal": {"AWS": f"arn:aws:iam::{args.context.account_id}:root"}, "Action": "kms:*",
                 "Resource": "*"},
                {"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceAccount": args.context.account_id}}},
                # Budgets and Cost Anomaly Detection publish cost alerts to the same topic.
                {"Sid": "CostAlerts", "Effect": "Allow",
                 "Principal": {"Service": [BUDGETS_PRINCIPAL, ANOMALY_PRINCIPAL]},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"},
            ]}), tags=dict(args.tags), opts=self._child)
        topic = aws.sns.Topic(f"{self._name}-oncall", name=f"{args.context.name_prefix}-oncall",
                              kms_master_key_id=key.id,
                              tags=dict(args.tags), opts=self._child)
        for index, email in enumerate(args.alarm_emails):
            aws.sns.TopicSubscription(f"{self._name}-oncall-email-{index}", topic=topic.arn, protocol="email",
                                      endpoint=email, opts=self._child)
        return key, topic

    def _alarm(self, spec: AlarmSpec) -> aws.cloudwatch.MetricAlarm:
        queries = [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=metric_id, return_data=spec.expression is None,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace=metric.namespace, metric_name=metric.name, dimensions=dict(metric.dimensions),
                    period=spec.period, stat=metric.stat))
            for metric_id, metric in spec.metrics.items()
        ]
        if spec.expression is not None:
            queries.append(aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="e1", expression=spec.expression, label=spec.title, return_data=True))
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-{spec.key}", name=f"{self._args.context.name_prefix}-{spec.key}",
            alarm_description=spec.title,
            comparison_operator=spec.comparison, threshold=spec.threshold, evaluation_periods=spec.evaluation_periods,
            datapoints_to_alarm=spec.evaluation_periods, treat_missing_data=spec.treat_missing_data,
            metric_queries=queries, alarm_actions=[self.topic.arn], ok_actions=[self.topic.arn],
            tags={**self._args.tags, "pillar": spec.pillar}, opts=self._child)

    def _dashboard_body(self) -> pulumi.Output[str]:
        widgets: list[dict[str, Any]] = []
        for pillar in dict.fromkeys(spec.pillar for spec in self.specs):
            widgets.append({"type": "text", "width": 24, "height": 1, "properties": {"markdown": f"## {pillar}"}})
            for spec in (s for s in self.specs if s.pillar == pillar):
                metrics: list[list[Any]] = []
                for metric_id, metric in spec.metrics.items():
                    row: list[Any] = [metric.namespace, metric.name]
                    for dimension, value in metric.dimensions.items():
                        row += [dimension, value]
                    metrics.append([*row, {"id": metric_id, "stat": metric.stat,
                                           "visible": spec.expression is None}])
                if spec.expression is not None:
                    metrics.append([{"expression": spec.expression, "label": spec.title, "id": "e1"}])
                widgets.append({"type": "metric", "width": 8, "height": 6, "properties": {
                    "title": spec.title, "region": self._args.context.region, "period": spec.period, "metrics": metrics,
                    "annotations": {"horizontal": [{"value": spec.threshold, "label": "alarm"}]}}})
        return pulumi.Output.json_dumps({"widgets": widgets})
