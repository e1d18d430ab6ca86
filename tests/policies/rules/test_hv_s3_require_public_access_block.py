"""hv-s3-require-public-access-block through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

S3_BLOCK = "hv-s3-require-public-access-block"


def test_every_bucket_needs_a_full_public_access_block(exposure: Any) -> None:
    # Matched by dependency on the bucket, or by its name (`named`).
    assert by_resource(exposure, S3_BLOCK) == {
        "half-blocked": ["aws:s3/bucket:Bucket 'half-blocked': its public access block 'half-blocked-block' "
                         "leaves blockPublicPolicy, restrictPublicBuckets off. Set all four settings to True."],
        "unblocked": ["aws:s3/bucket:Bucket 'unblocked' has no aws.s3.BucketPublicAccessBlock. Add one with "
                      "block_public_acls, block_public_policy, ignore_public_acls and "
                      "restrict_public_buckets all True."]}
