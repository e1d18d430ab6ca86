"""Security (identity): no identity policy allows `*` or `service:*` actions on Resource `*`."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .iam import read_identity_documents
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    documents, problems = read_identity_documents(args.resource_type, args.props)
    for problem in problems:
        report_violation(f"{resource}: {problem}, so its permissions cannot be checked.")
    for document in documents:
        for statement in document.statements:
            if not (statement.allows and statement.on_every_resource):
                continue
            wildcards = statement.wildcard_actions()
            if wildcards:
                what = ("every action" if "*" in wildcards
                        else "every action of " + ", ".join(w.split(":")[0] for w in wildcards))
                report_violation(f"{resource}: {document.where} {statement.label} allows "
                                 f"{', '.join(wildcards)} on Resource '*' ({what}, on everything). Name the "
                                 "actions the workload calls and the ARNs it touches.")
            if statement.not_actions:
                report_violation(f"{resource}: {document.where} {statement.label} allows every action "
                                 f"except {', '.join(statement.not_actions)} (NotAction) on Resource '*'. "
                                 "List the allowed actions instead.")


policy = resource_rule(
    "hv-iam-forbid-wildcard-permissions",
    kind=SECURITY,
    description="No identity policy allows Action '*' or 'service:*' (or NotAction) on Resource '*'.",
    severity=Severity.CRITICAL,
    remediation_steps="Grant the specific actions on the specific resource ARNs (the component grants "
                      "do this per `uses:` entry).",
    anchors=("cdk-nag:AwsSolutions-IAM5", "checkov:CKV_AWS_62", "checkov:CKV_AWS_63", "checkov:CKV2_AWS_40"),
    validate=validate,
)
