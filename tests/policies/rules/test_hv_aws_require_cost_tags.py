"""hv-aws-require-cost-tags through the real pack: refusals, passes and near misses."""

from __future__ import annotations

from tests.policies.conftest import Check

COST_TAGS = "hv-aws-require-cost-tags"


def test_missing_tags_are_refused(check: Check) -> None:
    (message,) = check('aws.sqs.Queue("q", opts=opts)').of(COST_TAGS)
    assert message.startswith("aws:sqs/queue:Queue 'q' lacks the cost tags pillar, service ")


def test_environment_comes_from_the_provider_default_tags(check: Check) -> None:
    outcome = check("""
        bare = aws.Provider("bare", region="us-east-2", allowed_account_ids=["891377221201"])
        aws.sqs.Queue("q", tags=TAGS, opts=pulumi.ResourceOptions(provider=bare))
        aws.sqs.Queue("ok", tags=TAGS, opts=opts)
    """)
    assert outcome.of(COST_TAGS) == ["aws:sqs/queue:Queue 'q' lacks the cost tag environment (resource tags "
                                "merged with the provider's default tags). Tag it with its pillar and "
                                "service."]


def test_unknown_pillar_is_refused(check: Check) -> None:
    (message,) = check('aws.sqs.Queue("q", tags={"pillar": "ops", "service": "x"}, opts=opts)').of(COST_TAGS)
    assert message == ("aws:sqs/queue:Queue 'q' has pillar='ops', which is not a pillar of the contract "
                       "(allowed: aws, hub-v2, clawbot, airtable).")


def test_resources_that_take_no_tags_need_none(check: Check) -> None:
    outcome = check("""
        bucket = aws.s3.Bucket("bucket", tags=TAGS, opts=opts)
        aws.s3.BucketPublicAccessBlock("block", bucket=bucket.id, block_public_acls=True, opts=opts)
        role = aws.iam.Role("role", assume_role_policy="{}", tags=TAGS, opts=opts)
        aws.iam.RolePolicyAttachment("attach", role=role.name,
                                     policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess", opts=opts)
    """)
    assert outcome.of(COST_TAGS) == []


def test_lambda_keyword_module_is_still_checked_for_tags(check: Check) -> None:
    outcome = check(
        'aws.lambda_.Function("fn", role="r", runtime="python3.12", handler="a.b", opts=opts)')
    assert len(outcome.of(COST_TAGS)) == 1


def test_taggable_types_come_from_the_provider_sdk() -> None:
    from policies.hv_rules.taggable import is_taggable

    # lambda/function lives in `lambda_/`: found by the scan, not by its token.
    assert all(map(is_taggable, ("aws:ec2/vpc:Vpc", "aws:sqs/queue:Queue", "aws:lambda/function:Function",
                                 "aws:ec2/securityGroup:SecurityGroup")))
    assert not any(map(is_taggable, ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                                     "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:ec2/nope:Nope")))


def test_reading_a_type_from_its_own_module_agrees_with_scanning_the_whole_sdk() -> None:
    from policies.hv_rules import taggable

    tokens = {match.group(1) for source in taggable.sdk_directory().glob("*/*.py")
              if (match := taggable.RESOURCE_TOKEN.search(source.read_text()))}
    assert len(tokens) > 1000
    assert {token for token in tokens if taggable.is_taggable(token)} == taggable.scanned_taggable_types()
