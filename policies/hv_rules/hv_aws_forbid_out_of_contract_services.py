"""Contract: Lambda, Step Functions, App Runner, EKS, OpenSearch/Elasticsearch and Aurora are out."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import CONTRACT
from .support import package_and_module, resource_rule, short_name

# Modules of the AWS providers (aws, aws-native) whose every resource is out of contract.
FORBIDDEN_MODULES = {
    "lambda": "Lambda", "sfn": "Step Functions", "apprunner": "App Runner", "eks": "EKS",
    "opensearch": "OpenSearch", "opensearchserverless": "OpenSearch Serverless",
    "opensearchingest": "OpenSearch Ingestion", "elasticsearch": "Elasticsearch",
    "stepfunctions": "Step Functions",
}
# Whole packages that only exist to run a forbidden service.
FORBIDDEN_PACKAGES = {"eks": "EKS (pulumi-eks)"}
# RDS resources that are Aurora when their engine says so.
AURORA_CAPABLE = ("aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance",
                  "aws:rds/globalCluster:GlobalCluster", "aws:rds/instance:Instance")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    package, module = package_and_module(args.resource_type)
    resource = short_name(args.resource_type, args.name)
    if package in FORBIDDEN_PACKAGES:
        report_violation(f"{resource} is {FORBIDDEN_PACKAGES[package]}, which the foundation "
                         "contract excludes. Run the workload on ECS Fargate instead.")
    elif package in ("aws", "aws-native") and module in FORBIDDEN_MODULES:
        report_violation(f"{resource} is {FORBIDDEN_MODULES[module]}, which the foundation contract "
                         "excludes. Long-lived processes run on ECS Fargate, schedules in NestJS "
                         "@Cron (EventBridge + SQS on the shelf); adding a service is a discussion.")
    elif args.resource_type in AURORA_CAPABLE:
        engine = args.props.get("engine")
        if isinstance(engine, str) and engine.startswith("aurora"):
            report_violation(f"{resource} uses engine {engine!r}: Aurora is out of contract. "
                             "Use RDS for PostgreSQL (aws.rds.Instance, engine 'postgres').")


policy = resource_rule(
    "hv-aws-forbid-out-of-contract-services",
    kind=CONTRACT,
    description="Lambda, Step Functions, App Runner, EKS, OpenSearch/Elasticsearch and Aurora are "
                "not in the foundation contract.",
    severity=Severity.CRITICAL,
    remediation_steps="Remove the resource; run compute on ECS Fargate and relational data on RDS "
                      "PostgreSQL. A new service needs a discovery doc, not a pull request.",
    validate=validate,
)
