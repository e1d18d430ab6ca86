"""hv-lb-require-tls13-policy through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

TLS13 = "hv-lb-require-tls13-policy"


def test_https_listeners_use_a_tls13_policy(encryption: Any) -> None:
    found = by_resource(encryption, TLS13)
    assert found == {
        "https-2016": ["aws:lb/listener:Listener 'https-2016' (HTTPS) has sslPolicy "
                       "'ELBSecurityPolicy-2016-08'. Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' or a "
                       "newer ELBSecurityPolicy-TLS13-* policy."],
        "https-default": ["aws:lb/listener:Listener 'https-default' (HTTPS) has no sslPolicy (AWS then uses "
                          "ELBSecurityPolicy-2016-08, which accepts TLS 1.0). Set "
                          "ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' or a newer "
                          "ELBSecurityPolicy-TLS13-* policy."]}
