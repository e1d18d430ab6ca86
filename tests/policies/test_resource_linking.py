"""`linked()`, which stack rules use to pair resources, with a preview's unknown values."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies.hv_rules.resources import linked

UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def stack_resource(type_: str, name: str, props: dict[str, Any]) -> Any:
    return PolicyResource(type_, unknown_checking_proxy(props), f"urn:pulumi:dev::demo::{type_}::{name}", name,
                          None, None, None, [], {})


def test_a_block_is_matched_by_the_bucket_name_while_its_arn_is_unknown() -> None:
    bucket = stack_resource("aws:s3/bucket:Bucket", "logs", {"bucket": "hv-dev-logs", "arn": UNKNOWN_STRING})
    block = stack_resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-block",
                           {"bucket": "hv-dev-logs"})
    assert linked([bucket, block], ["aws:s3/bucket:Bucket"], [block.resource_type], "bucket") == {
        bucket.urn: [block]}


def test_an_unmatched_link_while_a_target_is_unknown_is_unknown_not_absent() -> None:
    bucket = stack_resource("aws:s3/bucket:Bucket", "logs", {"bucket": UNKNOWN_STRING})
    block = stack_resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-block",
                           {"bucket": "hv-dev-logs"})
    with pytest.raises(UnknownValueError):
        linked([bucket, block], ["aws:s3/bucket:Bucket"], [block.resource_type], "bucket")
