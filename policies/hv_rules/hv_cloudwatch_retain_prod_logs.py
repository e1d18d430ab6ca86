"""Advisory: prod log groups keep their logs at least 90 days."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import only_in_prod
from .support import resource_rule, short_name

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
MIN_PROD_DAYS = 90


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != LOG_GROUP:
        return
    only_in_prod(args, f"{MIN_PROD_DAYS}-day log retention")
    days = args.props.get("retentionInDays")
    # No retention at all keeps logs forever: hv-cloudwatch-require-log-retention reports that.
    if days and days < MIN_PROD_DAYS:
        report_violation(f"{short_name(args.resource_type, args.name)} (environment=prod) keeps logs "
                         f"{days:g} days: investigations need at least {MIN_PROD_DAYS}. Set "
                         f"retention_in_days={MIN_PROD_DAYS}.")


policy = resource_rule(
    "hv-cloudwatch-retain-prod-logs",
    kind=ADVISORY,
    description=f"Prod log groups keep logs at least {MIN_PROD_DAYS} days.",
    severity=Severity.LOW,
    remediation_steps=f"retention_in_days>={MIN_PROD_DAYS} in prod (the posture default).",
    validate=validate,
)
