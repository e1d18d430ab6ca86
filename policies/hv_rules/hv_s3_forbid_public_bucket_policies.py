"""Security (public exposure): no bucket policy allows anyone (`*`) to act without a condition."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .iam import InvalidDocument, parse_document
from .resources import S3_BUCKETS
from .support import resource_rule, short_name

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in (BUCKET_POLICY, *S3_BUCKETS) or not args.props.get("policy"):
        return
    resource = short_name(args.resource_type, args.name)
    try:
        document = parse_document("policy", args.props.get("policy"))
    except InvalidDocument as error:
        report_violation(f"{resource}: {error}, so it cannot be checked for public access.")
        return
    for statement in document.statements:
        if statement.allows and statement.grants_anyone() and not statement.condition:
            actions = ", ".join(statement.actions or statement.not_actions) or "nothing"
            report_violation(f"{resource}: {statement.label} allows {actions} to any principal ('*') "
                             "without a condition, so anyone on the internet may do it. Name the "
                             "principals, or limit it with a condition (aws:SourceArn, aws:SourceAccount, "
                             "aws:PrincipalOrgID).")


policy = resource_rule(
    "hv-s3-forbid-public-bucket-policies",
    kind=SECURITY,
    description="No S3 bucket policy allows Principal '*' without a condition.",
    severity=Severity.CRITICAL,
    remediation_steps="Grant named principals (a role ARN, a service principal), or keep '*' only with a "
                      "condition such as aws:SourceArn or aws:SourceAccount.",
    anchors=("checkov:CKV_AWS_70",),
    validate=validate,
)
