"""StackKey: the stack's customer-managed key for secrets and the database.

With the AWS-managed keys anyone allowed `secretsmanager:GetSecretValue` (or a snapshot copy) can
read; a customer-managed key adds a second gate — the reader also needs `kms:Decrypt` on this key,
granted only to the execution roles that inject those secrets — and lets RDS snapshots be shared
with a backup account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .context import StackContext

KEY_DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class StackKeyArgs:
    context: StackContext
    tags: Mapping[str, str]


class StackKey(pulumi.ComponentResource):
    def __init__(self, name: str, args: StackKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:security:StackKey", name, None, opts)
        # The key policy delegates to IAM: who may use the key is decided by role policies.
        self.key = aws.kms.Key(
            f"{name}-key", description=f"{args.context.name_prefix} secrets and database encryption",
            enable_key_rotation=True, deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Sid": "AccountAdministersThroughIam", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{args.context.account_id}:root"}, "Action": "kms:*",
                "Resource": "*"}]}),
            tags=dict(args.tags), opts=pulumi.ResourceOptions(parent=self))
        aws.kms.Alias(f"{name}-alias", name=f"alias/{args.context.name_prefix}-data", target_key_id=self.key.key_id,
                      opts=pulumi.ResourceOptions(parent=self))
        self.arn = self.key.arn
        self.register_outputs({"key_arn": self.arn})
