"""Security (prod data safety): prod load balancers have deletion protection."""

from __future__ import annotations

import functools

from pulumi_policy import Severity

from .conventions import SECURITY
from .resources import LOAD_BALANCERS, only_in_prod
from .support import require_true, resource_rule

validate = require_true(
    LOAD_BALANCERS, "enableDeletionProtection",
    "(environment=prod) has no deletion protection: deleting it would take every host offline and "
    "change its DNS name. Set enable_deletion_protection=True.",
    applies=functools.partial(only_in_prod, what="load balancer deletion protection"))


policy = resource_rule(
    "hv-lb-protect-prod-load-balancers",
    kind=SECURITY,
    description="Prod load balancers have deletion protection.",
    severity=Severity.MEDIUM,
    remediation_steps="In prod: enable_deletion_protection=True.",
    anchors=("checkov:CKV_AWS_150",),
    validate=validate,
)
