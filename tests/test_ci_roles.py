"""CI roles against what really happens: the OIDC subjects the workflow's jobs get, the lookups the
program makes, and the other stack's resources (a small IAM evaluator: Allow/Deny, wildcards)."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
import yaml

from components.ci_roles import LOOKUP_ACTIONS
from preflight.mocks import _INVOKES
from preflight.model import Inventory
from preflight.runner import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
REPOSITORY = "happen-ventures/hv-foundation"
OIDC = "token.actions.githubusercontent.com"
# A ref GitHub gives each event (a push's branches come from the workflow's filter).
EVENT_REFS = {"pull_request": "refs/pull/7/merge", "release": "refs/tags/v1.2.0"}
READ_VERBS = ("Get", "List", "Describe", "Decrypt", "BatchGet", "Query", "Scan")


# --- a small IAM evaluator ---------------------------------------------------------------------

def _listed(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _matches(patterns: Sequence[str], value: str, *, case_sensitive: bool) -> bool:
    # IAM wildcards: `*` any run of characters (colons and slashes too), `?` one character.
    if not case_sensitive:
        value, patterns = value.lower(), [pattern.lower() for pattern in patterns]
    # fnmatch's `[...]` classes are not IAM's: match brackets literally.
    return any(fnmatch.fnmatchcase(value, pattern.replace("[", "[[]")) for pattern in patterns)


def _conditions_hold(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, str], *,
                     unknown: bool) -> bool:
    """String conditions against `context`; a key the context lacks counts as `unknown` (Allow assumes
    it holds, Deny that it does not: both the pessimistic reading for "finds no Allow")."""
    for operator, tests in condition.items():
        for key, expected in tests.items():
            if key not in context:
                if not unknown:
                    return False
                continue
            values = _listed(expected)
            base = operator.split(":")[-1]
            if base == "StringEquals":
                held = context[key] in values
            elif base == "StringNotEquals":
                held = context[key] not in values
            elif base == "StringLike":
                held = _matches(values, context[key], case_sensitive=True)
            else:
                held = unknown
            if not held:
                return False
    return True


def _statement_applies(statement: Mapping[str, Any], action: str, resource: str,
                       context: Mapping[str, str]) -> bool:
    if "Action" in statement and not _matches(_listed(statement["Action"]), action, case_sensitive=False):
        return False
    if "NotAction" in statement and _matches(_listed(statement["NotAction"]), action, case_sensitive=False):
        return False
    if "Resource" in statement and not _matches(_listed(statement["Resource"]), resource, case_sensitive=True):
        return False
    if "NotResource" in statement and _matches(_listed(statement["NotResource"]), resource, case_sensitive=True):
        return False
    return _conditions_hold(statement.get("Condition", {}), context, unknown=statement["Effect"] == "Allow")


def allowed(documents: Sequence[Mapping[str, Any]], action: str, resource: str,
            context: Mapping[str, str] | None = None) -> bool:
    """An explicit Deny wins; otherwise any Allow; otherwise the implicit deny."""
    applying = [s for d in documents for s in d["Statement"] if _statement_applies(s, action, resource, context or {})]
    return any(s["Effect"] == "Allow" for s in applying) and not any(s["Effect"] == "Deny" for s in applying)


def test_evaluator_reads_wildcards_denies_and_conditions() -> None:
    document = {"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::hv-dev-*"},
        {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:*:*:*:*hv-prod*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/environment": ["prod"]}}},
    ]}
    assert allowed([document], "S3:GetObject", "arn:aws:s3:::hv-dev-logs/a/b")
    assert not allowed([document], "s3:GetObject", "arn:aws:s3:::hv-prod-logs/a")
    assert not allowed([document], "s3:GetObject", "arn:aws:s3:::hv-dev-logs/a",
                       {"aws:ResourceTag/environment": "prod"})
    assert not allowed([document], "sqs:SendMessage", "arn:aws:s3:::hv-dev-logs/a")


# --- the roles of the stacks -------------------------------------------------------------------

def roles(inventory: Inventory) -> dict[str, dict[str, Any]]:
    """Role name → trust and inline policy documents."""
    found = {r.inputs["name"]: {"trust": json.loads(r.inputs["assumeRolePolicy"]), "policies": []}
             for r in inventory.of_type("aws:iam/role:Role")}
    for policy in inventory.of_type("aws:iam/rolePolicy:RolePolicy"):
        found[policy.inputs["role"]]["policies"].append(json.loads(policy.inputs["policy"]))
    return found


def ci_roles(inventory: Inventory) -> dict[str, dict[str, Any]]:
    return {name: role for name, role in roles(inventory).items()
            if any(s.get("Principal", {}).get("Federated", "").endswith(OIDC) for s in role["trust"]["Statement"])}


def admits(trust: Mapping[str, Any], subject: str) -> bool:
    context = {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": subject}
    return any(s["Effect"] == "Allow" and s["Action"] == "sts:AssumeRoleWithWebIdentity"
               and _conditions_hold(s.get("Condition", {}), context, unknown=False) for s in trust["Statement"])


def writes(role: Mapping[str, Any]) -> set[str]:
    return {action for document in role["policies"] for s in document["Statement"] if s["Effect"] == "Allow"
            for action in _listed(s.get("Action", "*"))
            if not action.split(":")[-1].startswith(READ_VERBS)}


# --- the workflow: which job runs on which event, with which subject ---------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'[^']*')|(?P<op>==|!=|&&|\|\||\(|\)|,)|(?P<name>[A-Za-z_][\w.-]*))")


def evaluate(expression: str, event: str, ref: str) -> Any:
    """The subset of GitHub's expression language the workflow uses: github.event_name, github.ref,
    string literals, ==, !=, &&, || (returning operands, as GitHub does), fromJSON, parentheses."""
    tokens = []
    position = 0
    while position < len(expression.strip()):
        match = _TOKEN.match(expression.strip(), position)
        if match is None:
            raise ValueError(f"unsupported workflow expression {expression!r} at {position}")
        tokens.append(match)
        position = match.end()
    stream = iter(tokens)
    lookahead: list[re.Match[str] | None] = [next(stream, None)]

    def take() -> re.Match[str]:
        token = lookahead[0]
        if token is None:
            raise ValueError(f"workflow expression {expression!r} ends early")
        lookahead[0] = next(stream, None)
        return token

    def peek(op: str) -> bool:
        return lookahead[0] is not None and lookahead[0]["op"] == op

    def primary() -> Any:
        token = take()
        if token["str"] is not None:
            return token["str"][1:-1]
        if token["op"] == "(":
            value = disjunction()
            take()
            return value
        name = token["name"]
        if name == "fromJSON":
            take()
            value = json.loads(primary())
            take()
            return value
        variables = {"github.event_name": event, "github.ref": ref}
        if name not in variables:
            raise ValueError(f"workflow expression {expression!r} uses {name}; the test knows {sorted(variables)}")
        return variables[name]

    def comparison() -> Any:
        left = primary()
        while peek("==") or peek("!="):
            op = take()["op"]
            right = primary()
            left = (left == right) if op == "==" else (left != right)
        return left

    def conjunction() -> Any:
        left = comparison()
        while peek("&&"):
            take()
            right = comparison()
            left = right if left else left
        return left

    def disjunction() -> Any:
        left = conjunction()
        while peek("||"):
            take()
            right = conjunction()
            left = left if left else right
        return left

    return disjunction()


def _expression(value: str, event: str, ref: str) -> Any:
    inner = re.fullmatch(r"\$\{\{(.*)\}\}", value.strip())
    return evaluate(inner.group(1) if inner else value, event, ref)


def job_runs() -> Iterator[tuple[str, str, str, dict[str, str], str, str]]:
    """(workflow, job, event, matrix values, subject, role name) for every job that assumes a role."""
    for path in WORKFLOWS:
        document = yaml.safe_load(path.read_text())
        triggers = document.get("on", document.get(True))
        for event, spec in triggers.items():
            refs = ([f"refs/heads/{b}" for b in spec["branches"]] if event == "push" and spec else
                    [EVENT_REFS[event]])
            for ref in refs:
                running: set[str] = set()
                for name, job in document["jobs"].items():  # in order: needs come first
                    if any(need not in running for need in _listed(job.get("needs", []))):
                        continue
                    if "if" in job and not _expression(job["if"], event, ref):
                        continue
                    running.add(name)
                    matrix = job.get("strategy", {}).get("matrix", {})
                    combos = [{}] if not matrix else [{key: value} for key, values in matrix.items() for value in (
                        _expression(values, event, ref) if isinstance(values, str) else values)]
                    environment = job.get("environment")
                    subject = (f"repo:{REPOSITORY}:environment:{environment}" if environment else
                               f"repo:{REPOSITORY}:pull_request" if event == "pull_request" else
                               f"repo:{REPOSITORY}:ref:{ref}")
                    for combo in combos:
                        for step in job["steps"]:
                            if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials"):
                                arn = re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}",
                                             lambda m, values=combo: values[m.group(1)],  # type: ignore[misc]
                                             step["with"]["role-to-assume"])
                                yield path.name, name, event, combo, subject, arn.rsplit("/", 1)[1]


def test_the_workflow_is_read_the_way_github_runs_it() -> None:
    runs = {(job, event, tuple(combo.values())) for _, job, event, combo, _, _ in job_runs()}
    assert runs == {("preview", "pull_request", ("dev",)), ("preview", "push", ("dev",)),
                    ("preview", "push", ("prod",)), ("deploy-dev", "push", ()), ("deploy-prod", "release", ())}


def test_every_role_a_job_assumes_trusts_the_subject_github_gives_it(dev: Inventory, prod: Inventory) -> None:
    stacks = {**roles(dev), **roles(prod)}
    for workflow, job, event, combo, subject, role in job_runs():
        assert role in stacks, f"{workflow}: {job} on {event} {combo} assumes {role}, which no stack creates"
        assert admits(stacks[role]["trust"], subject), (
            f"{workflow}: {job} on {event} {combo} gets sub {subject!r}; the trust of {role} refuses it")


def test_no_pull_request_can_assume_a_role_that_writes_or_one_of_prod(dev: Inventory, prod: Inventory) -> None:
    subject = f"repo:{REPOSITORY}:pull_request"
    for inventory in (dev, prod):
        for name, role in ci_roles(inventory).items():
            if admits(role["trust"], subject):
                assert inventory.stack != "prod", f"a pull request can assume {name}"
                assert writes(role) == set(), f"a pull request can assume {name}, which may {sorted(writes(role))}"


# --- lookups ----------------------------------------------------------------------------------

def test_every_invoke_preflight_answers_has_its_iam_actions_listed() -> None:
    assert set(LOOKUP_ACTIONS) == set(_INVOKES), "keep components/ci_roles.py's LOOKUP_ACTIONS in step with the invokes"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_and_deploy_roles_may_make_every_lookup(request: pytest.FixtureRequest, stack: str) -> None:
    inventory: Inventory = request.getfixturevalue(stack)
    scoped = {"secretsmanager:GetSecretValue": [
                  f"arn:aws:secretsmanager:us-east-2:891377221201:secret:hv/{stack}/identity/google-client-secret-AbCdEf"],
              "ecs:DescribeServices": [own_service_arn(stack)]}
    for name, role in ci_roles(inventory).items():
        for token, actions in LOOKUP_ACTIONS.items():
            for action in actions:
                for resource in scoped.get(action, ["*", "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]):
                    assert allowed(role["policies"], action, resource), (
                        f"{name} may not {action} ({token}) on {resource}")


def own_service_arn(stack: str) -> str:
    return f"arn:aws:ecs:us-east-2:891377221201:service/hv-{stack}/hub-v2-api"


@pytest.mark.parametrize(("own", "other"), [("dev", "prod"), ("prod", "dev")])
def test_the_service_lookup_reaches_only_the_stacks_own_services(request: pytest.FixtureRequest, own: str,
                                                                 other: str) -> None:
    preview = roles(request.getfixturevalue(own))[f"hv-{own}-github-preview"]["policies"]
    assert allowed(preview, "ecs:DescribeServices", own_service_arn(own))
    assert not allowed(preview, "ecs:DescribeServices", "*")
    for role in ci_roles(request.getfixturevalue(own)).values():
        assert not allowed(role["policies"], "ecs:DescribeServices", own_service_arn(other),
                           {"aws:ResourceTag/environment": other})


# --- stack isolation ----------------------------------------------------------------------------

WRITE_PROBES = ("iam:PassRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy",
                "ecs:UpdateService", "ecs:DeleteService", "rds:DeleteDBInstance", "rds:ModifyDBInstance",
                "dynamodb:DeleteTable", "dynamodb:PutItem", "kms:Decrypt", "kms:ScheduleKeyDeletion",
                "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "s3:GetObject", "s3:PutObject",
                "s3:DeleteBucket", "elasticache:DeleteReplicationGroup", "codepipeline:StartPipelineExecution")


def representative_arns(inventory: Inventory) -> list[tuple[str, dict[str, str]]]:
    """The stack's roles, services, database, tables, keys, secrets, buckets, cache and its state object,
    each with the tags AWS would report for it."""
    found: list[tuple[str, dict[str, str]]] = []
    types = ("aws:iam/role:Role", "aws:rds/instance:Instance", "aws:dynamodb/table:Table", "aws:kms/key:Key",
             "aws:secretsmanager/secret:Secret", "aws:s3/bucket:Bucket", "aws:ecs/cluster:Cluster",
             "aws:elasticache/replicationGroup:ReplicationGroup", "aws:codepipeline/pipeline:Pipeline")
    for type_ in types:
        for record in inventory.of_type(type_):
            tags = {f"aws:ResourceTag/{k}": v for k, v in (record.outputs.get("tagsAll") or {}).items()}
            found.append((record.outputs["arn"], tags))
            if type_ == "aws:s3/bucket:Bucket":
                found.append((record.outputs["arn"] + "/some/object", {}))
    for service in inventory.of_type("aws:ecs/service:Service"):
        found.append((f"arn:aws:ecs:us-east-2:891377221201:service/hv-{inventory.stack}/{service.inputs['name']}",
                      {"aws:ResourceTag/environment": inventory.stack}))
    state = "arn:aws:s3:::hv-pulumi-state-891377221201/.pulumi"
    found += [(f"{state}/stacks/hv-foundation/{inventory.stack}.json", {}),
              (f"{state}/backups/hv-foundation/{inventory.stack}/{inventory.stack}.1700000000.json", {}),
              (f"{state}/history/hv-foundation/{inventory.stack}/{inventory.stack}-1.history.json", {})]
    return found


@pytest.mark.parametrize(("own", "other"), [("dev", "prod"), ("prod", "dev")])
def test_a_stacks_ci_roles_reach_nothing_of_the_other_stack(request: pytest.FixtureRequest, own: str,
                                                            other: str) -> None:
    mine: Inventory = request.getfixturevalue(own)
    theirs = representative_arns(request.getfixturevalue(other))
    assert len(theirs) > 30  # the probe set is not empty by accident
    reached = [(name, action, arn) for name, role in ci_roles(mine).items() for arn, tags in theirs
               for action in WRITE_PROBES if allowed(role["policies"], action, arn, tags)]
    assert reached == [], f"{own}'s CI roles reach {other}: {reached[:10]}"


def test_a_stacks_ci_roles_still_reach_their_own_state(dev: Inventory) -> None:
    # The other side of isolation: the Denies must not lock a stack out of itself.
    deploy = roles(dev)["hv-dev-github-deploy"]["policies"]
    state = "arn:aws:s3:::hv-pulumi-state-891377221201/.pulumi/stacks/hv-foundation/dev.json"
    assert allowed(deploy, "s3:PutObject", state)
    assert allowed(deploy, "iam:PassRole", "arn:aws:iam::891377221201:role/hv-dev-clawbot-task")
    assert allowed(deploy, "dynamodb:DeleteTable", "arn:aws:dynamodb:us-east-2:891377221201:table/hv-dev-dedup",
                   {"aws:ResourceTag/environment": "dev"})


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_deploy_role_may_write_its_dashboard(request: pytest.FixtureRequest, stack: str) -> None:
    # Dashboard ARNs have no region: a regional cloudwatch:* grant does not cover them.
    inventory: Inventory = request.getfixturevalue(stack)
    (dashboard,) = inventory.of_type("aws:cloudwatch/dashboard:Dashboard")
    arn = f"arn:aws:cloudwatch::891377221201:dashboard/{dashboard.inputs['dashboardName']}"
    deploy = roles(inventory)[f"hv-{stack}-github-deploy"]["policies"]
    for action in ("cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"):
        assert allowed(deploy, action, arn), f"{stack}'s deploy role may not {action} on {arn}"


# --- permissions boundary: what CI creates can hold no more than the boundary ---------------------

ACCOUNT = "891377221201"


def boundary_of(inventory: Inventory) -> tuple[str, dict[str, Any]]:
    (policy,) = [p for p in inventory.of_type("aws:iam/policy:Policy") if p.name == "ci-workload-boundary"]
    return f"arn:aws:iam::{ACCOUNT}:policy/{policy.inputs['name']}", json.loads(policy.inputs["policy"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_role_but_the_ci_roles_carries_the_boundary(request: pytest.FixtureRequest, stack: str) -> None:
    inventory: Inventory = request.getfixturevalue(stack)
    arn, _ = boundary_of(inventory)
    ci = set(ci_roles(inventory))
    for role in inventory.of_type("aws:iam/role:Role"):
        expected = None if role.inputs["name"] in ci else arn
        assert role.inputs.get("permissionsBoundary") == expected, role.inputs["name"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_workload_policy_fits_inside_the_boundary(request: pytest.FixtureRequest, stack: str) -> None:
    # A grant outside the boundary is dead in AWS: the workload would fail with AccessDenied.
    inventory: Inventory = request.getfixturevalue(stack)
    _, boundary = boundary_of(inventory)
    ci = set(ci_roles(inventory))
    outside = [(name, action, resource) for name, role in roles(inventory).items() if name not in ci
               for document in role["policies"] for s in document["Statement"] if s["Effect"] == "Allow"
               for action in _listed(s["Action"]) for resource in _listed(s["Resource"])
               if not allowed([boundary], action, resource, {})]
    assert outside == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_boundary_forbids_iam_writes_the_state_and_the_other_stack(request: pytest.FixtureRequest,
                                                                        stack: str) -> None:
    inventory: Inventory = request.getfixturevalue(stack)
    _, boundary = boundary_of(inventory)
    other = "prod" if stack == "dev" else "dev"
    iam = f"arn:aws:iam::{ACCOUNT}"
    for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicyVersion",
                   "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary"):
        assert not allowed([boundary], action, f"{iam}:role/hv-{stack}-anything")
    assert not allowed([boundary], "s3:GetObject",
                       f"arn:aws:s3:::hv-pulumi-state-{ACCOUNT}/.pulumi/stacks/hv-foundation/{stack}.json")
    assert not allowed([boundary], "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-2:{ACCOUNT}:table/hv-{other}-locks")
    assert not allowed([boundary], "kms:Decrypt", f"arn:aws:kms:us-east-2:{ACCOUNT}:key/1234",
                       {"kms:ResourceAliases": f"alias/hv-pulumi-secrets-{other}"})
    # …and still lets a workload reach its own stack.
    assert allowed([boundary], "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-2:{ACCOUNT}:table/hv-{stack}-locks")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_deploy_role_creates_and_changes_roles_only_within_the_boundary(request: pytest.FixtureRequest,
                                                                            stack: str) -> None:
    inventory: Inventory = request.getfixturevalue(stack)
    arn, _ = boundary_of(inventory)
    deploy = roles(inventory)[f"hv-{stack}-github-deploy"]["policies"]
    iam = f"arn:aws:iam::{ACCOUNT}"
    new_role = f"{iam}:role/hv-{stack}-new"
    for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"):
        assert allowed(deploy, action, new_role, {"iam:PermissionsBoundary": arn}), action
        for foreign in ("arn:aws:iam::aws:policy/AdministratorAccess", f"{iam}:policy/hv-{stack}-wider"):
            assert not allowed(deploy, action, new_role, {"iam:PermissionsBoundary": foreign}), (action, foreign)
    assert not allowed(deploy, "iam:DeleteRolePermissionsBoundary", new_role)
    # The boundary and the CI roles themselves are an administrator's.
    for target in (arn, f"{iam}:role/hv-{stack}-github-deploy", f"{iam}:role/hv-{stack}-github-preview"):
        for action in ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy",
                       "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PassRole"):
            assert not allowed(deploy, action, target, {"iam:PermissionsBoundary": arn}), (action, target)


# Privilege escalation (the Bishop Fox methods parliament's community auditor lists, plus the
# boundary's own): each as the IAM calls it needs, on the targets that would escalate.
def _escalations(stack: str, boundary: str) -> dict[str, list[tuple[str, str, dict[str, str]]]]:
    iam = f"arn:aws:iam::{ACCOUNT}"
    admin = {"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"}
    unbounded_ci = f"{iam}:role/hv-{stack}-github-deploy"
    return {
        "CreateRoleWithoutBoundary": [("iam:CreateRole", f"{iam}:role/hv-{stack}-x", admin),
                                      ("iam:PassRole", f"{iam}:role/hv-{stack}-x", admin)],
        "PutRolePolicyOnUnboundedRole": [("iam:PutRolePolicy", unbounded_ci, {})],
        "AttachRolePolicyOnUnboundedRole": [("iam:AttachRolePolicy", unbounded_ci, {})],
        "UpdateRolePolicyToAssumeIt": [("iam:UpdateAssumeRolePolicy", unbounded_ci, {})],
        "PassUnboundedRole": [("iam:PassRole", unbounded_ci, {})],
        "CreateNewPolicyVersion": [("iam:CreatePolicyVersion", boundary, {})],
        "SetExistingDefaultPolicyVersion": [("iam:SetDefaultPolicyVersion", boundary, {})],
        "DropBoundary": [("iam:DeleteRolePermissionsBoundary", f"{iam}:role/hv-{stack}-x", {})],
        "ReplaceBoundary": [("iam:PutRolePermissionsBoundary", f"{iam}:role/hv-{stack}-x", admin)],
        "CreateAccessKey": [("iam:CreateAccessKey", f"{iam}:user/anyone", {})],
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_role_ci_or_a_workload_can_assume_can_escalate(request: pytest.FixtureRequest, stack: str) -> None:
    inventory: Inventory = request.getfixturevalue(stack)
    arn, boundary = boundary_of(inventory)
    ci = set(ci_roles(inventory))
    open_paths = []
    for name, role in roles(inventory).items():
        # A bounded role's permissions are its policies AND the boundary: both must allow.
        layers = [role["policies"]] if name in ci else [role["policies"], [boundary]]
        for method, steps in _escalations(stack, arn).items():
            if all(all(allowed(layer, action, target, context) for layer in layers)
                   for action, target, context in steps):
                open_paths.append((name, method))
    assert open_paths == []
