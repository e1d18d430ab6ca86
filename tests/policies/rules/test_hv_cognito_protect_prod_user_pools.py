"""hv-cognito-protect-prod-user-pools through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

PROD_COGNITO = "hv-cognito-protect-prod-user-pools"


def test_prod_user_pools_have_deletion_protection(prod_data: Any) -> None:
    assert by_resource(prod_data, PROD_COGNITO) == {"deletable-pool": [
        "aws:cognito/userPool:UserPool 'deletable-pool' (environment=prod) has no deletion protection: "
        "deleting it would lose every user and group. Set deletion_protection='ACTIVE'."]}
