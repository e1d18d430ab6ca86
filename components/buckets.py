"""PrivateBucket: the only shape of S3 bucket this foundation makes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .grants import policy_document


@dataclass(frozen=True, kw_only=True)
class PrivateBucketArgs:
    bucket_name: str
    versioning: bool
    tags: Mapping[str, str]
    expire_after_days: int | None = None
    noncurrent_expire_after_days: int = 30
    force_destroy: bool = False
    # Statements granting services access (e.g. ELB log delivery); TLS-only is always added.
    extra_statements: Sequence[Mapping[str, Any]] = ()


class PrivateBucket(pulumi.ComponentResource):
    """Private (all four public-access blocks, BucketOwnerEnforced), encrypted (SSE-S3),
    TLS-only, optionally versioned and expiring."""

    def __init__(self, name: str, args: PrivateBucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:storage:PrivateBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.bucket_name,
                                    force_destroy=args.force_destroy, tags=dict(args.tags), opts=child)
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block", bucket=self.bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        sse_s3 = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="AES256")
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=self.bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=sse_s3, bucket_key_enabled=True)],
            opts=child)
        if args.versioning:
            aws.s3.BucketVersioning(
                f"{name}-versioning", bucket=self.bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=child)
        self._create_lifecycle(name, args, child)
        bucket_arn = self.bucket.arn
        statements = [
            *args.extra_statements,
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ]
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy", bucket=self.bucket.id, policy=policy_document(statements),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.public_access_block]))
        self.register_outputs({"bucket_name": self.bucket.bucket, "bucket_arn": bucket_arn})

    def _create_lifecycle(self, name: str, args: PrivateBucketArgs, child: pulumi.ResourceOptions) -> None:
        s3 = aws.s3
        rules = [s3.BucketLifecycleConfigurationRuleArgs(
            id="abort-incomplete-uploads", status="Enabled",
            filter=s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
            abort_incomplete_multipart_upload=s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=7))]
        if args.expire_after_days is not None:
            rules.append(aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire", status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expire_after_days)))
        if args.versioning:
            rules.append(aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-noncurrent", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                noncurrent_version_expiration=s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=args.noncurrent_expire_after_days)))
        aws.s3.BucketLifecycleConfiguration(f"{name}-lifecycle", bucket=self.bucket.id, rules=rules, opts=child)
