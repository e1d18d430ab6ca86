"""Delivery: a pipeline per service (push → ECR → ECS), and keyless GitHub Actions for this repo.

Application images: CodeStar connection (GitHub) → CodeBuild (docker build, push a git-SHA tag,
write imagedefinitions.json) → [prod: manual approval] → ECS deploy. The pipeline then owns the
task definition's image; Pulumi's service ignores `taskDefinition` (see README, "Who owns the image").

Infrastructure: an IAM OIDC provider for GitHub Actions and, per stack, a deploy role that trusts
only this repository's GitHub environment of the stack's name (the deploy jobs declare it), plus a
read-only preview role: dev's for pull requests and main, prod's for main only (after review), so
nothing a pull request can assume reaches prod. Each stack's roles are denied the other stacks'
resources, state objects and tagged resources. No long-lived keys anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .buckets import PrivateBucket, PrivateBucketArgs
from .delivery_config import GITHUB_OIDC_URL
from .grants import policy_document, service_trust_policy

PROJECT = "hv-foundation"  # the S3 backend keys state by project: .pulumi/stacks/<project>/<stack>.json
STACKS = ("dev", "prod")

BUILD_IMAGES = {"ARM64": ("ARM_CONTAINER", "aws/codebuild/amazonlinux-aarch64-standard:3.0"),
                "X86_64": ("LINUX_CONTAINER", "aws/codebuild/amazonlinux-x86_64-standard:5.0")}
BUILD_TIMEOUT_MINUTES = 30
ECR_PUSH_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                    "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
                    "ecr:UploadLayerPart")
# Services the deploy role manages, in this region and account only (ARN namespace = IAM prefix).
REGIONAL_SERVICES = ("acm", "application-autoscaling", "cloudwatch", "codebuild", "codeconnections",
                     "codepipeline", "codestar-connections", "cognito-idp", "dynamodb", "ec2", "ecr", "ecs",
                     "elasticache", "elasticloadbalancing", "kms", "logs", "rds", "scheduler", "secretsmanager",
                     "sns", "sqs")
# Actions with no resource type: allowed on "*", but only in the contract region.
# (Bedrock appears only here: the deploy role configures invocation logging, it invokes nothing.)
UNSCOPED_ACTIONS = ("acm:RequestCertificate", "application-autoscaling:*ScalableTarget*",
                    "application-autoscaling:*ScalingPolic*", "bedrock:*ModelInvocationLoggingConfiguration",
                    "codestar-connections:CreateConnection", "cognito-idp:CreateUserPool", "ecr:GetAuthorizationToken",
                    "ecs:CreateCluster", "ecs:DeregisterTaskDefinition", "ecs:RegisterTaskDefinition",
                    "kms:CreateKey", "logs:*Delivery*",
                    *(f"{service}:{verb}*" for service in REGIONAL_SERVICES for verb in ("Describe", "List", "Get")))
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
}
UNSCOPED_LOOKUPS = sorted({action for actions in LOOKUP_ACTIONS.values() for action in actions
                           if not action.startswith("secretsmanager:")})
BUILDSPEC = """version: 0.2
phases:
  pre_build:
    commands:
      - REGISTRY="${REPOSITORY_URI%%/*}" && REPOSITORY="${REPOSITORY_URI#*/}"
      - IMAGE_TAG="$CODEBUILD_RESOLVED_SOURCE_VERSION" && IMAGE="$REPOSITORY_URI:$IMAGE_TAG"
      - aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY"
  build:
    commands:
      # Tags are immutable: a commit already built is not built again.
      - |
        if aws ecr describe-images --repository-name "$REPOSITORY" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1
        then echo "image $IMAGE_TAG exists"
        else docker build --platform "$PLATFORM" -t "$IMAGE" . && docker push "$IMAGE"
        fi
  post_build:
    commands:
      - printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$IMAGE" > imagedefinitions.json
artifacts:
  files:
    - imagedefinitions.json
