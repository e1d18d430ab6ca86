"""GitHub Actions without keys: the OIDC provider, a deploy and a preview role per stack, and the
permissions boundary every other role of the stack carries.

The deploy role trusts only this repository's GitHub environment of the stack's name (the deploy
jobs declare it); the read-only preview role trusts dev's pull requests and main, prod's main only
(after review), so nothing a pull request can assume reaches prod. Each stack's roles are denied
the other stacks' resources, state objects, tagged resources and secrets key.

The deploy role may create and change roles only when they carry the stack's boundary, may not
change the boundary, the CI roles or remove a boundary: what CI creates can never hold more than
the boundary allows (no IAM writes, nothing of the other stack, nothing of the state bucket).
The CI roles and the boundary themselves are applied by an administrator (see README).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .bedrock import INVOKE_ACTIONS as BEDROCK_INVOKE_ACTIONS
from .ci_roles_config import GITHUB_OIDC_URL, SECRETS_KEY_ALIAS, CiConfig
from .compute import ecs_service_arn
from .context import StackContext
from .environment import ENVIRONMENTS
from .grants import policy_document
from .naming import PROJECT  # the S3 backend keys state by project: .pulumi/stacks/<project>/<stack>.json

ROLE_TYPE = "aws:iam/role:Role"

# Services the deploy role manages, in this region and account only (ARN namespace = IAM prefix),
# with the read verbs each service has (its Describe*/List*/Get* actions without a resource type
# are allowed on "*"; a verb a service lacks would be an unknown action).
_READS = ("Describe", "List", "Get")
REGIONAL_SERVICES: Mapping[str, tuple[str, ...]] = {
    "acm": _READS, "application-autoscaling": _READS, "cloudwatch": _READS, "codebuild": _READS,
    "codeconnections": ("List", "Get"), "codepipeline": ("List", "Get"), "codestar-connections": ("List", "Get"),
    "cognito-idp": _READS, "dynamodb": _READS, "ec2": _READS, "ecr": _READS, "ecs": _READS,
    "elasticache": ("Describe", "List"), "elasticloadbalancing": ("Describe", "Get"), "kms": _READS, "logs": _READS,
    "rds": ("Describe", "List"), "scheduler": ("List", "Get"), "secretsmanager": _READS, "sns": ("List", "Get"),
    "sqs": ("List", "Get"),
}
# Actions with no resource type: allowed on "*", but only in the contract region.
# (Bedrock appears only here: the deploy role configures invocation logging, it invokes nothing.)
UNSCOPED_ACTIONS = ("acm:RequestCertificate", "application-autoscaling:*ScalableTarget*",
                    "application-autoscaling:*ScalingPolic*", "bedrock:*ModelInvocationLoggingConfiguration",
                    "codestar-connections:CreateConnection", "cognito-idp:CreateUserPool", "ecr:GetAuthorizationToken",
                    "ecs:CreateCluster", "ecs:DeregisterTaskDefinition", "ecs:RegisterTaskDefinition",
                    "kms:CreateKey", "logs:*Delivery*",
                    *(f"{service}:{verb}*" for service, verbs in REGIONAL_SERVICES.items() for verb in verbs))
# What each invoke the program makes calls in AWS (terraform-provider-aws's data sources): the
# preview and deploy roles both allow all of it. Invokes answered locally by the provider call nothing.
LOOKUP_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": ("ec2:DescribeAvailabilityZones",),
    "aws:index/getCallerIdentity:getCallerIdentity": ("sts:GetCallerIdentity",),
    "aws:index/getRegion:getRegion": (),
    "aws:index/getPartition:getPartition": (),
    # By name: ListHostedZones, then GetHostedZone; tags via ListTagsForResource even with no tag filter.
    "aws:route53/getZone:getZone": ("route53:GetHostedZone", "route53:ListHostedZones",
                                    "route53:ListTagsForResource"),
    "aws:iam/getPolicyDocument:getPolicyDocument": (),
    "aws:elb/getServiceAccount:getServiceAccount": (),
    # Scoped to the named secrets by the roles' own statements, not by this table.
    "aws:secretsmanager/getSecretVersion:getSecretVersion": ("secretsmanager:GetSecretValue",),
    # A pipeline-deployed service's running image (compute.running_image): does it exist, its
    # task definition (DescribeServices, scoped to the stack's cluster by the roles), its app image.
    "aws:resourcegroupstaggingapi/getResources:getResources": ("tag:GetResources",),
    "aws:ecs/getService:getService": ("ecs:DescribeServices",),
    "aws:ecs/getContainerDefinition:getContainerDefinition": ("ecs:DescribeTaskDefinition",),
}
# Lookups that take a resource: the roles allow them on this stack's resources only.
SCOPED_LOOKUPS = ("ecs:DescribeServices", "secretsmanager:GetSecretValue")
UNSCOPED_LOOKUPS = sorted({action for actions in LOOKUP_ACTIONS.values() for action in actions
                           if action not in SCOPED_LOOKUPS})

# The most a role the stack creates may ever do. Resource-scoped actions: anything on this
# account's ARNs (the role's own policy narrows it); actions without a resource type: exactly these,
# which the workloads' policies use on "*". A role's policy outside this is dead — the test
# `test_every_workload_policy_fits_inside_the_boundary` fails first.
WORKLOAD_UNSCOPED_ACTIONS = ("cloudwatch:PutMetricData", "ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition",
                             "ecs:RegisterTaskDefinition", "ecs:TagResource", "ssmmessages:CreateControlChannel",
                             "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
                             "ssmmessages:OpenDataChannel", "xray:GetSamplingRules",
                             "xray:GetSamplingStatisticSummaries", "xray:GetSamplingTargets",
                             "xray:PutTelemetryRecords", "xray:PutTraceSegments")
# What can be done with or to a KMS key (all take the key as resource, so its aliases as condition).
KEY_ACTIONS = ("kms:CreateGrant", "kms:Decrypt", "kms:DisableKey", "kms:Encrypt", "kms:GenerateDataKey*",
               "kms:PutKeyPolicy", "kms:ReEncrypt*", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource")
# What changes IAM itself: no role under the boundary may, whatever its policy says.
IAM_WRITES = ("iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*",
              "iam:Set*", "iam:Update*", "iam:Upload*")
# The role writes the deploy role may make only on roles that carry the boundary (the
# `iam:PermissionsBoundary` key is the boundary of the role being written).
BOUNDED_ROLE_WRITES = ("iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
                       "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy")
ROLE_UPKEEP = ("iam:DeleteRole", "iam:PassRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
               "iam:UpdateRole", "iam:UpdateRoleDescription")
POLICY_UPKEEP = ("iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                 "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy")


def boundary_name(context: StackContext) -> str:
    return f"{context.name_prefix}-workload-boundary"


def ci_role_prefix(context: StackContext) -> str:
    """The CI roles' names start with this; the boundary applies to every other role."""
    return f"{context.name_prefix}-github-"


