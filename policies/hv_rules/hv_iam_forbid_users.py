"""Security (identity): no IAM users and no long-lived access keys."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .exceptions import EXCEPTIONS_SCHEMA, with_exceptions
from .support import SECURITY, anchor, short_name

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


policy = ResourceValidationPolicy(
    name="hv-iam-forbid-users",
    description="No IAM users, access keys or other user credentials.",
    validate=with_exceptions(validate),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps="Use IAM Identity Center for people, task roles for services and the GitHub OIDC "
                      "role for CI.",
    tags=[SECURITY, anchor("checkov:CKV_AWS_273")],
    config_schema=EXCEPTIONS_SCHEMA,
)