"""


@dataclass(frozen=True)
class PipelineTarget:
    """A service as its pipeline needs it."""

    name: str
    pillar: str
    repository: str
    branch: str
    architecture: str
    ecr_repository_url: pulumi.Input[str]
    ecr_repository_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class DeliveryArgs:
    name_prefix: str
    environment: str
    region: str
    account_id: str
    targets: Sequence[PipelineTarget]
    manual_approval: bool
    approval_topic_arn: pulumi.Input[str]
    approval_topic_key_arn: pulumi.Input[str]
    log_retention_days: int
    force_destroy_artifacts: bool
    infrastructure_repository: str
    deploy_branch: str
    deploy_environment: str
    create_oidc_provider: bool
    state_bucket: str
    secrets_key_alias: str
    zone_id: pulumi.Input[str]
    tags: Mapping[str, str]
    # Secrets the program reads while it runs (e.g. Google's client secret): previews need them too.
    preview_secret_names: Sequence[str] = ()


class Delivery(pulumi.ComponentResource):
    def __init__(self, name: str, args: DeliveryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:delivery:Delivery", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self.pipelines: dict[str, aws.codepipeline.Pipeline] = {}
        if args.targets:
            self.connection = aws.codestarconnections.Connection(
                f"{name}-github", name=f"{args.name_prefix}-github", provider_type="GitHub",
                tags=dict(args.tags), opts=self._child)
            self.artifacts = PrivateBucket(f"{name}-artifacts", PrivateBucketArgs(
                bucket_name=f"{args.name_prefix}-pipeline-artifacts-{args.account_id}", versioning=False,
                expire_after_days=30, force_destroy=args.force_destroy_artifacts, tags=args.tags), opts=self._child)
            for target in args.targets:
                self.pipelines[target.name] = self._create_pipeline(target)
        self.oidc_provider_arn = self._oidc_provider()
        self.deploy_role = self._create_deploy_role()
        self.preview_role = self._create_preview_role()
        self.register_outputs({
            "pipelines": {service: pipeline.name for service, pipeline in self.pipelines.items()},
            "deploy_role_arn": self.deploy_role.arn,
            "preview_role_arn": self.preview_role.arn,
        })

    def _tags(self, target: PipelineTarget) -> dict[str, str]:
        return {**self._args.tags, "pillar": target.pillar, "service": target.name}

    # --- application pipelines ------------------------------------------------------------------

    def _create_pipeline(self, target: PipelineTarget) -> aws.codepipeline.Pipeline:
        args, prefix = self._args, f"{self._name}-{target.name}"
        project = self._create_build_project(target)
        role = aws.iam.Role(f"{prefix}-pipeline-role", name=f"{args.name_prefix}-{target.name}-pipeline",
                            assume_role_policy=service_trust_policy("codepipeline.amazonaws.com", args.account_id),
                            tags=self._tags(target), opts=self._child)
        service_arn = pulumi.Output.concat(f"arn:aws:ecs:{args.region}:{args.account_id}:service/",
                                           target.cluster_name, "/", target.service_name)
        statements: list[Mapping[str, Any]] = [
            {"Sid": "Artifacts", "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"],
             "Resource": [self.artifacts.bucket.arn, pulumi.Output.concat(self.artifacts.bucket.arn, "/*")]},
            {"Sid": "Source", "Effect": "Allow",
             "Action": ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
             "Resource": self.connection.arn},
            {"Sid": "Build", "Effect": "Allow", "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
             "Resource": project.arn},
            {"Sid": "DeployService", "Effect": "Allow", "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
             "Resource": service_arn},
            # Task definitions have no resource-level permissions for these calls.
            {"Sid": "DeployTaskDefinition", "Effect": "Allow",
             "Action": ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:TagResource"],
             "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": args.region}}},
            {"Sid": "PassTaskRoles", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": [target.task_role_arn, target.execution_role_arn],
             "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
        ]
        stages = [
            aws.codepipeline.PipelineStageArgs(name="Source", actions=[aws.codepipeline.PipelineStageActionArgs(
                name="GitHub", category="Source", owner="AWS", provider="CodeStarSourceConnection", version="1",
                output_artifacts=["source"],
                configuration={"ConnectionArn": self.connection.arn, "FullRepositoryId": target.repository,
                               "BranchName": target.branch, "OutputArtifactFormat": "CODE_ZIP",
                               "DetectChanges": "true"})]),
            aws.codepipeline.PipelineStageArgs(name="Build", actions=[aws.codepipeline.PipelineStageActionArgs(
                name="Image", category="Build", owner="AWS", provider="CodeBuild", version="1",
                input_artifacts=["source"], output_artifacts=["image"],
                configuration={"ProjectName": project.name})]),
        ]
        if args.manual_approval:
            statements += [
                {"Sid": "ApprovalNotice", "Effect": "Allow", "Action": "sns:Publish",
                 "Resource": args.approval_topic_arn},
                {"Sid": "ApprovalNoticeKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                 "Resource": args.approval_topic_key_arn},
            ]
            stages.append(aws.codepipeline.PipelineStageArgs(name="Approve", actions=[
                aws.codepipeline.PipelineStageActionArgs(
                    name="Release", category="Approval", owner="AWS", provider="Manual", version="1",
                    configuration={"NotificationArn": args.approval_topic_arn,
                                   "CustomData": f"Deploy {target.name} to {args.environment}?"})]))
        stages.append(aws.codepipeline.PipelineStageArgs(name="Deploy", actions=[
            aws.codepipeline.PipelineStageActionArgs(
                name="Ecs", category="Deploy", owner="AWS", provider="ECS", version="1", input_artifacts=["image"],
                configuration={"ClusterName": target.cluster_name, "ServiceName": target.service_name,
                               "FileName": "imagedefinitions.json", "DeploymentTimeout": "15"})]))
        policy = aws.iam.RolePolicy(f"{prefix}-pipeline-policy", role=role.id, policy=policy_document(statements),
                                    opts=self._child)
        return aws.codepipeline.Pipeline(
            f"{prefix}-pipeline", name=f"{args.name_prefix}-{target.name}", pipeline_type="V2",
            execution_mode="QUEUED", role_arn=role.arn,
            artifact_stores=[aws.codepipeline.PipelineArtifactStoreArgs(
                location=self.artifacts.bucket.bucket, type="S3")],
            stages=stages, tags=self._tags(target),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))

    def _create_build_project(self, target: PipelineTarget) -> aws.codebuild.Project:
        args, prefix = self._args, f"{self._name}-{target.name}"
        log_group = aws.cloudwatch.LogGroup(
            f"{prefix}-build-logs", name=f"/{args.name_prefix}/codebuild/{target.name}",
            retention_in_days=args.log_retention_days, tags=self._tags(target), opts=self._child)
        role = aws.iam.Role(f"{prefix}-build-role", name=f"{args.name_prefix}-{target.name}-build",
                            assume_role_policy=service_trust_policy("codebuild.amazonaws.com", args.account_id),
                            tags=self._tags(target), opts=self._child)
        aws.iam.RolePolicy(f"{prefix}-build-policy", role=role.id, policy=policy_document([
            {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": pulumi.Output.concat(log_group.arn, ":*")},
            {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Sid": "PushOwnImage", "Effect": "Allow", "Action": list(ECR_PUSH_ACTIONS),
             "Resource": target.ecr_repository_arn},
            {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
             "Resource": pulumi.Output.concat(self.artifacts.bucket.arn, "/*")},
        ]), opts=self._child)
        compute_type, image = BUILD_IMAGES[target.architecture]
        platform = "linux/arm64" if target.architecture == "ARM64" else "linux/amd64"
        return aws.codebuild.Project(
            f"{prefix}-build", name=f"{args.name_prefix}-{target.name}", service_role=role.arn,
            build_timeout=BUILD_TIMEOUT_MINUTES,
            source=aws.codebuild.ProjectSourceArgs(type="CODEPIPELINE", buildspec=BUILDSPEC),
            artifacts=aws.codebuild.ProjectArtifactsArgs(type="CODEPIPELINE"),
            environment=aws.codebuild.ProjectEnvironmentArgs(
                type=compute_type, image=image, compute_type="BUILD_GENERAL1_SMALL",
                # Docker builds need the Docker daemon, which needs privileged mode; nothing else does.
                privileged_mode=True, image_pull_credentials_type="CODEBUILD",
                environment_variables=[
                    aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(name="REPOSITORY_URI",
                                                                           value=target.ecr_repository_url),
                    aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(name="CONTAINER_NAME", value=target.name),
                    aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(name="PLATFORM", value=platform),
                ]),
            logs_config=aws.codebuild.ProjectLogsConfigArgs(
                cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(
                    status="ENABLED", group_name=log_group.name),
                s3_logs=aws.codebuild.ProjectLogsConfigS3LogsArgs(status="DISABLED")),
            tags=self._tags(target), opts=self._child)

    # --- infrastructure CI/CD -------------------------------------------------------------------

    def _oidc_provider(self) -> pulumi.Input[str]:
        host = GITHUB_OIDC_URL.removeprefix("https://")
        if not self._args.create_oidc_provider:
            # Account-wide: another stack of this account owns it.
            return f"arn:aws:iam::{self._args.account_id}:oidc-provider/{host}"
        provider = aws.iam.OpenIdConnectProvider(
            f"{self._name}-github-oidc", url=GITHUB_OIDC_URL, client_id_lists=["sts.amazonaws.com"],
            tags=dict(self._args.tags), opts=pulumi.ResourceOptions(parent=self, protect=True))
        return provider.arn

    def _github_trust(self, subjects: Sequence[str]) -> pulumi.Output[str]:
        host = GITHUB_OIDC_URL.removeprefix("https://")
        return policy_document([{
            "Effect": "Allow", "Principal": {"Federated": self.oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{host}:aud": "sts.amazonaws.com", f"{host}:sub": list(subjects)}},
        }])

    def _subject(self, claim: str) -> str:
        return f"repo:{self._args.infrastructure_repository}:{claim}"

    def _state_statements(self, actions: Sequence[str], key_actions: Sequence[str]) -> list[dict[str, Any]]:
        """This stack's objects of the S3 backend only (state, its backups and history, its lock)."""
        args = self._args
        bucket = f"arn:aws:s3:::{args.state_bucket}"
        own = [f"{bucket}/.pulumi/{kind}/{PROJECT}/{args.environment}{suffix}"
               for kind, suffix in (("stacks", ".json*"), ("backups", "/*"), ("history", "/*"), ("locks", "/*"))]
        return [
            {"Sid": "PulumiStateList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
            {"Sid": "PulumiBackendMeta", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": f"{bucket}/.pulumi/meta.yaml"},
            {"Sid": "PulumiState", "Effect": "Allow", "Action": list(actions), "Resource": own},
            {"Sid": "PulumiSecrets", "Effect": "Allow", "Action": list(key_actions),
             "Resource": "*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": args.secrets_key_alias}}},
        ]

    def _isolation(self) -> dict[str, Any]:
        """Explicit Deny of every other stack's named and tagged resources and state objects."""
        args = self._args
        others = [env for env in STACKS if env != args.environment]
        bucket = f"arn:aws:s3:::{args.state_bucket}"
        return {"Sid": "NotOtherStacks", "Effect": "Deny", "Action": "*",
                "Resource": [pattern for env in others for pattern in (
                    f"arn:aws:*:*:*:*{args.name_prefix.removesuffix(args.environment)}{env}*",
                    f"arn:aws:*:*:*:*hv/{env}/*",  # secrets: hv/<env>/<service>/<name>
                    f"{bucket}/.pulumi/*/{PROJECT}/{env}*")]}

    def _other_stacks_tagged(self) -> dict[str, Any]:
        others = [env for env in STACKS if env != self._args.environment]
        return {"Sid": "NotOtherStacksTagged", "Effect": "Deny", "Action": "*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/environment": others}}}

    def _create_deploy_role(self) -> aws.iam.Role:
        args = self._args
        # A job with `environment:` gets this subject whatever its ref (GitHub's OIDC claims).
        claim = f"environment:{args.deploy_environment}"
        role = aws.iam.Role(f"{self._name}-deploy-role", name=f"{args.name_prefix}-github-deploy",
                            assume_role_policy=self._github_trust([self._subject(claim)]), max_session_duration=3600,
                            tags=dict(args.tags), opts=self._child)
        iam = f"arn:aws:iam::{args.account_id}"
        # Each service's actions on its own resources of this region and account, and nowhere else.
        statements: list[Mapping[str, Any]] = [
            {"Sid": f"Manage{service.title().replace('-', '')}", "Effect": "Allow", "Action": f"{service}:*",
             "Resource": f"arn:aws:{service}:{args.region}:{args.account_id}:*"}
            for service in REGIONAL_SERVICES
        ]
        oidc = [f"{iam}:oidc-provider/{GITHUB_OIDC_URL.removeprefix('https://')}"] if args.create_oidc_provider else []
        statements += [
            # Dashboards are global: their ARNs have no region.
            {"Sid": "Dashboards", "Effect": "Allow", "Action": ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard",
                                                                "cloudwatch:DeleteDashboards"],
             "Resource": [f"arn:aws:cloudwatch::{args.account_id}:dashboard/{args.name_prefix}{suffix}"
                          for suffix in ("", "-*")]},
            {"Sid": "UnscopedActionsInRegion", "Effect": "Allow", "Action": list(UNSCOPED_ACTIONS), "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestedRegion": args.region}}},
            {"Sid": "FoundationIam", "Effect": "Allow", "Action": "iam:*",
             "Resource": [f"{iam}:role/{args.name_prefix}-*", f"{iam}:policy/{args.name_prefix}-*", *oidc]},
            {"Sid": "ServiceLinkedRoles", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
             "Resource": f"{iam}:role/aws-service-role/*"},
            {"Sid": "FoundationBuckets", "Effect": "Allow", "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{args.name_prefix}-*"]},
            {"Sid": "Dns", "Effect": "Allow",
             "Action": ["route53:ChangeResourceRecordSets", "route53:GetHostedZone", "route53:ListResourceRecordSets",
                        "route53:ListTagsForResource"],
             "Resource": pulumi.Output.concat("arn:aws:route53:::hostedzone/", args.zone_id)},
            {"Sid": "DnsLookups", "Effect": "Allow",
             "Action": sorted({"route53:GetChange", "route53:ListHostedZonesByName", *UNSCOPED_LOOKUPS}),
             "Resource": "*"},
            *self._state_statements(("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                                    ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")),
            self._isolation(), self._other_stacks_tagged(),
        ]
        aws.iam.RolePolicy(f"{self._name}-deploy-policy", role=role.id, policy=policy_document(statements),
                           opts=self._child)
        return role

    def _create_preview_role(self) -> aws.iam.Role:
        """What `pulumi preview` (no refresh) reads: the state, the secrets key, and what the program
        looks up while it runs (LOOKUP_ACTIONS), the Google client secret. No writes: the S3 backend's
        preview takes no lock. Prod's preview role trusts main only: pull requests preview dev."""
        args = self._args
        subjects = [self._subject(f"ref:refs/heads/{args.deploy_branch}")]
        if args.environment != "prod":
            subjects.insert(0, self._subject("pull_request"))
        role = aws.iam.Role(
            f"{self._name}-preview-role", name=f"{args.name_prefix}-github-preview",
            assume_role_policy=self._github_trust(subjects),
            max_session_duration=3600, tags=dict(args.tags), opts=self._child)
        statements: list[Mapping[str, Any]] = [
            *self._state_statements(("s3:GetObject",), ("kms:Decrypt",)),
            {"Sid": "ProgramLookups", "Effect": "Allow",
             "Action": sorted({"route53:ListHostedZonesByName", *UNSCOPED_LOOKUPS}), "Resource": "*"},
            self._isolation(), self._other_stacks_tagged(),
        ]
        if args.preview_secret_names:
            statements.append({
                "Sid": "DeployTimeSecrets", "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [f"arn:aws:secretsmanager:{args.region}:{args.account_id}:secret:{name}-??????"
                             for name in args.preview_secret_names]})
        aws.iam.RolePolicy(f"{self._name}-preview-policy", role=role.id, policy=policy_document(statements),
                           opts=self._child)
        return role
