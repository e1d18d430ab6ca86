"""The prod-only safety rules: the prod fixture program, built as a dev stack, passes every one of them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.rules.support import by_resource, not_applicable

PROD_RULES = ("hv-rds-protect-prod-data", "hv-dynamodb-protect-prod-tables",
              "hv-elasticache-protect-prod-replication", "hv-cognito-protect-prod-user-pools",
              "hv-lb-protect-prod-load-balancers")


@pytest.mark.parametrize("rule", PROD_RULES)
def test_dev_resources_without_prod_safety_pass(dev_data: Any, rule: str) -> None:
    assert by_resource(dev_data, rule) == {}
    reasons = set(not_applicable(dev_data, rule).values())
    assert len(reasons) == 1 and reasons.pop().startswith("environment=dev: ")
