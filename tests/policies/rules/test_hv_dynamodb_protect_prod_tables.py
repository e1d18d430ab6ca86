"""hv-dynamodb-protect-prod-tables through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.security_programs import table
from tests.policies.rules.support import Check, by_resource

PROD_DYNAMODB = "hv-dynamodb-protect-prod-tables"


def test_prod_tables_have_pitr_and_deletion_protection(prod_data: Any) -> None:
    assert by_resource(prod_data, PROD_DYNAMODB) == {
        "no-pitr-table": ["aws:dynamodb/table:Table 'no-pitr-table' (environment=prod) has no point-in-time "
                          "recovery: set point_in_time_recovery={'enabled': True} (restores to any second "
                          "of the last 35 days)."],
        "deletable-table": ["aws:dynamodb/table:Table 'deletable-table' (environment=prod) has no deletion "
                            "protection: set deletion_protection_enabled=True."]}


def test_environment_comes_from_the_provider_default_tags(check: Check) -> None:
    # The provider says prod; the resource's own tags say nothing about the environment.
    outcome = check(table("plain-table", point_in_time_recovery=None), environment="prod")
    assert list(by_resource(outcome, PROD_DYNAMODB)) == ["plain-table"]
