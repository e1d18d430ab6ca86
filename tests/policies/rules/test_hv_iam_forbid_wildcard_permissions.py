"""hv-iam-forbid-wildcard-permissions through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

IAM_WILDCARDS = "hv-iam-forbid-wildcard-permissions"


def test_wildcard_actions_on_every_resource_are_refused(identity: Any) -> None:
    found = by_resource(identity, IAM_WILDCARDS)
    # `s3:*` on one bucket and a named action on '*' pass; Bedrock's '*' is the Bedrock rule's business.
    assert set(found) == {"admin", "service-wide", "not-action", "inline-role"}
    assert found["admin"] == ["aws:iam/policy:Policy 'admin': policy statement 0 allows * on Resource '*' "
                              "(every action, on everything). Name the actions the workload calls and the "
                              "ARNs it touches."]
    assert "policy statement 0 allows iam:* on Resource '*' (every action of iam, on everything)" \
        in found["service-wide"][0]
    assert "policy statement 0 allows every action except iam:* (NotAction) on Resource '*'" \
        in found["not-action"][0]
    assert "'inline-role': inlinePolicies['everything'] statement 0 allows * on Resource '*'" \
        in found["inline-role"][0]
