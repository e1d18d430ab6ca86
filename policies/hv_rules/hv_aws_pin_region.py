"""Contract: everything lives in us-east-2 — every AWS provider and every resource-level region."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import CONTRACT
from .support import CONTRACT_REGION, resource_rule, short_name

AWS_PROVIDERS = ("pulumi:providers:aws", "pulumi:providers:aws-native")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    region = args.props.get("region")
    if args.resource_type in AWS_PROVIDERS:
        if region != CONTRACT_REGION:
            shown = "no region" if region in (None, "") else f"region {region!r}"
            report_violation(f"provider {args.name!r} has {shown}; pin region={CONTRACT_REGION!r} "
                             "(for the default provider: `aws:region: us-east-2` in the stack config).")
    elif args.resource_type.startswith(("aws:", "aws-native:")) and region not in (None, "", CONTRACT_REGION):
        report_violation(f"{resource} overrides region={region!r}; the contract allows only "
                         f"{CONTRACT_REGION}. Remove the `region` argument.")


policy = resource_rule(
    "hv-aws-pin-region",
    kind=CONTRACT,
    description=f"Every AWS provider and every resource is in {CONTRACT_REGION}, the contract's only region.",
    severity=Severity.CRITICAL,
    remediation_steps=f"Pin aws.Provider(region='{CONTRACT_REGION}') and `aws:region: {CONTRACT_REGION}`; "
                      "drop resource-level `region` overrides.",
    validate=validate,
)
