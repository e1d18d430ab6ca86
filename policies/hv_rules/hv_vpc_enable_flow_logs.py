"""Advisory: every VPC has a flow log (a stack rule: the flow log is its own resource)."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .resources import linked
from .support import ADVISORY, anchor, short_name

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    flow_logs_of = linked(args.resources, [VPC], [FLOW_LOG], "vpcId")
    for vpc in args.resources:
        if vpc.resource_type == VPC and not flow_logs_of[vpc.urn]:
            report_violation(f"{short_name(vpc.resource_type, vpc.name)} has no flow log: rejected and "
                             "accepted connections leave no trace. Add aws.ec2.FlowLog(vpc_id=vpc.id, "
                             "log_destination_type='cloud-watch-logs', …).", vpc.urn)


policy = StackValidationPolicy(
    name="hv-vpc-enable-flow-logs",
    description="Every VPC has a flow log.",
    validate=validate,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation_steps="aws.ec2.FlowLog on the VPC to a CloudWatch log group (dev REJECT 7 d, prod ALL 90 d).",
    tags=[ADVISORY, anchor("cdk-nag:AwsSolutions-VPC7"), anchor("checkov:CKV2_AWS_11")],
)
