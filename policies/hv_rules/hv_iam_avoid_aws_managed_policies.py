"""Advisory: roles get customer-managed policies scoped to their resources, not AWS-managed ones."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .iam import attached_policy_arns, aws_managed_policy_name
from .support import ADVISORY, anchor, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for arn in attached_policy_arns(args.resource_type, args.props):
        if aws_managed_policy_name(arn) is not None:
            report_violation(f"{short_name(args.resource_type, args.name)} attaches the AWS-managed {arn}, "
                             "whose actions and resources AWS decides (usually Resource '*'). Write a policy "
                             "naming the actions and ARNs the role needs.")


policy = ResourceValidationPolicy(
    name="hv-iam-avoid-aws-managed-policies",
    description="Roles, users and groups attach customer-managed policies, not AWS-managed ones.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    remediation_steps="Replace the managed policy with an inline or customer-managed policy scoped to the "
                      "resources of the stack.",
    tags=[ADVISORY, anchor("cdk-nag:AwsSolutions-IAM4")],
)
