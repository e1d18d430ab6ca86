"""Advisory: every VPC's default security group is emptied (no rules), so nothing falls back on it."""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from .conventions import ADVISORY
from .resources import as_list, linked
from .support import short_name, stack_rule

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    groups_of = linked(args.resources, [VPC], [DEFAULT_SECURITY_GROUP], "vpcId")
    for vpc in args.resources:
        if vpc.resource_type != VPC:
            continue
        name = short_name(vpc.resource_type, vpc.name)
        if not groups_of[vpc.urn]:
            report_violation(f"{name} leaves its default security group as AWS creates it (all traffic "
                             "between its members, all egress). Adopt it with aws.ec2.DefaultSecurityGroup("
                             "vpc_id=vpc.id, ingress=[], egress=[]).", vpc.urn)
        for group in groups_of[vpc.urn]:
            if as_list(group.props.get("ingress")) or as_list(group.props.get("egress")):
                report_violation(f"{name}: its default security group {group.name!r} keeps rules. Set "
                                 "ingress=[] and egress=[]; give each workload its own group.", vpc.urn)


policy = stack_rule(
    "hv-vpc-restrict-default-security-group",
    kind=ADVISORY,
    description="Every VPC's default security group has no rules.",
    severity=Severity.MEDIUM,
    remediation_steps="aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[]).",
    anchors=("checkov:CKV2_AWS_12", "cdk-nag:HIPAA.Security-VPCDefaultSecurityGroupClosed"),
    validate=validate,
)
