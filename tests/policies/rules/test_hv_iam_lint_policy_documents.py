"""hv-iam-lint-policy-documents through the real pack: parliament's findings, and its corrections."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.rules.support import Check, by_resource

RULE = "hv-iam-lint-policy-documents"
GITHUB = "token.actions.githubusercontent.com"
BODY = f'''
def role(name, trust):
    return aws.iam.Role(name, name=name, assume_role_policy=json.dumps(trust), tags=TAGS, opts=opts)

def doc(*statements):
    return json.dumps({{"Version": "2012-10-17", "Statement": list(statements)}})

def github(account):
    return {{"Version": "2012-10-17", "Statement": [{{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {{"Federated": f"arn:aws:iam::{{account}}:oidc-provider/{GITHUB}"}},
        "Condition": {{"StringEquals": {{"{GITHUB}:aud": "sts.amazonaws.com",
                                         "{GITHUB}:sub": "repo:a/b:ref:refs/heads/main"}}}}}}]}}

# Pass: GitHub OIDC trust, a key alias condition, Bedrock through a profile, `svc:*` on the service's ARNs.
ci = role("ci", github("891377221201"))
aws.iam.RolePolicy("fine", role=ci.id, policy=doc(
    {{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-2:891377221201:key/*",
      "Condition": {{"ForAnyValue:StringEquals": {{"kms:ResourceAliases": "alias/x"}}}}}},
    {{"Effect": "Allow", "Action": "bedrock:InvokeModel",
      "Resource": "arn:aws:bedrock:us-east-2:891377221201:inference-profile/us.anthropic.claude-sonnet-4-6"}},
    {{"Effect": "Allow", "Action": "ecs:*", "Resource": "arn:aws:ecs:us-east-2:891377221201:*"}}), opts=opts)
aws.kms.Key("key", policy=doc({{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::891377221201:root"}},
                               "Action": "kms:*", "Resource": "*"}}), tags=TAGS, opts=opts)
# Fail: a misspelt action, a named action that applies to none of the resources, a key no action knows.
aws.iam.RolePolicy("broken", role=ci.id, policy=doc(
    {{"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}},
    {{"Sid": "Key", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-2:891377221201:q",
      "Condition": {{"StringEquals": {{"s3:prefix": "x"}}}}}}), opts=opts)
aws.iam.RolePolicy("dead", role=ci.id, policy=doc(
    {{"Sid": "Dead", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
      "Resource": "arn:aws:ecr:us-east-2:891377221201:repository/r"}}), opts=opts)
# Near miss: the OIDC provider of another account is not ours to accept.
role("foreign", github("123456789012"))
'''


_OUTCOMES: dict[str, Any] = {}


@pytest.fixture
def outcome(check: Check) -> Any:
    """One pack run for the whole module (the fixture program is the same for every test)."""
    if "body" not in _OUTCOMES:
        _OUTCOMES["body"] = check(BODY)
    return _OUTCOMES["body"]


def test_documents_that_fit_parliaments_model_pass_as_they_are(outcome: Any) -> None:
    found = by_resource(outcome, RULE)
    assert not {"ci", "fine", "key"} & set(found), found


def test_unknown_actions_dead_entries_and_unknown_condition_keys_are_mandatory(outcome: Any) -> None:
    assert all(v.mandatory for v in outcome.violations if v.policy == RULE)
    found = by_resource(outcome, RULE)["broken"]
    prefix = "aws:iam/rolePolicy:RolePolicy 'broken': policy (identity policy) "
    assert prefix + "UNKNOWN_ACTION (Unknown action s3:GetObjekt)." in found
    # BatchGetImage applies to the repository: only the resource-less action is dead.
    assert by_resource(outcome, RULE)["dead"] == [
        "aws:iam/rolePolicy:RolePolicy 'dead': policy (identity policy) grants ecr:GetAuthorizationToken in "
        "statement 'Dead', which applies to none of its resources arn:aws:ecr:us-east-2:891377221201:repository/r "
        "(nothing is granted)."]
    assert prefix + "UNKNOWN_CONDITION_FOR_ACTION (Unknown condition s3:prefix for action sqs:SendMessage)." in found


def test_only_this_accounts_oidc_providers_and_their_keys_are_accepted(outcome: Any) -> None:
    found = by_resource(outcome, RULE)["foreign"]
    assert any("UNKNOWN_FEDERATION_SOURCE (arn:aws:iam::123456789012:oidc-provider/" in m for m in found), found
    assert any(f"Unknown condition {GITHUB}:sub" in m for m in found), found


def _first_scanned(definition: list[dict[str, Any]], service: str, action: str) -> Any:
    """What parliament's own lookup returns: the first match of a scan, in the definition's order."""
    for service_info in definition:
        if service_info["prefix"] == service:
            for privilege_info in service_info["privileges"]:
                if privilege_info["privilege"] == action:
                    return service_info, privilege_info
    return None


def test_the_indexed_lookup_answers_every_action_as_parliaments_scan_does() -> None:
    import parliament
    import parliament.statement

    from policies.hv_rules import hv_iam_lint_policy_documents as rule

    assert parliament.statement.get_privilege_info is rule.get_privilege_info
    actions = {(service["prefix"], privilege["privilege"]) for service in parliament.iam_definition
               for privilege in service["privileges"]}
    assert len(actions) > 10_000
    for service, action in actions:
        service_info, privilege_info = _first_scanned(parliament.iam_definition, service, action)
        found = rule.get_privilege_info(service, action)
        assert found is privilege_info
        assert found["service_resources"] is service_info["resources"]
        assert found["service_conditions"] is service_info["conditions"]
    for service, action in (("s3", "GetObjekt"), ("nosuchservice", "GetObject"), ("S3", "GetObject")):
        with pytest.raises(parliament.UnknownActionException, match=f"^Unknown action {service}:{action}$"):
            rule.get_privilege_info(service, action)
