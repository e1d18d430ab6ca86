"""Security (encryption): HTTPS and TLS listeners use a TLS 1.3 security policy."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import LISTENERS
from .support import resource_rule, short_name

TLS_PROTOCOLS = ("HTTPS", "TLS")
TLS13_FAMILY = "ELBSecurityPolicy-TLS13-"
RECOMMENDED = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in LISTENERS or args.props.get("protocol") not in TLS_PROTOCOLS:
        return
    ssl_policy = args.props.get("sslPolicy")
    if not (isinstance(ssl_policy, str) and ssl_policy.startswith(TLS13_FAMILY)):
        shown = ("no sslPolicy (AWS then uses ELBSecurityPolicy-2016-08, which accepts TLS 1.0)"
                 if not ssl_policy else f"sslPolicy {ssl_policy!r}")
        report_violation(f"{short_name(args.resource_type, args.name)} ({args.props.get('protocol')}) has "
                         f"{shown}. Set ssl_policy={RECOMMENDED!r} or a newer {TLS13_FAMILY}* policy.")


policy = resource_rule(
    "hv-lb-require-tls13-policy",
    kind=SECURITY,
    description="HTTPS/TLS listeners use an ELBSecurityPolicy-TLS13-* security policy (TLS 1.2+).",
    severity=Severity.HIGH,
    remediation_steps=f"ssl_policy='{RECOMMENDED}' (or a newer TLS13 policy) on every HTTPS listener.",
    anchors=("checkov:CKV_AWS_103", "pulumi:aws-alb-listener-configure-secure-tls"),
    validate=validate,
)
