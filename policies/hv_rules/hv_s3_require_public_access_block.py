"""Security (public exposure): every S3 bucket has a public access block with all four settings on.

A stack rule: the block is its own resource, matched to its bucket by the `bucket` property —
through the property dependency on the bucket when there is one, else by the bucket's name.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from .conventions import SECURITY
from .resources import S3_BUCKETS, is_true, linked
from .support import short_name, stack_rule

PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SETTINGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    blocks_of = linked(args.resources, S3_BUCKETS, [PUBLIC_ACCESS_BLOCK], "bucket")
    for bucket in args.resources:
        if bucket.resource_type not in S3_BUCKETS:
            continue
        name = short_name(bucket.resource_type, bucket.name)
        blocks = blocks_of[bucket.urn]
        if not blocks:
            report_violation(f"{name} has no aws.s3.BucketPublicAccessBlock. Add one with block_public_acls, "
                             "block_public_policy, ignore_public_acls and restrict_public_buckets all True.",
                             bucket.urn)
        for block in blocks:
            off = [setting for setting in SETTINGS if not is_true(block.props.get(setting))]
            if off:
                report_violation(f"{name}: its public access block {block.name!r} leaves {', '.join(off)} "
                                 "off. Set all four settings to True.", bucket.urn)


policy = stack_rule(
    "hv-s3-require-public-access-block",
    kind=SECURITY,
    description="Every S3 bucket has a public access block with all four settings true.",
    severity=Severity.CRITICAL,
    remediation_steps="aws.s3.BucketPublicAccessBlock(bucket=bucket.id, block_public_acls=True, "
                      "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True).",
    anchors=(
        "cdk-nag:AwsSolutions-S2", "checkov:CKV2_AWS_6", "checkov:CKV_AWS_53", "checkov:CKV_AWS_54",
        "checkov:CKV_AWS_55", "checkov:CKV_AWS_56",
    ),
    validate=validate,
)
