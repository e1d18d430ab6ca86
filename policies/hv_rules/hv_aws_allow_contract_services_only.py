"""Contract: every resource, and every remote component's package, belongs to a service of the contract's list."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import CONTRACT
from .support import package_and_module, resource_rule, short_name

# pulumi-aws modules of the contract's services (ec2 and vpc for networking only: servers are
# refused by hv-ec2-forbid-servers; sns only feeds alarms; kms and bedrock logging for posture;
# budgets and costexplorer keep the contract's promise of cost attribution per pillar).
CONTRACT_MODULES = frozenset({
    "ec2", "vpc", "ecs", "ecr", "lb", "alb", "rds", "dynamodb", "elasticache", "secretsmanager",
    "cloudwatch", "s3", "route53", "acm", "iam", "cognito", "codepipeline", "codebuild",
    "codestarconnections", "codeconnections", "scheduler", "sqs", "appautoscaling", "sns", "kms",
    "bedrock", "bedrockmodel", "budgets", "costexplorer",
})
# Packages that create no cloud resources of their own.
NEUTRAL_PACKAGES = frozenset({"pulumi", "random"})
# Out-of-contract services with a rule of their own, so they are not reported twice.
REPORTED_ELSEWHERE = frozenset({"lambda", "sfn", "apprunner", "eks", "opensearch", "opensearchserverless",
                                "opensearchingest", "elasticsearch", "stepfunctions", "autoscaling"})


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.provider is None:
        # A local component: a grouping in the program, not a service (whatever its package, e.g.
        # `acme:web:Site`); the engine sends a provider with every custom resource and remote
        # component, and those are judged, the component's children included.
        return
    package, module = package_and_module(args.resource_type)
    if package in NEUTRAL_PACKAGES:
        return
    resource = short_name(args.resource_type, args.name)
    if package not in ("aws", "aws-native"):
        report_violation(f"{resource} comes from the {package!r} provider: the foundation runs on "
                         "AWS alone (plus Airtable, outside Pulumi). A new provider is a fifth pillar.")
    elif module not in CONTRACT_MODULES and module not in REPORTED_ELSEWHERE:
        report_violation(f"{resource} is from AWS service {module!r}, which is not in the contract "
                         f"(allowed: {', '.join(sorted(CONTRACT_MODULES))}). If it is really needed, "
                         "write a discovery doc first.")


policy = resource_rule(
    "hv-aws-allow-contract-services-only",
    kind=CONTRACT,
    description="Every resource belongs to an AWS service of the foundation contract.",
    severity=Severity.HIGH,
    remediation_steps="Build the capability from contract services (ECS Fargate, ALB, RDS, DynamoDB, "
                      "ElastiCache, S3, Secrets Manager, CloudWatch, Cognito, CodePipeline, Bedrock…).",
    validate=validate,
)
