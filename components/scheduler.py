"""SchedulerShelf: EventBridge Scheduler → SQS, the fallback for when @Cron must outlive the API.

On the shelf by default (`scheduler.enabled: false` creates nothing). When enabled: a schedule
group, the configured schedules, a queue with a dead-letter queue (both encrypted), a scheduler
role that may only send to that queue, and a grant for the consuming service.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .context import StackContext
from .grants import Grant, policy_document, service_trust_policy
from .scheduler_config import ScheduleConfig

MAX_RECEIVES = 5
VISIBILITY_TIMEOUT_SECONDS = 300
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
CONSUME_ACTIONS = ("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                   "sqs:ReceiveMessage")


@dataclass(frozen=True, kw_only=True)
class SchedulerShelfArgs:
    context: StackContext
    schedules: Sequence[ScheduleConfig]
    tags: Mapping[str, str]


class SchedulerShelf(pulumi.ComponentResource):
    def __init__(self, name: str, args: SchedulerShelfArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:scheduler:SchedulerShelf", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.dead_letter_queue_name = f"{args.context.name_prefix}-scheduler-dlq"
        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dlq", name=self.dead_letter_queue_name, sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS, tags=dict(args.tags), opts=child)
        self.queue = aws.sqs.Queue(
            f"{name}-queue", name=f"{args.context.name_prefix}-scheduler", sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            redrive_policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": MAX_RECEIVES})),
            tags=dict(args.tags), opts=child)
        self.role = aws.iam.Role(
            f"{name}-role", name=f"{args.context.name_prefix}-scheduler",
            assume_role_policy=service_trust_policy("scheduler.amazonaws.com", args.context.account_id),
            tags=dict(args.tags), opts=child)
        aws.iam.RolePolicy(f"{name}-role-policy", role=self.role.id, policy=policy_document([
            {"Sid": "SendToOwnQueues", "Effect": "Allow", "Action": "sqs:SendMessage",
             "Resource": [self.queue.arn, self.dead_letter_queue.arn]}]), opts=child)
        self.group = aws.scheduler.ScheduleGroup(f"{name}-group", name=args.context.name_prefix, tags=dict(args.tags),
                                                 opts=child)
        self.schedules = [
            aws.scheduler.Schedule(
                f"{name}-{schedule.name}", name=schedule.name, group_name=self.group.name,
                schedule_expression=schedule.expression, schedule_expression_timezone=schedule.timezone,
                flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
                target=aws.scheduler.ScheduleTargetArgs(
                    arn=self.queue.arn, role_arn=self.role.arn,
                    input=json.dumps({"schedule": schedule.name, **schedule.payload}),
                    dead_letter_config=aws.scheduler.ScheduleTargetDeadLetterConfigArgs(
                        arn=self.dead_letter_queue.arn),
                    retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                        maximum_retry_attempts=3, maximum_event_age_in_seconds=3600)),
                opts=child)
            for schedule in args.schedules
        ]
        self.grant = Grant(name="scheduler-queue", statements=[{
            "Sid": "ConsumeScheduledJobs", "Effect": "Allow", "Action": list(CONSUME_ACTIONS),
            "Resource": self.queue.arn}], environment={"SCHEDULER_QUEUE_URL": self.queue.url})
        self.register_outputs({"queue_url": self.queue.url, "dead_letter_queue_arn": self.dead_letter_queue.arn})
