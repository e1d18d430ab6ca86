"""hv-lb-drop-invalid-headers (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

DROP_HEADERS = "hv-lb-drop-invalid-headers"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    # A network load balancer has no HTTP headers to drop.
    assert_flags_at_advisory_level(
        advisory, DROP_HEADERS, {"bare-alb"}, "'bare-alb' forwards headers with invalid names to the services")
