"""Advisory: application load balancers drop HTTP headers with invalid names."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import LOAD_BALANCERS, is_true
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS or \
            (args.props.get("loadBalancerType") or "application") != "application":
        return
    if not is_true(args.props.get("dropInvalidHeaderFields")):
        report_violation(f"{short_name(args.resource_type, args.name)} forwards headers with invalid names "
                         "to the services (request smuggling). Set drop_invalid_header_fields=True.")


policy = resource_rule(
    "hv-lb-drop-invalid-headers",
    kind=ADVISORY,
    description="Application load balancers drop invalid HTTP header fields.",
    severity=Severity.MEDIUM,
    remediation_steps="drop_invalid_header_fields=True on the ALB.",
    anchors=("checkov:CKV_AWS_131",),
    validate=validate,
)
