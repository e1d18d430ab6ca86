"""Fixtures of the per-rule tests: each shared fixture program runs through the pack once per session."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.rules.advisory_programs import ADVISORY_PROGRAM
from tests.policies.rules.security_programs import ENCRYPTION, EXPOSURE, IDENTITY, OPERABILITY, PROD_DATA, SECRETS
from tests.policies.rules.support import Check, Outcomes, run_once


@pytest.fixture(scope="session")
def outcomes() -> Outcomes:
    """Outcomes of the shared programs by key, so a program many rule files read runs only once."""
    return {}


@pytest.fixture
def exposure(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "exposure", EXPOSURE)


@pytest.fixture
def encryption(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "encryption", ENCRYPTION)


@pytest.fixture
def secrets(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "secrets", SECRETS)


@pytest.fixture
def identity(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "identity", IDENTITY)


@pytest.fixture
def operability(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "operability", OPERABILITY)


@pytest.fixture
def prod_data(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "prod", PROD_DATA, environment="prod")


@pytest.fixture
def dev_data(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "dev", PROD_DATA, environment="dev")


@pytest.fixture
def advisory(check: Check, outcomes: Outcomes) -> Any:
    return run_once(check, outcomes, "advisory", ADVISORY_PROGRAM)