@dataclass(frozen=True, kw_only=True)
class GithubCiRolesArgs:
    context: StackContext
    environment: str
    config: CiConfig
    zone_id: pulumi.Input[str]
    boundary: aws.iam.Policy
    tags: Mapping[str, str]
    # Secrets the program reads while it runs (e.g. Google's client secret): previews need them too.
    preview_secret_names: Sequence[str] = ()


def _state_bucket_arn(config: CiConfig) -> str:
    return f"arn:aws:s3:::{config.state_bucket}"


def _other_stacks(environment: str) -> list[str]:
    return [env for env in ENVIRONMENTS if env != environment]


def isolation_statements(context: StackContext, environment: str, config: CiConfig) -> list[dict[str, Any]]:
    """Explicit Deny of every other stack's named and tagged resources, state objects and secrets key."""
    others = _other_stacks(environment)
    base = context.name_prefix.removesuffix(environment)  # "hv-"
    return [
        {"Sid": "NotOtherStacks", "Effect": "Deny", "Action": "*",
         "Resource": [pattern for env in others for pattern in (
             f"arn:aws:*:*:*:*{base}{env}*",
             f"arn:aws:*:*:*:*hv/{env}/*",  # secrets: hv/<env>/<service>/<name>
             f"{_state_bucket_arn(config)}/.pulumi/*/{PROJECT}/{env}*")]},
        {"Sid": "NotOtherStacksTagged", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/environment": others}}},
        # Key ARNs carry no name: the other stacks' secrets keys are recognised by their aliases.
        {"Sid": "NotOtherStacksSecretsKeys", "Effect": "Deny", "Action": list(KEY_ACTIONS), "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [
             SECRETS_KEY_ALIAS.format(environment=env) for env in others]}}},
    ]


