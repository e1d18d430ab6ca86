"""A stack's policy config sets a rule's enforcement level; the rules it does not name keep their own."""

from __future__ import annotations

import json

from tests.policies.conftest import Check

SCAN_ON_PUSH = "hv-ecr-enable-scan-on-push"
IMMUTABLE_TAGS = "hv-ecr-require-immutable-tags"


def test_a_stack_config_raises_an_advisory_rule_to_mandatory(check: Check) -> None:
    outcome = check('aws.ecr.Repository("soft-repo", tags=TAGS, opts=opts)',
                    policy_config=json.dumps({IMMUTABLE_TAGS: "mandatory"}))
    assert outcome.levels(IMMUTABLE_TAGS) == ["mandatory"]
    assert outcome.levels(SCAN_ON_PUSH) == ["advisory"]
