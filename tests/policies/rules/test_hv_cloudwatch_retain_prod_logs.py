"""hv-cloudwatch-retain-prod-logs (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from tests.policies.rules.support import Check, by_resource

PROD_RETENTION = "hv-cloudwatch-retain-prod-logs"
LOG_GROUPS = (
    'aws.cloudwatch.LogGroup("quarter-logs", retention_in_days=90, tags=TAGS, opts=opts)\n'
    'aws.cloudwatch.LogGroup("month-logs", retention_in_days=30, tags=TAGS, opts=opts)\n'
    'aws.cloudwatch.LogGroup("forever-logs", tags=TAGS, opts=opts)\n'
)


def test_prod_logs_are_kept_90_days(check: Check) -> None:
    outcome = check(LOG_GROUPS, environment="prod")
    # No retention at all is the mandatory retention rule's finding, not this one's.
    assert by_resource(outcome, PROD_RETENTION) == {"month-logs": [
        "aws:cloudwatch/logGroup:LogGroup 'month-logs' (environment=prod) keeps logs 30 days: investigations "
        "need at least 90. Set retention_in_days=90."]}
    assert list(by_resource(outcome, "hv-cloudwatch-require-log-retention")) == ["forever-logs"]


def test_dev_logs_may_be_kept_shorter(check: Check) -> None:
    outcome = check(LOG_GROUPS, environment="dev")
    assert by_resource(outcome, PROD_RETENTION) == {}
    assert {entry.reason for entry in outcome.not_applicable if entry.policy == PROD_RETENTION} == {
        "environment=dev: 90-day log retention is required in prod only"}

