"""What counts as stateful, and protecting it: decided here, once, for every component.

A stateful resource holds data (objects, images, logs, rows, keys, users, secrets) or guards it
(a bucket's policy, public-access block, encryption, versioning …). When the posture says
`protectStateful`, each one is registered with Pulumi's `protect`, so that removing it from the
config or a `destroy` stops before anything is deleted, instead of stripping a bucket's TLS-only
policy and public-access block first and failing on the bucket afterwards.
"""

from __future__ import annotations

import pulumi

STATEFUL_TYPES = frozenset({
    "aws:ecr/repository:Repository",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:kms/key:Key",
    "aws:rds/instance:Instance",
    "aws:dynamodb/table:Table",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:cognito/userPool:UserPool",
    "aws:secretsmanager/secret:Secret",
})
# Every S3 resource is a bucket or one of the settings that guard its objects.
STATEFUL_PACKAGE_MODULES = ("aws:s3/",)


def is_stateful(resource_type: str) -> bool:
    return resource_type in STATEFUL_TYPES or resource_type.startswith(STATEFUL_PACKAGE_MODULES)


def protect_stateful_resources() -> None:
    """From now on, register every stateful resource of this stack with `protect`.

    A stack transformation runs in the program itself, so the offline engine applies it exactly
    as `pulumi up` does; it must be registered before the first resource."""
    pulumi.runtime.register_stack_transformation(_protect_if_stateful)


def _protect_if_stateful(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    if not is_stateful(args.type_):
        return None
    return pulumi.ResourceTransformationResult(
        props=args.props, opts=pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(protect=True)))
