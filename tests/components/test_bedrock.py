from __future__ import annotations

import json
from typing import Any

import pytest

from preflight.model import Inventory

PROFILE = "arn:aws:bedrock:us-east-2:891377221201:inference-profile/us.anthropic.claude-sonnet-4-6"
MODELS = [f"arn:aws:bedrock:{region}::foundation-model/anthropic.claude-sonnet-4-6"
          for region in ("us-east-1", "us-east-2", "us-west-2")]


def bedrock_statements(inventory: Inventory, service: str) -> list[dict[str, Any]]:
    statements = json.loads(inventory.named(f"{service}-task-policy").inputs["policy"])["Statement"]
    return [s for s in statements if any(a.startswith("bedrock:") for a in s["Action"])]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_api_may_invoke_claude_through_the_profile_only(request: pytest.FixtureRequest, name: str) -> None:
    inventory: Inventory = request.getfixturevalue(name)
    assert bedrock_statements(inventory, "hub-v2-api") == [
        {"Sid": "InvokeInferenceProfiles", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": [PROFILE]},
        {"Sid": "InvokeModelsThroughProfiles", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": MODELS,
         "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": [PROFILE]}}},
    ]


@pytest.mark.parametrize("service", ["hub-v2-web", "clawbot"])
def test_other_services_have_no_bedrock_access(dev: Inventory, service: str) -> None:
    assert bedrock_statements(dev, service) == []


def test_invocation_logging_in_prod_only(dev: Inventory, prod: Inventory) -> None:
    token = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
    assert dev.of_type(token) == []
    (logging,) = prod.of_type(token)
    cloudwatch = logging.inputs["loggingConfig"]["cloudwatchConfig"]
    assert cloudwatch["logGroupName"] == "/hv-prod/bedrock/invocations"
    assert cloudwatch["roleArn"] == prod.named("bedrock-invocation-logging-role").outputs["arn"]
    assert prod.named("bedrock-invocation-logs").inputs["retentionInDays"] == 90


def test_invocation_logging_waits_for_the_roles_policy(prod: Inventory) -> None:
    # Bedrock checks that the role can write to the log group when the configuration is put.
    logging = prod.of_type("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration")[0]
    assert prod.named("bedrock-invocation-logging-policy").urn in logging.dependencies
    assert prod.named("bedrock-invocation-logging-role").urn in logging.dependencies
