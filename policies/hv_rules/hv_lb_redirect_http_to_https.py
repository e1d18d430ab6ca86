"""Security (encryption): plain-HTTP listeners only redirect to HTTPS — their rules included.

A stack rule: a listener rule attached to an HTTP listener could forward traffic in clear even when
the listener's default action redirects, and only the stack shows which listener a rule belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from .conventions import SECURITY
from .resources import LISTENER_RULES, LISTENERS, as_list, linked
from .support import short_name, stack_rule

HTTP = "HTTP"


def is_https_redirect(action: Any) -> bool:
    if not isinstance(action, Mapping) or action.get("type") != "redirect":
        return False
    redirect = action.get("redirect") or {}
    return isinstance(redirect, Mapping) and redirect.get("protocol") == "HTTPS"


def non_redirects(actions: Sequence[Any]) -> list[str]:
    """The types of the actions that do not redirect to HTTPS (an empty list of actions is one)."""
    if not actions:
        return ["(no action)"]
    return [str(action.get("type") if isinstance(action, Mapping) else action)
            for action in actions if not is_https_redirect(action)]


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    rules_of = linked(args.resources, LISTENERS, LISTENER_RULES, "listenerArn")
    for listener in args.resources:
        # Without a protocol, an ALB listener speaks HTTP.
        if listener.resource_type not in LISTENERS or (listener.props.get("protocol") or HTTP) != HTTP:
            continue
        name = short_name(listener.resource_type, listener.name)
        wrong = non_redirects(as_list(listener.props.get("defaultActions")))
        if wrong:
            report_violation(f"{name} serves plain HTTP with default action(s) {', '.join(wrong)}. An HTTP "
                             "listener must only redirect: default_actions=[{type: 'redirect', redirect: "
                             "{protocol: 'HTTPS', port: '443', status_code: 'HTTP_301'}}].", listener.urn)
        for rule in rules_of[listener.urn]:
            wrong = non_redirects(as_list(rule.props.get("actions")))
            if wrong:
                report_violation(f"{short_name(rule.resource_type, rule.name)} on the plain-HTTP {name} "
                                 f"has action(s) {', '.join(wrong)}, serving traffic in clear. Attach the "
                                 "rule to the HTTPS listener.", rule.urn)


policy = stack_rule(
    "hv-lb-redirect-http-to-https",
    kind=SECURITY,
    description="HTTP listeners (and their rules) only redirect to HTTPS.",
    severity=Severity.HIGH,
    remediation_steps="Port 80 listener with a single redirect action (protocol HTTPS, port 443, "
                      "HTTP_301); host/path rules belong on the HTTPS listener.",
    anchors=("checkov:CKV_AWS_2", "checkov:CKV2_AWS_20", "pulumi:aws-alb-listener-disallow-unencrypted-traffic"),
    validate=validate,
)