def workload_boundary(name: str, *, context: StackContext, environment: str, config: CiConfig,
                      tags: Mapping[str, str], opts: pulumi.ResourceOptions | None = None) -> aws.iam.Policy:
    """The permissions boundary of every role the stack creates but the CI roles."""
    statements: list[Mapping[str, Any]] = [
        # S3 bucket ARNs carry no account. Bedrock apart: Anthropic models only, as everywhere.
        {"Sid": "ThisAccount", "Effect": "Allow", "NotAction": "bedrock:*",
         "Resource": [f"arn:aws:*:*:{context.account_id}:*", f"arn:aws:s3:::{context.name_prefix}-*"]},
        {"Sid": "AnthropicModels", "Effect": "Allow", "Action": list(BEDROCK_INVOKE_ACTIONS),
         "Resource": [f"arn:aws:bedrock:{context.region}:{context.account_id}:inference-profile/us.anthropic.*",
                      "arn:aws:bedrock:*::foundation-model/anthropic.*"]},
        {"Sid": "ActionsWithoutResources", "Effect": "Allow", "Action": list(WORKLOAD_UNSCOPED_ACTIONS),
         "Resource": "*"},
        {"Sid": "NoIamWrites", "Effect": "Deny", "Action": list(IAM_WRITES), "Resource": "*"},
        {"Sid": "NotThePulumiState", "Effect": "Deny", "Action": "s3:*",
         "Resource": [_state_bucket_arn(config), f"{_state_bucket_arn(config)}/*"]},
        *isolation_statements(context, environment, config),
    ]
    return aws.iam.Policy(name, name=boundary_name(context),
                          description="The most any role of this stack but the CI roles may do",
                          policy=policy_document(statements), tags=dict(tags), opts=opts)


def bound_workload_roles(context: StackContext, boundary: aws.iam.Policy) -> pulumi.ResourceTransformation:
    """A transformation that puts `boundary` on every role created under it but the CI roles (which
    must write IAM) — one place instead of every component that creates a role."""
    prefix = ci_role_prefix(context)

    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if args.type_ != ROLE_TYPE or str(args.props.get("name", "")).startswith(prefix):
            return None
        return pulumi.ResourceTransformationResult({**args.props, "permissions_boundary": boundary.arn}, args.opts)

    return transform


