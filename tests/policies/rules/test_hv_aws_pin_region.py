"""hv-aws-pin-region through the real pack: refusals, passes and near misses."""

from __future__ import annotations

from tests.policies.conftest import Check

REGION = "hv-aws-pin-region"


def test_explicit_provider_in_another_region_is_refused(check: Check) -> None:
    outcome = check("""
        west = aws.Provider("west", region="us-west-2", allowed_account_ids=["891377221201"])
    """)
    assert outcome.of(REGION) == ["provider 'west' has region 'us-west-2'; pin region='us-east-2' "
                                  "(for the default provider: `aws:region: us-east-2` in the stack config)."]


def test_default_provider_in_another_region_is_refused(check: Check) -> None:
    outcome = check('aws.sqs.Queue("q", tags=TAGS)', stack_config="""
        aws:region: eu-west-1
        aws:allowedAccountIds: ["891377221201"]
    """)
    (message,) = outcome.of(REGION)
    assert message.startswith("provider 'default_7_51_1' has region 'eu-west-1'")


def test_default_provider_without_region_is_refused(check: Check) -> None:
    outcome = check('aws.sqs.Queue("q", tags=TAGS)', stack_config="""
        aws:allowedAccountIds: ["891377221201"]
    """)
    (message,) = outcome.of(REGION)
    assert message.startswith("provider 'default_7_51_1' has no region")


def test_resource_level_region_override_is_refused(check: Check) -> None:
    (message,) = check('aws.sqs.Queue("q", region="us-west-2", tags=TAGS, opts=opts)').of(REGION)
    assert message.startswith("aws:sqs/queue:Queue 'q' overrides region='us-west-2'")


def test_bedrock_model_arns_in_other_regions_are_not_a_region_breach(check: Check) -> None:
    outcome = check("""
        aws.iam.Policy("bedrock", policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["bedrock:InvokeModel"],
            "Resource": [
                "arn:aws:bedrock:us-east-2:891377221201:inference-profile/us.anthropic.claude-sonnet-4-6",
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*",
                "arn:aws:bedrock:us-west-2::foundation-model/anthropic.*"]}]}),
            tags=TAGS, opts=opts)
        aws.sqs.Queue("q", region="us-east-2", tags=TAGS, opts=opts)
    """)
    assert outcome.of(REGION) == []
