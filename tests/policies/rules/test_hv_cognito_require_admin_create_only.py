"""hv-cognito-require-admin-create-only through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

COGNITO_ADMIN_ONLY = "hv-cognito-require-admin-create-only"


def test_cognito_pools_are_admin_create_only(identity: Any) -> None:
    assert by_resource(identity, COGNITO_ADMIN_ONLY) == {"open-signup": [
        "aws:cognito/userPool:UserPool 'open-signup' allows self sign-up "
        "(adminCreateUserConfig.allowAdminCreateUserOnly is not true): anyone could create an account. Set "
        "admin_create_user_config.allow_admin_create_user_only=True; people arrive through the Google "
        "federation."]}
