"""Security (operability): ECS services roll back failed deployments (circuit breaker + rollback)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import is_true
from .support import resource_rule, short_name

ECS_SERVICE = "aws:ecs/service:Service"
# The circuit breaker belongs to the ECS rolling-update controller.
ROLLING_UPDATE = "ECS"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ECS_SERVICE:
        return
    controller = (args.props.get("deploymentController") or {}).get("type") or ROLLING_UPDATE
    if controller != ROLLING_UPDATE:
        args.not_applicable(f"deployment controller {controller} does its own rollbacks")
    breaker = args.props.get("deploymentCircuitBreaker") or {}
    resource = short_name(args.resource_type, args.name)
    if not is_true(breaker.get("enable")):
        report_violation(f"{resource} has no deployment circuit breaker: a task that never becomes healthy "
                         "keeps the deployment looping. Set deployment_circuit_breaker={'enable': True, "
                         "'rollback': True}.")
    elif not is_true(breaker.get("rollback")):
        report_violation(f"{resource} enables the circuit breaker without rollback: a failed deployment "
                         "stops but stays on the broken revision. Set deployment_circuit_breaker."
                         "rollback=True.")


policy = resource_rule(
    "hv-ecs-require-circuit-breaker",
    kind=SECURITY,
    description="ECS services enable the deployment circuit breaker with rollback.",
    severity=Severity.MEDIUM,
    remediation_steps="deployment_circuit_breaker={'enable': True, 'rollback': True}.",
    validate=validate,
)
