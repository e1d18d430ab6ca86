"""Advisory: roles get customer-managed policies scoped to their resources, not AWS-managed ones."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .iam import attached_policy_arns, aws_managed_policy_name
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for arn in attached_policy_arns(args.resource_type, args.props):
        if aws_managed_policy_name(arn) is not None:
            report_violation(f"{short_name(args.resource_type, args.name)} attaches the AWS-managed {arn}, "
                             "whose actions and resources AWS decides (usually Resource '*'). Write a policy "
                             "naming the actions and ARNs the role needs.")


policy = resource_rule(
    "hv-iam-avoid-aws-managed-policies",
    kind=ADVISORY,
    description="Roles, users and groups attach customer-managed policies, not AWS-managed ones.",
    severity=Severity.LOW,
    remediation_steps="Replace the managed policy with an inline or customer-managed policy scoped to the "
                      "resources of the stack.",
    anchors=("cdk-nag:AwsSolutions-IAM4",),
    validate=validate,
)
