"""Contract: one account — every AWS provider allows exactly 891377221201 and holds no static keys."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import CONTRACT, decoded
from .support import CONTRACT_ACCOUNT_ID, resource_rule

AWS_PROVIDERS = ("pulumi:providers:aws",)
STATIC_CREDENTIALS = ("accessKey", "secretKey", "token")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in AWS_PROVIDERS:
        return
    accounts = decoded(args.props.get("allowedAccountIds"))
    if accounts != [CONTRACT_ACCOUNT_ID]:
        shown = "no allowedAccountIds" if accounts in (None, "", []) else f"allowedAccountIds={accounts}"
        report_violation(f"provider {args.name!r} has {shown}; pin allowedAccountIds="
                         f"['{CONTRACT_ACCOUNT_ID}'] (for the default provider: "
                         f"`aws:allowedAccountIds: [\"{CONTRACT_ACCOUNT_ID}\"]`).")
    for key in STATIC_CREDENTIALS:
        if args.props.get(key):
            report_violation(f"provider {args.name!r} sets {key}: static credentials are shared keys. "
                             "Use an IAM role (GitHub OIDC in CI, SSO locally).")


policy = resource_rule(
    "hv-aws-pin-account",
    kind=CONTRACT,
    description=f"Every AWS provider is pinned to account {CONTRACT_ACCOUNT_ID} and carries no static keys.",
    severity=Severity.CRITICAL,
    remediation_steps=f"Set allowed_account_ids=['{CONTRACT_ACCOUNT_ID}'] on the provider and remove "
                      "access keys from its configuration.",
    validate=validate,
)
