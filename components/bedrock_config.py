"""The `hv-foundation:bedrock` section: which Anthropic inference profiles services may invoke."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config_reader import Section, show
from .environment import Environment, EnvironmentSetting

# Where a US cross-region inference profile may route a request (AWS: "us." profiles).
US_PROFILE_DESTINATIONS = ("us-east-1", "us-east-2", "us-west-2")
DEFAULT_INFERENCE_PROFILE = "us.anthropic.claude-sonnet-4-6"
ANTHROPIC_US_PROFILE = r"us\.anthropic\.[a-z0-9][a-z0-9.:-]*"
INVOCATION_LOGGING = EnvironmentSetting("invocationLogging", False, True, "Bedrock writes every model "
                                        "invocation to CloudWatch Logs", section="bedrock")
BEDROCK_SETTINGS = (INVOCATION_LOGGING,)


@dataclass(frozen=True)
class BedrockConfig:
    inference_profiles: tuple[str, ...]
    invocation_logging: bool


def parse_bedrock(section: Section, environment: Environment) -> BedrockConfig:
    profiles = section.string_list("inferenceProfiles", (DEFAULT_INFERENCE_PROFILE,))
    for profile in profiles:
        if not re.fullmatch(ANTHROPIC_US_PROFILE, profile):
            section.problem("inferenceProfiles", f"{show(profile)} is not an Anthropic US inference profile "
                            "(allowed: us.anthropic.<model>, e.g. us.anthropic.claude-sonnet-4-6)")
    if not profiles:
        section.problem("inferenceProfiles", "is empty (name at least one inference profile)")
    bedrock = BedrockConfig(inference_profiles=profiles,
                            invocation_logging=bool(INVOCATION_LOGGING.read(section, environment)))
    section.finish()
    return bedrock
