"""Cost controls: pillar budgets on the on-call topic, cost allocation tags, an anomaly monitor.

Budgets filter on the `pillar` and `environment` tags, which Cost Explorer only sees once they
are activated as cost allocation tags. Activation and the anomaly monitor are account-wide, so
only the stack with `create_account_controls` makes them (like the GitHub OIDC provider).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .context import StackContext

COST_TAGS = ("pillar", "service", "environment")
FORECAST_PERCENT, ACTUAL_PERCENT = 80, 100
# The AWS services that publish cost alerts to the on-call topic.
BUDGETS_PRINCIPAL, ANOMALY_PRINCIPAL = "budgets.amazonaws.com", "costalerts.amazonaws.com"


@dataclass(frozen=True)
class CostControlsArgs:
    context: StackContext
    environment: str
    budgets: Mapping[str, int]
    pillars: Sequence[str]
    create_account_controls: bool
    anomaly_threshold_usd: int
    topic_arn: pulumi.Input[str]
    tags: Mapping[str, str]


class CostControls(pulumi.ComponentResource):
    def __init__(self, name: str, args: CostControlsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:cost:CostControls", name, None, opts)
        self._name, self._args = name, args
        child = pulumi.ResourceOptions(parent=self)
        self.topic_policy = aws.sns.TopicPolicy(f"{name}-topic-policy", arn=args.topic_arn,
                                                policy=pulumi.Output.from_input(args.topic_arn).apply(self._topic_policy),
                                                opts=child)
        self.budgets = {pillar: self._budget(pillar, amount, child) for pillar, amount in sorted(args.budgets.items())}
        self.allocation_tags = [
            aws.costexplorer.CostAllocationTag(f"{name}-tag-{tag}", tag_key=tag, status="Active", opts=child)
            for tag in COST_TAGS] if args.create_account_controls else []
        self.anomaly_monitor: aws.costexplorer.AnomalyMonitor | None = None
        if args.create_account_controls:
            self.anomaly_monitor = aws.costexplorer.AnomalyMonitor(
                f"{name}-anomaly-monitor", name=f"{args.context.name_prefix}-pillars", monitor_type="CUSTOM",
                monitor_specification=json.dumps({"Tags": {"Key": "pillar", "Values": list(args.pillars),
                                                           "MatchOptions": ["EQUALS"]}}),
                tags=dict(args.tags), opts=child)
            aws.costexplorer.AnomalySubscription(
                f"{name}-anomaly-subscription", name=f"{args.context.name_prefix}-pillars", frequency="IMMEDIATE",
                monitor_arn_lists=[self.anomaly_monitor.arn],
                subscribers=[aws.costexplorer.AnomalySubscriptionSubscriberArgs(type="SNS", address=args.topic_arn)],
                threshold_expression=aws.costexplorer.AnomalySubscriptionThresholdExpressionArgs(
                    dimension=aws.costexplorer.AnomalySubscriptionThresholdExpressionDimensionArgs(
                        key="ANOMALY_TOTAL_IMPACT_ABSOLUTE", match_options=["GREATER_THAN_OR_EQUAL"],
                        values=[str(args.anomaly_threshold_usd)])),
                tags=dict(args.tags), opts=pulumi.ResourceOptions(parent=self, depends_on=[self.topic_policy]))
        self.register_outputs({"budgets": sorted(self.budgets)})

    def _topic_policy(self, topic_arn: str) -> str:
        account = self._args.context.account_id
        def publish(sid: str, principal: str) -> dict[str, object]:
            return {"Sid": sid, "Effect": "Allow", "Principal": {"Service": principal}, "Action": "sns:Publish",
                    "Resource": topic_arn, "Condition": {"StringEquals": {"aws:SourceAccount": account}}}
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountOwner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
             "Action": ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
                        "sns:ListSubscriptionsByTopic"], "Resource": topic_arn},
            publish("CloudWatchAlarms", "cloudwatch.amazonaws.com"),
            publish("Budgets", BUDGETS_PRINCIPAL),
            publish("CostAnomalyDetection", ANOMALY_PRINCIPAL),
        ]})

    def _budget(self, pillar: str, amount: int, opts: pulumi.ResourceOptions) -> aws.budgets.Budget:
        args = self._args
        def notify(kind: str, percent: int) -> aws.budgets.BudgetNotificationArgs:
            return aws.budgets.BudgetNotificationArgs(
                comparison_operator="GREATER_THAN", notification_type=kind, threshold=percent,
                threshold_type="PERCENTAGE", subscriber_sns_topic_arns=[args.topic_arn])
        return aws.budgets.Budget(
            f"{self._name}-budget-{pillar}", name=f"{args.context.name_prefix}-{pillar}", budget_type="COST",
            limit_amount=f"{amount}.0", limit_unit="USD", time_unit="MONTHLY",
            filter_expression=aws.budgets.BudgetFilterExpressionArgs(ands=[
                aws.budgets.BudgetFilterExpressionAndArgs(tags=aws.budgets.BudgetFilterExpressionAndTagsArgs(
                    key=key, values=[value], match_options=["EQUALS"]))
                for key, value in (("pillar", pillar), ("environment", args.environment))]),
            notifications=[notify("FORECASTED", FORECAST_PERCENT), notify("ACTUAL", ACTUAL_PERCENT)],
            tags=dict(args.tags), opts=opts)
