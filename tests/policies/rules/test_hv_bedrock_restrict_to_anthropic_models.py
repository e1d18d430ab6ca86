"""hv-bedrock-restrict-to-anthropic-models through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

BEDROCK = "hv-bedrock-restrict-to-anthropic-models"


def test_bedrock_is_limited_to_anthropic_models_and_our_profiles(identity: Any) -> None:
    found = by_resource(identity, BEDROCK)
    # Anthropic models in us-east-1/us-east-2/us-west-2, our us. profile and an application profile pass,
    # and so do control-plane actions that cannot invoke a model.
    assert set(found) == {"bedrock-anything", "bedrock-titan", "bedrock-foreign-profile", "bedrock-mixed"}
    assert found["bedrock-anything"] == [
        "aws:iam/policy:Policy 'bedrock-anything': policy statement 0 grants bedrock:InvokeModel, "
        "bedrock:InvokeModelWithResponseStream on '*'. Bedrock access is limited to Anthropic models: "
        "arn:aws:bedrock:<region>::foundation-model/anthropic.* and the us.anthropic.* inference profiles "
        "(or application inference profiles) of 891377221201 in us-east-2."]
    assert "on 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-v1'" in found["bedrock-titan"][0]
    assert "on 'arn:aws:bedrock:us-east-2:123456789012:inference-profile/" in found["bedrock-foreign-profile"][0]
    # Only the Bedrock ARN of a multi-service statement is Bedrock access.
    assert [m.split(". ")[0] for m in found["bedrock-mixed"]] == [
        "aws:iam/policy:Policy 'bedrock-mixed': policy statement 0 grants bedrock:* on "
        "'arn:aws:bedrock:us-east-2:891377221201:*'"]
