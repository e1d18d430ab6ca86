"""hv-lb-protect-prod-load-balancers through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

PROD_LB = "hv-lb-protect-prod-load-balancers"


def test_prod_load_balancers_have_deletion_protection(prod_data: Any) -> None:
    assert by_resource(prod_data, PROD_LB) == {"deletable-alb": [
        "aws:lb/loadBalancer:LoadBalancer 'deletable-alb' (environment=prod) has no deletion protection: "
        "deleting it would take every host offline and change its DNS name. Set "
        "enable_deletion_protection=True."]}
