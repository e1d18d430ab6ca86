from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cidr import plan_subnets

private_vpcs = st.builds(
    lambda base, prefix, offset: str(ipaddress.ip_network(
        (int(ipaddress.IPv4Address(base)) + offset * 2 ** (32 - prefix), prefix))),
    st.sampled_from(["10.0.0.0", "172.16.0.0", "192.168.0.0"]),
    st.integers(min_value=16, max_value=20),
    st.integers(min_value=0, max_value=15),
)


@given(vpc=private_vpcs, az_count=st.integers(min_value=2, max_value=3))
def test_subnets_are_inside_the_vpc_and_never_overlap(vpc: str, az_count: int) -> None:
    plan = plan_subnets(vpc, az_count)
    subnets = [ipaddress.IPv4Network(c) for c in (*plan.public, *plan.private_app, *plan.isolated_data)]
    assert len(subnets) == 3 * az_count
    assert all(subnet.subnet_of(ipaddress.IPv4Network(vpc)) for subnet in subnets)
    for left, right in itertools.combinations(subnets, 2):
        assert not left.overlaps(right), (left, right)


@given(vpc=private_vpcs, az_count=st.integers(min_value=2, max_value=3))
def test_tiers_are_sized_for_their_job(vpc: str, az_count: int) -> None:
    prefix = ipaddress.IPv4Network(vpc).prefixlen
    plan = plan_subnets(vpc, az_count)
    assert {ipaddress.IPv4Network(c).prefixlen for c in plan.private_app} == {prefix + 3}
    assert {ipaddress.IPv4Network(c).prefixlen for c in plan.isolated_data} == {prefix + 5}
    assert {ipaddress.IPv4Network(c).prefixlen for c in plan.public} == {prefix + 6}


@given(vpc=private_vpcs)
def test_adding_an_az_keeps_existing_subnets(vpc: str) -> None:
    two, three = plan_subnets(vpc, 2), plan_subnets(vpc, 3)
    assert three.public[:2] == two.public
    assert three.private_app[:2] == two.private_app
    assert three.isolated_data[:2] == two.isolated_data


def test_plan_for_a_slash_16() -> None:
    plan = plan_subnets("10.20.0.0/16", 2)
    assert plan.private_app == ("10.20.0.0/19", "10.20.32.0/19")
    assert plan.isolated_data == ("10.20.96.0/21", "10.20.104.0/21")
    assert plan.public == ("10.20.120.0/22", "10.20.124.0/22")


@pytest.mark.parametrize("count", [0, 4])
def test_az_count_outside_the_plan_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        plan_subnets("10.20.0.0/16", count)
