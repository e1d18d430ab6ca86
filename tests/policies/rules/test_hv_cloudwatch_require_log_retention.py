"""hv-cloudwatch-require-log-retention through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

LOG_RETENTION = "hv-cloudwatch-require-log-retention"


def test_log_groups_have_a_retention(operability: Any) -> None:
    assert by_resource(operability, LOG_RETENTION) == {"forever-logs": [
        "aws:cloudwatch/logGroup:LogGroup 'forever-logs' has no retentionInDays: its logs are kept (and "
        "billed) forever. Set retention_in_days (dev 14, prod 90)."]}
