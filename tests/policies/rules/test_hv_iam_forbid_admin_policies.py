"""hv-iam-forbid-admin-policies through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

IAM_ADMIN = "hv-iam-forbid-admin-policies"


def test_admin_managed_policies_are_never_attached(identity: Any) -> None:
    found = by_resource(identity, IAM_ADMIN)
    assert set(found) == {"inline-role", "admin-attachment", "iam-attachment"}
    assert found["admin-attachment"] == [
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment 'admin-attachment' attaches "
        "arn:aws:iam::aws:policy/AdministratorAccess: administrator-level access for whoever holds the role. "
        "Attach a policy with the actions and resources the role needs."]
    assert "attaches arn:aws:iam::aws:policy/PowerUserAccess" in found["inline-role"][0]
    assert "attaches arn:aws:iam::aws:policy/IAMFullAccess" in found["iam-attachment"][0]
