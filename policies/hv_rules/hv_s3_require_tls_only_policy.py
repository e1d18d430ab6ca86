"""Advisory: every bucket's policy denies requests not made over TLS (aws:SecureTransport=false)."""

from __future__ import annotations

from typing import Any

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from .conventions import ADVISORY
from .iam import InvalidDocument, Statement, parse_document
from .resources import S3_BUCKETS, linked
from .support import short_name, stack_rule

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ALL_S3_ACTIONS = ("s3:*", "*")


def denies_plain_http(statement: Statement) -> bool:
    return (statement.effect == "Deny" and statement.grants_anyone()
            and any(action in ALL_S3_ACTIONS for action in statement.actions)
            and [str(v).lower() for v in statement.condition_value("Bool", "aws:SecureTransport")] == ["false"])


def is_tls_only(policy_document: Any) -> bool:
    try:
        return any(denies_plain_http(s) for s in parse_document("policy", policy_document).statements)
    except InvalidDocument:
        return False


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    policies_of = linked(args.resources, S3_BUCKETS, [BUCKET_POLICY], "bucket")
    for bucket in args.resources:
        if bucket.resource_type not in S3_BUCKETS:
            continue
        documents = [p.props.get("policy") for p in policies_of[bucket.urn]]
        if bucket.props.get("policy"):
            documents.append(bucket.props.get("policy"))
        if not any(is_tls_only(document) for document in documents):
            report_violation(f"{short_name(bucket.resource_type, bucket.name)} accepts plain-HTTP requests: "
                             "no bucket policy denies aws:SecureTransport=false. Add a statement "
                             "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: [bucket, bucket/*], "
                             "Condition: {Bool: {aws:SecureTransport: 'false'}}}.", bucket.urn)


policy = stack_rule(
    "hv-s3-require-tls-only-policy",
    kind=ADVISORY,
    description="Every S3 bucket has a policy denying requests without TLS.",
    severity=Severity.MEDIUM,
    remediation_steps="A BucketPolicy with a Deny of s3:* to '*' when aws:SecureTransport is false.",
    anchors=("cdk-nag:AwsSolutions-S10", "checkov:CKV_AWS_379"),
    validate=validate,
)
