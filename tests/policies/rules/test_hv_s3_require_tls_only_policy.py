"""hv-s3-require-tls-only-policy (advisory) through the real pack: what it flags and what passes."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.advisory_programs import assert_flags_at_advisory_level

TLS_ONLY = "hv-s3-require-tls-only-policy"


def test_flags_what_it_should_at_advisory_level(advisory: Any) -> None:
    assert_flags_at_advisory_level(
        advisory, TLS_ONLY, {"no-policy", "allow-only"},
        "aws:s3/bucket:Bucket 'no-policy' accepts plain-HTTP requests: no bucket policy denies "
        "aws:SecureTransport=false.")