class GithubCiRoles(pulumi.ComponentResource):
    def __init__(self, name: str, args: GithubCiRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:delivery:GithubCiRoles", name, None, opts)
        self._name = name
        self._args = args
        self._context = args.context
        self._config = args.config
        self._child = pulumi.ResourceOptions(parent=self)
        self.oidc_provider_arn = self._oidc_provider()
        self.deploy_role = self._create_deploy_role()
        self.preview_role = self._create_preview_role()
        self.register_outputs({"deploy_role_arn": self.deploy_role.arn, "preview_role_arn": self.preview_role.arn})

    def _moved(self, suffix: str) -> pulumi.ResourceOptions:
        """Children of the former `hv:delivery:Delivery` "delivery": the alias keeps their URNs."""
        former = pulumi.Alias(name=f"delivery-{suffix}", parent=pulumi.create_urn("delivery", "hv:delivery:Delivery"))
        return pulumi.ResourceOptions(parent=self, aliases=[former])

    def _oidc_provider(self) -> pulumi.Input[str]:
        host = GITHUB_OIDC_URL.removeprefix("https://")
        if not self._config.create_oidc_provider:
            # Account-wide: another stack of this account owns it.
            return f"arn:aws:iam::{self._context.account_id}:oidc-provider/{host}"
        provider = aws.iam.OpenIdConnectProvider(
            f"{self._name}-github-oidc", url=GITHUB_OIDC_URL, client_id_lists=["sts.amazonaws.com"],
            tags=dict(self._args.tags), opts=pulumi.ResourceOptions.merge(
                self._moved("github-oidc"),
                pulumi.ResourceOptions(protect=True)))
        return provider.arn

    def _github_trust(self, subjects: Sequence[str]) -> pulumi.Output[str]:
        host = GITHUB_OIDC_URL.removeprefix("https://")
        return policy_document([{
            "Effect": "Allow", "Principal": {"Federated": self.oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{host}:aud": "sts.amazonaws.com", f"{host}:sub": list(subjects)}},
        }])

    def _subject(self, claim: str) -> str:
        return f"repo:{self._config.infrastructure_repository}:{claim}"

    def _state_statements(self, actions: Sequence[str], key_actions: Sequence[str]) -> list[dict[str, Any]]:
        """This stack's objects of the S3 backend only (state, its backups and history, its lock),
        and this stack's own secrets key."""
        bucket = _state_bucket_arn(self._config)
        own = [f"{bucket}/.pulumi/{kind}/{PROJECT}/{self._args.environment}{suffix}"
               for kind, suffix in (("stacks", ".json*"), ("backups", "/*"), ("history", "/*"), ("locks", "/*"))]
        return [
            {"Sid": "PulumiStateList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
            {"Sid": "PulumiBackendMeta", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": f"{bucket}/.pulumi/meta.yaml"},
            {"Sid": "PulumiState", "Effect": "Allow", "Action": list(actions), "Resource": own},
            {"Sid": "PulumiSecrets", "Effect": "Allow", "Action": list(key_actions),
             "Resource": f"arn:aws:kms:{self._context.region}:{self._context.account_id}:key/*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": self._config.secrets_key_alias}}},
        ]

    def _iam_statements(self) -> list[Mapping[str, Any]]:
        """Roles and policies of this stack, and only within the boundary."""
        context = self._context
        iam = f"arn:aws:iam::{context.account_id}"
        roles, policies = f"{iam}:role/{context.name_prefix}-*", f"{iam}:policy/{context.name_prefix}-*"
        statements: list[Mapping[str, Any]] = [
            {"Sid": "FoundationIamRead", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
             "Resource": [roles, policies]},
            {"Sid": "RolesWithinBoundary", "Effect": "Allow", "Action": list(BOUNDED_ROLE_WRITES), "Resource": roles,
             "Condition": {"StringEquals": {"iam:PermissionsBoundary": self._args.boundary.arn}}},
            {"Sid": "RoleUpkeep", "Effect": "Allow", "Action": list(ROLE_UPKEEP), "Resource": roles},
            {"Sid": "PolicyUpkeep", "Effect": "Allow", "Action": list(POLICY_UPKEEP), "Resource": policies},
            {"Sid": "ServiceLinkedRoles", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
             "Resource": f"{iam}:role/aws-service-role/*"},
            # Only an administrator changes the boundary or the CI roles, and no boundary comes off.
            {"Sid": "KeepBoundaryAndCiRoles", "Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"],
             "Resource": [self._args.boundary.arn, f"{iam}:role/{ci_role_prefix(context)}*"]},
            {"Sid": "KeepBoundaries", "Effect": "Deny", "Action": "iam:DeleteRolePermissionsBoundary",
             "Resource": "*"},
        ]
        if self._config.create_oidc_provider:
            statements.append({"Sid": "GithubOidcProvider", "Effect": "Allow", "Action": "iam:*OpenIDConnectProvider*",
                               "Resource": f"{iam}:oidc-provider/{GITHUB_OIDC_URL.removeprefix('https://')}"})
        return statements

    def _create_deploy_role(self) -> aws.iam.Role:
        args, context = self._args, self._context
        # A job with `environment:` gets this subject whatever its ref (GitHub's OIDC claims).
        claim = f"environment:{self._config.deploy_environment}"
        role = aws.iam.Role(f"{self._name}-deploy-role", name=f"{ci_role_prefix(context)}deploy",
                            assume_role_policy=self._github_trust([self._subject(claim)]), max_session_duration=3600,
                            tags=dict(args.tags), opts=self._moved("deploy-role"))
        # Each service's actions on its own resources of this region and account, and nowhere else.
        statements: list[Mapping[str, Any]] = [
            {"Sid": f"Manage{service.title().replace('-', '')}", "Effect": "Allow", "Action": f"{service}:*",
             "Resource": f"arn:aws:{service}:{context.region}:{context.account_id}:*"}
            for service in REGIONAL_SERVICES
        ]
        statements += [
            # Dashboards are global: their ARNs have no region.
            {"Sid": "Dashboards", "Effect": "Allow", "Action": ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard",
                                                                "cloudwatch:DeleteDashboards"],
             "Resource": [f"arn:aws:cloudwatch::{context.account_id}:dashboard/{context.name_prefix}{suffix}"
                          for suffix in ("", "-*")]},
            {"Sid": "UnscopedActionsInRegion", "Effect": "Allow", "Action": list(UNSCOPED_ACTIONS), "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestedRegion": context.region}}},
            *self._iam_statements(),
            {"Sid": "FoundationBuckets", "Effect": "Allow", "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{context.name_prefix}-*"]},
            {"Sid": "Dns", "Effect": "Allow",
             "Action": ["route53:ChangeResourceRecordSets", "route53:GetHostedZone", "route53:ListResourceRecordSets",
                        "route53:ListTagsForResource"],
             "Resource": pulumi.Output.concat("arn:aws:route53:::hostedzone/", args.zone_id)},
            {"Sid": "DnsLookups", "Effect": "Allow",
             "Action": sorted({"route53:GetChange", "route53:ListHostedZonesByName", *UNSCOPED_LOOKUPS}),
             "Resource": "*"},
            *self._state_statements(("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                                    ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")),
            *isolation_statements(context, args.environment, self._config),
        ]
        aws.iam.RolePolicy(f"{self._name}-deploy-policy", role=role.id, policy=policy_document(statements),
                           opts=self._moved("deploy-policy"))
        return role

    def _create_preview_role(self) -> aws.iam.Role:
        """What `pulumi preview` (no refresh) reads: the state, the secrets key, and what the program
        looks up while it runs (LOOKUP_ACTIONS), the Google client secret. No writes: the S3 backend's
        preview takes no lock. Prod's preview role trusts main only: pull requests preview dev."""
        args, context = self._args, self._context
        subjects = [self._subject(f"ref:refs/heads/{self._config.deploy_branch}")]
        if args.environment != "prod":
            subjects.insert(0, self._subject("pull_request"))
        role = aws.iam.Role(
            f"{self._name}-preview-role", name=f"{ci_role_prefix(context)}preview",
            assume_role_policy=self._github_trust(subjects),
            max_session_duration=3600, tags=dict(args.tags), opts=self._moved("preview-role"))
        statements: list[Mapping[str, Any]] = [
            *self._state_statements(("s3:GetObject",), ("kms:Decrypt",)),
            {"Sid": "ProgramLookups", "Effect": "Allow",
             "Action": sorted({"route53:ListHostedZonesByName", *UNSCOPED_LOOKUPS}), "Resource": "*"},
            {"Sid": "OwnServiceLookups", "Effect": "Allow", "Action": "ecs:DescribeServices",
             "Resource": ecs_service_arn(context, "*")},
            *isolation_statements(context, args.environment, self._config),
        ]
        if args.preview_secret_names:
            statements.append({
                "Sid": "DeployTimeSecrets", "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [f"arn:aws:secretsmanager:{context.region}:{context.account_id}:secret:{name}-??????"
                             for name in args.preview_secret_names]})
        aws.iam.RolePolicy(f"{self._name}-preview-policy", role=role.id, policy=policy_document(statements),
                           opts=self._moved("preview-policy"))
        return role
