"""BedrockAccess: Claude through US inference profiles, and nothing else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .bedrock_config import US_PROFILE_DESTINATIONS
from .context import StackContext
from .grants import Grant, policy_document, service_trust_policy

INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")


@dataclass(frozen=True, kw_only=True)
class BedrockAccessArgs:
    context: StackContext
    inference_profiles: Sequence[str]
    invocation_logging: bool
    log_retention_days: int
    tags: Mapping[str, str]
    destination_regions: Sequence[str] = US_PROFILE_DESTINATIONS


def profile_arn(region: str, account_id: str, profile: str) -> str:
    return f"arn:aws:bedrock:{region}:{account_id}:inference-profile/{profile}"


def invoke_statements(args: BedrockAccessArgs) -> list[dict[str, Any]]:
    """InvokeModel* on the configured profiles, and on the Anthropic models behind them in each
    destination region — the latter only when the call comes through one of those profiles."""
    profiles = [profile_arn(args.context.region, args.context.account_id, p) for p in args.inference_profiles]
    models = [f"arn:aws:bedrock:{region}::foundation-model/{profile.split('.', 1)[1]}"
              for profile in args.inference_profiles for region in args.destination_regions]
    return [
        {"Sid": "InvokeInferenceProfiles", "Effect": "Allow", "Action": list(INVOKE_ACTIONS), "Resource": profiles},
        {"Sid": "InvokeModelsThroughProfiles", "Effect": "Allow", "Action": list(INVOKE_ACTIONS),
         "Resource": models, "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": profiles}}},
    ]


class BedrockAccess(pulumi.ComponentResource):
    """The `bedrock` grant, plus optional model-invocation logging to CloudWatch."""

    def __init__(self, name: str, args: BedrockAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:ai:BedrockAccess", name, None, opts)
        self.grant = Grant(name="bedrock", statements=invoke_statements(args),
                           environment={"BEDROCK_INFERENCE_PROFILE": args.inference_profiles[0],
                                        "BEDROCK_REGION": args.context.region})
        self.log_group = self._create_invocation_logging(name, args) if args.invocation_logging else None
        self.register_outputs({"inference_profiles": list(args.inference_profiles),
                               "invocation_log_group": self.log_group.name if self.log_group else None})

    def _create_invocation_logging(self, name: str, args: BedrockAccessArgs) -> aws.cloudwatch.LogGroup:
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-invocation-logs", name=f"/{args.context.name_prefix}/bedrock/invocations",
            retention_in_days=args.log_retention_days, tags=dict(args.tags), opts=child)
        role = aws.iam.Role(
            f"{name}-invocation-logging-role", name=f"{args.context.name_prefix}-bedrock-logging",
            assume_role_policy=service_trust_policy("bedrock.amazonaws.com", args.context.account_id,
                                                    f"arn:aws:bedrock:{args.context.region}:{args.context.account_id}:*"),
            tags=dict(args.tags), opts=child)
        policy = aws.iam.RolePolicy(
            f"{name}-invocation-logging-policy", role=role.id,
            policy=policy_document([{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                     "Resource": pulumi.Output.concat(log_group.arn, ":log-stream:*")}]),
            opts=child)
        # One per account and region: this stack owns it (prod by default).
        aws.bedrockmodel.InvocationLoggingConfiguration(
            f"{name}-invocation-logging",
            logging_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigArgs(
                text_data_delivery_enabled=True, image_data_delivery_enabled=False,
                embedding_data_delivery_enabled=False, video_data_delivery_enabled=False,
                cloudwatch_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigArgs(
                    log_group_name=log_group.name, role_arn=role.arn)),
            # Bedrock checks the role can write when the configuration is put: the policy must exist first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role, policy]))
        return log_group
