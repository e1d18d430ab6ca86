"""hv-iam-forbid-users through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

IAM_USERS = "hv-iam-forbid-users"


def test_iam_users_and_access_keys_are_refused(identity: Any) -> None:
    assert by_resource(identity, IAM_USERS) == {
        "person": ["aws:iam/user:User 'person' is an IAM user. People sign in through SSO, workloads use IAM "
                   "roles, CI assumes the GitHub OIDC deploy role: remove it."],
        "person-key": ["aws:iam/accessKey:AccessKey 'person-key' is a long-lived access key. People sign in "
                       "through SSO, workloads use IAM roles, CI assumes the GitHub OIDC deploy role: remove "
                       "it."]}
