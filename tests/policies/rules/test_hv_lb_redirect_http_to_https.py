"""hv-lb-redirect-http-to-https through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

HTTP_REDIRECT = "hv-lb-redirect-http-to-https"


def test_http_listeners_and_their_rules_only_redirect(encryption: Any) -> None:
    found = by_resource(encryption, HTTP_REDIRECT)
    # HTTPS listeners and rules on them are out of scope; a redirecting HTTP listener passes.
    assert set(found) == {"http-forward", "http-implicit", "api-on-http"}
    assert found["http-forward"] == [
        "aws:lb/listener:Listener 'http-forward' serves plain HTTP with default action(s) forward. An HTTP "
        "listener must only redirect: default_actions=[{type: 'redirect', redirect: {protocol: 'HTTPS', "
        "port: '443', status_code: 'HTTP_301'}}]."]
    assert found["api-on-http"] == [
        "aws:lb/listenerRule:ListenerRule 'api-on-http' on the plain-HTTP aws:lb/listener:Listener "
        "'http-redirect' has action(s) forward, serving traffic in clear. Attach the rule to the HTTPS "
        "listener."]
