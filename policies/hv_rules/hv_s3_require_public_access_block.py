"""Security (public exposure): every S3 bucket has a public access block with all four settings on.

A stack rule: the block is its own resource, matched to its bucket by the `bucket` property —
through the property dependency on the bucket when there is one, else by the bucket's name.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .resources import S3_BUCKETS, is_true, linked
from .support import SECURITY, anchor, short_name

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


policy = StackValidationPolicy(
    name="hv-s3-require-public-access-block",
    description="Every S3 bucket has a public access block with all four settings true.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps="aws.s3.BucketPublicAccessBlock(bucket=bucket.id, block_public_acls=True, "
                      "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True).",
    tags=[SECURITY, anchor("cdk-nag:AwsSolutions-S2"), anchor("checkov:CKV2_AWS_6"),
          anchor("checkov:CKV_AWS_53"), anchor("checkov:CKV_AWS_54"), anchor("checkov:CKV_AWS_55"),
          anchor("checkov:CKV_AWS_56")],
    config_schema=EXCEPTIONS_SCHEMA,
)
