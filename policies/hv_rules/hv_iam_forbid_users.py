"""Security (identity): no IAM users and no long-lived access keys."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .support import resource_rule, short_name

USER_CREDENTIALS = {
    "aws:iam/user:User": "an IAM user",
    "aws:iam/accessKey:AccessKey": "a long-lived access key",
    "aws:iam/userLoginProfile:UserLoginProfile": "a console password for an IAM user",
    "aws:iam/sshKey:SshKey": "an SSH key of an IAM user",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "a service credential of an IAM user",
    "aws:iam/signingCertificate:SigningCertificate": "a signing certificate of an IAM user",
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type in USER_CREDENTIALS:
        report_violation(f"{short_name(args.resource_type, args.name)} is "
                         f"{USER_CREDENTIALS[args.resource_type]}. People sign in through SSO, workloads "
                         "use IAM roles, CI assumes the GitHub OIDC deploy role: remove it.")


policy = resource_rule(
    "hv-iam-forbid-users",
    kind=SECURITY,
    description="No IAM users, access keys or other user credentials.",
    severity=Severity.CRITICAL,
    remediation_steps="Use IAM Identity Center for people, task roles for services and the GitHub OIDC "
                      "role for CI.",
    anchors=("checkov:CKV_AWS_273",),
    validate=validate,
)
