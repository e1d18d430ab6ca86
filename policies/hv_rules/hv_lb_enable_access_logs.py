"""Advisory: load balancers write access logs to S3."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import LOAD_BALANCERS, is_true
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    logs = args.props.get("accessLogs") or {}
    if not (is_true(logs.get("enabled")) and logs.get("bucket")):
        report_violation(f"{short_name(args.resource_type, args.name)} writes no access logs: requests "
                         "cannot be traced after an incident. Set access_logs={'enabled': True, 'bucket': "
                         "<the ALB logs bucket (SSE-S3)>, 'prefix': 'alb'}.")


policy = resource_rule(
    "hv-lb-enable-access-logs",
    kind=ADVISORY,
    description="Load balancers write access logs to S3.",
    severity=Severity.MEDIUM,
    remediation_steps="access_logs to a private SSE-S3 bucket whose policy lets the regional ELB account "
                      "write (prod posture).",
    anchors=("cdk-nag:AwsSolutions-ELB2", "checkov:CKV_AWS_91", "pulumi:aws-alb-loadbalancer-enable-access-logging"),
    validate=validate,
)
