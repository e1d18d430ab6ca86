"""Advisory: RDS databases enable Performance Insights."""

from __future__ import annotations

from pulumi_policy import Severity

from .conventions import ADVISORY
from .resources import RDS_CLUSTERS, RDS_INSTANCES
from .support import require_true, resource_rule

validate = require_true(
    (*RDS_INSTANCES, *RDS_CLUSTERS), "performanceInsightsEnabled",
    "has Performance Insights off: slow queries and waits go unseen. Set "
    "performance_insights_enabled=True (7 days are free).")


policy = resource_rule(
    "hv-rds-enable-performance-insights",
    kind=ADVISORY,
    description="RDS instances and clusters enable Performance Insights.",
    severity=Severity.LOW,
    remediation_steps="performance_insights_enabled=True (prod posture).",
    anchors=("checkov:CKV_AWS_353", "pulumi:aws-rds-instance-performance-insights-enabled"),
    validate=validate,
)
