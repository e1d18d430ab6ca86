"""Advisory: every VPC has a flow log (a stack rule: the flow log is its own resource)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from .conventions import ADVISORY
from .resources import linked
from .support import short_name, stack_rule

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    flow_logs_of = linked(args.resources, [VPC], [FLOW_LOG], "vpcId")
    for vpc in args.resources:
        if vpc.resource_type == VPC and not flow_logs_of[vpc.urn]:
            report_violation(f"{short_name(vpc.resource_type, vpc.name)} has no flow log: rejected and "
                             "accepted connections leave no trace. Add aws.ec2.FlowLog(vpc_id=vpc.id, "
                             "log_destination_type='cloud-watch-logs', …).", vpc.urn)


policy = stack_rule(
    "hv-vpc-enable-flow-logs",
    kind=ADVISORY,
    description="Every VPC has a flow log.",
    severity=Severity.MEDIUM,
    remediation_steps="aws.ec2.FlowLog on the VPC to a CloudWatch log group (dev REJECT 7 d, prod ALL 90 d).",
    anchors=("cdk-nag:AwsSolutions-VPC7", "checkov:CKV2_AWS_11"),
    validate=validate,
)
