"""hv-aws-allow-contract-services-only through the real pack: refusals, passes and near misses."""

from __future__ import annotations

import pytest

from tests.policies.conftest import Check

ALLOW_LIST = "hv-aws-allow-contract-services-only"


@pytest.mark.parametrize(("resource", "expected"), [
    ('aws.lightsail.Bucket("ls", bundle_id="small_1_0", tags=TAGS, opts=opts)',
     "is from AWS service 'lightsail', which is not in the contract"),
    ('aws.cloudformation.Stack("cfn", template_body="{}", tags=TAGS, opts=opts)',
     "is from AWS service 'cloudformation'"),
    ('pulumi.CustomResource("cloudflare:index/record:Record", "dns", {"name": "x"})',
     "comes from the 'cloudflare' provider"),
])
def test_services_outside_the_allow_list_are_refused(check: Check, resource: str, expected: str) -> None:
    (message,) = check(resource).of(ALLOW_LIST)
    assert expected in message


def test_a_local_component_is_not_a_service_whatever_its_package(check: Check) -> None:
    outcome = check("""
        class Site(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("acme:web:Site", name)
                child = pulumi.ResourceOptions(parent=self, provider=provider)
                aws.sqs.Queue("jobs", tags=TAGS, opts=child)
                aws.lightsail.Bucket("media", bundle_id="small_1_0", tags=TAGS, opts=child)
        Site("site")
    """)
    # The component passes; what it creates is judged like any resource.
    (message,) = outcome.of(ALLOW_LIST)
    assert "'media' is from AWS service 'lightsail'" in message


def test_a_remote_component_is_judged_by_its_package(check: Check) -> None:
    outcome = check("""
        pulumi.ComponentResource("acme:web:Site", "site", None, remote=True)
    """)
    (message,) = outcome.of(ALLOW_LIST)
    assert "acme:web:Site 'site' comes from the 'acme' provider" in message


def test_random_and_components_are_neutral(check: Check) -> None:
    outcome = check("""
        import pulumi_random as random
        class Box(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("hv:test:Box", name)
                random.RandomPassword("pw", length=16, opts=pulumi.ResourceOptions(parent=self))
        Box("box")
    """)
    assert outcome.of(ALLOW_LIST) == []
