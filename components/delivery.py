"""Application pipelines: one per service (push → ECR → ECS).

CodeStar connection (GitHub) → CodeBuild (docker build, push a git-SHA tag, write
imagedefinitions.json) → [prod: manual approval] → ECS deploy. The pipeline owns which image a
service runs; Pulumi owns the rest of the task definition and reads the running image back (see
README, "Who owns the task definition"). The GitHub OIDC roles that deploy this infrastructure
are another component (`ci_roles.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .buckets import PrivateBucket, PrivateBucketArgs
from .context import StackContext
from .grants import policy_document, service_trust_policy

BUILD_IMAGES = {"ARM64": ("ARM_CONTAINER", "aws/codebuild/amazonlinux-aarch64-standard:3.0"),
                "X86_64": ("LINUX_CONTAINER", "aws/codebuild/amazonlinux-x86_64-standard:5.0")}
BUILD_TIMEOUT_MINUTES = 30
ECR_PUSH_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                    "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
                    "ecr:UploadLayerPart")
# Until the split into two components, pipelines and CI roles were one `hv:delivery:Delivery`
# named "delivery": the alias keeps every pipeline resource's URN (no replacement on the next up).
FORMER_COMPONENT = pulumi.Alias(type_="hv:delivery:Delivery", name="delivery")
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
class AppPipelinesArgs:
    context: StackContext
    environment: str
    targets: Sequence[PipelineTarget]
    manual_approval: bool
    approval_topic_arn: pulumi.Input[str]
    approval_topic_key_arn: pulumi.Input[str]
    log_retention_days: int
    force_destroy_artifacts: bool
    tags: Mapping[str, str]


class AppPipelines(pulumi.ComponentResource):
    def __init__(self, name: str, args: AppPipelinesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:delivery:AppPipelines", name, None,
                         pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[FORMER_COMPONENT])))
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        context = args.context
        self.connection = aws.codestarconnections.Connection(
            f"{name}-github", name=f"{context.name_prefix}-github", provider_type="GitHub",
            tags=dict(args.tags), opts=self._child)
        self.artifacts = PrivateBucket(f"{name}-artifacts", PrivateBucketArgs(
            bucket_name=f"{context.name_prefix}-pipeline-artifacts-{context.account_id}", versioning=False,
            expire_after_days=30, force_destroy=args.force_destroy_artifacts, tags=args.tags), opts=self._child)
        self.pipelines = {target.name: self._create_pipeline(target) for target in args.targets}
        self.register_outputs({"pipelines": {service: pipeline.name for service, pipeline in self.pipelines.items()}})

    def _tags(self, target: PipelineTarget) -> dict[str, str]:
        return {**self._args.tags, "pillar": target.pillar, "service": target.name}

    # --- application pipelines ------------------------------------------------------------------

    def _create_pipeline(self, target: PipelineTarget) -> aws.codepipeline.Pipeline:
        args, context, prefix = self._args, self._args.context, f"{self._name}-{target.name}"
        project = self._create_build_project(target)
        role = aws.iam.Role(f"{prefix}-pipeline-role", name=f"{context.name_prefix}-{target.name}-pipeline",
                            assume_role_policy=service_trust_policy("codepipeline.amazonaws.com", context.account_id),
                            tags=self._tags(target), opts=self._child)
        service_arn = pulumi.Output.concat(f"arn:aws:ecs:{context.region}:{context.account_id}:service/",
                                           target.cluster_name, "/", target.service_name)
        statements: list[Mapping[str, Any]] = [
            {"Sid": "Artifacts", "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"],
             "Resource": [self.artifacts.bucket.arn, pulumi.Output.concat(self.artifacts.bucket.arn, "/*")]},
            {"Sid": "Source", "Effect": "Allow",
             # The connection's ARN is codestar-connections': codeconnections:UseConnection cannot apply to it.
             "Action": "codestar-connections:UseConnection",
             "Resource": self.connection.arn},
            {"Sid": "Build", "Effect": "Allow", "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
             "Resource": project.arn},
            {"Sid": "DeployService", "Effect": "Allow", "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
             "Resource": service_arn},
            # Task definitions have no resource-level permissions for these calls.
            {"Sid": "DeployTaskDefinition", "Effect": "Allow",
             "Action": ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:TagResource"],
             "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": context.region}}},
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
            f"{prefix}-pipeline", name=f"{context.name_prefix}-{target.name}", pipeline_type="V2",
            execution_mode="QUEUED", role_arn=role.arn,
            artifact_stores=[aws.codepipeline.PipelineArtifactStoreArgs(
                location=self.artifacts.bucket.bucket, type="S3")],
            stages=stages, tags=self._tags(target),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))

    def _create_build_project(self, target: PipelineTarget) -> aws.codebuild.Project:
        args, context, prefix = self._args, self._args.context, f"{self._name}-{target.name}"
        log_group = aws.cloudwatch.LogGroup(
            f"{prefix}-build-logs", name=f"/{context.name_prefix}/codebuild/{target.name}",
            retention_in_days=args.log_retention_days, tags=self._tags(target), opts=self._child)
        role = aws.iam.Role(f"{prefix}-build-role", name=f"{context.name_prefix}-{target.name}-build",
                            assume_role_policy=service_trust_policy("codebuild.amazonaws.com", context.account_id),
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
            f"{prefix}-build", name=f"{context.name_prefix}-{target.name}", service_role=role.arn,
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
