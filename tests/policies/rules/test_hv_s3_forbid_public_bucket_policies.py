"""hv-s3-forbid-public-bucket-policies through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

S3_POLICY = "hv-s3-forbid-public-bucket-policies"


def test_bucket_policies_granting_anyone_without_a_condition_are_refused(exposure: Any) -> None:
    found = by_resource(exposure, S3_POLICY)
    # A named role, a service principal, '*' limited by aws:SourceArn and a Deny all pass.
    assert set(found) == {"world-readable-policy", "any-aws-policy"}
    assert found["world-readable-policy"] == [
        "aws:s3/bucketPolicy:BucketPolicy 'world-readable-policy': statement 'Public' allows s3:GetObject "
        "to any principal ('*') without a condition, so anyone on the internet may do it. Name the "
        "principals, or limit it with a condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID)."]
    assert "statement 0 allows s3:PutObject, s3:GetObject to any principal" in found["any-aws-policy"][0]
