"""Checks as pure functions over hand-built models: no AWS, no moto."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.checks import (
    BUCKET_PUBLIC_ACCESS,
    EC2_INSTANCE,
    EC2_KEY_PAIR,
    FORBIDDEN_SERVICE,
    IAM_USER,
    IAM_USER_ACCESS_KEY,
    OUTSIDE_HOME_REGION,
    PUBLIC_RDS,
    REQUIRED_TAGS,
    SG_OPEN_TO_WORLD,
    check_bucket_public_access,
    check_required_tags,
    check_security_groups,
    interface_managed_by,
    run_checks,
)
from audit.contract import DEFAULT_CONTRACT, Contract
from audit.models import (
    AccessKey,
    AccountPublicAccessBlock,
    AppRunnerService,
    Bucket,
    CacheCluster,
    DbCluster,
    DbInstance,
    EcsCluster,
    EksCluster,
    ElasticIp,
    Finding,
    Function,
    IamUser,
    IngressRule,
    Instance,
    Inventory,
    KeyPair,
    LoadBalancer,
    NetworkInterface,
    PublicAccessBlock,
    ReplicationGroup,
    SearchDomain,
    SecurityGroup,
    Severity,
    StateMachine,
    Table,
    TaggedResource,
    Tags,
)

HOME = "us-east-2"
ACCT = "891377221201"
GOOD_TAGS = Tags({"pillar": "hub-v2", "service": "hub-v2-api", "environment": "prod"})


def findings(**inventory: object) -> tuple[Finding, ...]:
    return run_checks(Inventory(**inventory), DEFAULT_CONTRACT)  # type: ignore[arg-type]


def only(found: tuple[Finding, ...]) -> Finding:
    assert len(found) == 1, found
    return found[0]


def sg(*rules: IngressRule, region: str = HOME) -> SecurityGroup:
    return SecurityGroup(group_id="sg-1", name="web", region=region, rules=rules)


def world(protocol: str, from_port: int | None, to_port: int | None, cidr: str = "0.0.0.0/0") -> IngressRule:
    return IngressRule(protocol=protocol, from_port=from_port, to_port=to_port, cidr=cidr)


def full_block_bucket(name: str = "hv-prod-assets", region: str = HOME) -> Bucket:
    return Bucket(name=name, region=region, public_access_block=PublicAccessBlock.all_on(), tags=GOOD_TAGS)


# --- empty and compliant -------------------------------------------------------------------


def test_an_empty_inventory_has_no_findings() -> None:
    assert findings() == ()


def test_a_compliant_home_region_inventory_has_no_findings() -> None:
    arn = f"arn:aws:dynamodb:{HOME}:{ACCT}:table/hv-prod-rate"
    found = findings(
        tables=(Table(name="hv-prod-rate", arn=arn, region=HOME, tags=GOOD_TAGS),),
        db_instances=(
            DbInstance(
                identifier="hv-prod-pg",
                arn=f"arn:aws:rds:{HOME}:{ACCT}:db:hv-prod-pg",
                region=HOME,
                engine="postgres",
                publicly_accessible=False,
                tags=GOOD_TAGS,
            ),
        ),
        buckets=(full_block_bucket(),),
        security_groups=(sg(world("tcp", 443, 443), world("tcp", 80, 80, "::/0")),),
        tagged_resources=(TaggedResource(arn=arn, region=HOME, tags=GOOD_TAGS),),
    )
    assert found == ()


# --- forbidden services --------------------------------------------------------------------


def test_every_forbidden_service_is_reported_in_any_region() -> None:
    region = "ap-southeast-1"
    found = findings(
        functions=(Function(name="fn", arn="arn:lambda:fn", region=region, runtime="python3.12"),),
        state_machines=(StateMachine(name="sm", arn="arn:states:sm", region=region),),
        apprunner_services=(AppRunnerService(name="svc", arn="arn:apprunner:svc", region=region),),
        eks_clusters=(EksCluster(name="k8s", arn="arn:eks:k8s", region=region),),
        db_clusters=(DbCluster(identifier="au", arn="arn:rds:au", region=region, engine="aurora-mysql"),),
        search_domains=(SearchDomain(name="logs", arn="arn:es:logs", region=region, engine_type="Elasticsearch"),),
    )
    assert {(f.check, f.region, f.resource) for f in found} == {
        (FORBIDDEN_SERVICE, region, arn)
        for arn in ("arn:lambda:fn", "arn:states:sm", "arn:apprunner:svc", "arn:eks:k8s", "arn:rds:au", "arn:es:logs")
    }
    assert all(f.severity is Severity.HIGH for f in found)
    lambda_finding = next(f for f in found if f.resource == "arn:lambda:fn")
    assert 'Lambda function "fn" (python3.12)' in lambda_finding.found
    assert "aws lambda delete-function --region ap-southeast-1 --function-name fn" in lambda_finding.fix


def test_a_postgres_multi_az_cluster_in_the_home_region_is_not_aurora() -> None:
    cluster = DbCluster(identifier="pg", arn="arn:rds:pg", region=HOME, engine="postgres", tags=GOOD_TAGS)
    assert findings(db_clusters=(cluster,)) == ()


def test_aurora_outside_the_home_region_is_reported_once_as_forbidden() -> None:
    cluster = DbCluster(identifier="au", arn="arn:rds:au", region="eu-west-1", engine="aurora-postgresql")
    member = DbInstance(
        identifier="au-1",
        arn="arn:rds:au-1",
        region="eu-west-1",
        engine="aurora-postgresql",
        publicly_accessible=False,
        cluster_identifier="au",
    )
    assert [(f.check, f.resource) for f in findings(db_clusters=(cluster,), db_instances=(member,))] == [
        (FORBIDDEN_SERVICE, "arn:rds:au")
    ]


# --- EC2 -----------------------------------------------------------------------------------


def test_an_instance_is_reported_with_its_type_state_and_key() -> None:
    instance = Instance(
        instance_id="i-1",
        arn="arn:ec2:i-1",
        region=HOME,
        state="stopped",
        instance_type="t3.micro",
        key_name="ops",
        tags=GOOD_TAGS,
    )
    f = only(findings(instances=(instance,)))
    assert (f.check, f.severity, f.resource) == (EC2_INSTANCE, Severity.HIGH, "arn:ec2:i-1")
    assert 't3.micro, stopped, key pair "ops"' in f.found
    assert "terminate-instances --region us-east-2 --instance-ids i-1" in f.fix


def test_a_key_pair_is_a_medium_finding_named_by_its_id() -> None:
    f = only(findings(key_pairs=(KeyPair(name="ops", key_pair_id="key-1", region="us-west-1"),)))
    assert (f.check, f.severity, f.region, f.resource) == (EC2_KEY_PAIR, Severity.MEDIUM, "us-west-1", "key-1")
    assert "delete-key-pair --region us-west-1 --key-name ops" in f.fix


# --- outside the home region ---------------------------------------------------------------


def test_workload_and_data_resources_outside_home_are_each_reported() -> None:
    r = "eu-west-1"
    found = findings(
        ecs_clusters=(EcsCluster(name="c", arn="arn:ecs:c", region=r),),
        db_instances=(
            DbInstance(identifier="d", arn="arn:rds:d", region=r, engine="postgres", publicly_accessible=False),
        ),
        db_clusters=(DbCluster(identifier="mc", arn="arn:rds:mc", region=r, engine="mysql"),),
        tables=(Table(name="t", arn="arn:ddb:t", region=r),),
        cache_clusters=(CacheCluster(cluster_id="cc", arn="arn:ec:cc", region=r),),
        replication_groups=(ReplicationGroup(group_id="rg", arn="arn:ec:rg", region=r),),
        load_balancers=(LoadBalancer(name="lb", arn="arn:elb:lb", region=r, type="application"),),
        buckets=(full_block_bucket("b", region=r),),
    )
    assert {(f.check, f.region, f.resource) for f in found} == {
        (OUTSIDE_HOME_REGION, r, arn)
        for arn in (
            "arn:ecs:c",
            "arn:rds:d",
            "arn:rds:mc",
            "arn:ddb:t",
            "arn:ec:cc",
            "arn:ec:rg",
            "arn:elb:lb",
            "arn:aws:s3:::b",
        )
    }
    table = next(f for f in found if f.resource == "arn:ddb:t")
    assert "only in us-east-2" in table.found
    assert "aws dynamodb delete-table --region eu-west-1 --table-name t" in table.fix


def test_a_replication_group_member_is_reported_through_its_group_only() -> None:
    r = "us-west-2"
    found = findings(
        cache_clusters=(CacheCluster(cluster_id="rg-001", arn="arn:ec:rg-001", region=r, replication_group_id="rg"),),
        replication_groups=(ReplicationGroup(group_id="rg", arn="arn:ec:rg", region=r),),
    )
    assert [f.resource for f in found] == ["arn:ec:rg"]


def test_a_bucket_whose_location_is_unreadable_is_not_placed_anywhere() -> None:
    bucket = Bucket(name="b", region=None, public_access_block=PublicAccessBlock.all_on(), tags=Tags())
    assert findings(buckets=(bucket,)) == ()


# --- tags ----------------------------------------------------------------------------------


def test_missing_tags_are_listed_with_what_is_present() -> None:
    table = Table(name="t", arn="arn:ddb:t", region=HOME, tags=Tags({"pillar": "aws", "environment": " "}))
    f = only(tuple(check_required_tags(Inventory(tables=(table,)), DEFAULT_CONTRACT)))
    assert (f.check, f.severity, f.region, f.resource) == (REQUIRED_TAGS, Severity.LOW, HOME, "arn:ddb:t")
    assert f.found.startswith("missing tags service, environment")
    assert "pillar=aws" in f.found


def test_an_unknown_pillar_is_a_medium_finding_naming_the_four_pillars() -> None:
    tags = Tags({"pillar": "growth", "service": "x", "environment": "dev"})
    cluster = EcsCluster(name="c", arn="arn:ecs:c", region=HOME, tags=tags)
    f = only(findings(ecs_clusters=(cluster,)))
    assert (f.check, f.severity) == (REQUIRED_TAGS, Severity.MEDIUM)
    assert 'pillar "growth" is not one of the four pillars (airtable, aws, clawbot, hub-v2)' in f.found


def test_a_resource_seen_by_both_the_tagging_api_and_a_collector_is_reported_once() -> None:
    arn = "arn:aws:ecs:us-east-2:1:cluster/c"
    found = findings(
        ecs_clusters=(EcsCluster(name="c", arn=arn, region=HOME, tags=Tags({"pillar": "aws"})),),
        tagged_resources=(TaggedResource(arn=arn, region=HOME, tags=Tags({"pillar": "aws"})),),
    )
    assert [(f.check, f.resource) for f in found] == [(REQUIRED_TAGS, arn)]


def test_the_direct_read_of_tags_wins_over_a_stale_tagging_api_answer() -> None:
    arn = "arn:aws:ecs:us-east-2:1:cluster/c"
    found = findings(
        ecs_clusters=(EcsCluster(name="c", arn=arn, region=HOME, tags=GOOD_TAGS),),
        tagged_resources=(TaggedResource(arn=arn, region=HOME, tags=Tags()),),
    )
    assert found == ()


def test_a_tagging_api_only_resource_is_checked() -> None:
    arn = "arn:aws:sqs:us-east-2:1:jobs"
    f = only(findings(tagged_resources=(TaggedResource(arn=arn, region=HOME, tags=Tags({"service": "x"})),)))
    assert (f.check, f.resource) == (REQUIRED_TAGS, arn)
    assert "missing tags pillar, environment" in f.found


def test_resources_outside_home_and_unreadable_tags_are_not_tag_checked() -> None:
    found = findings(
        tables=(Table(name="t", arn="arn:ddb:t", region=HOME, tags=None),),
        load_balancers=(LoadBalancer(name="lb", arn="arn:elb:lb", region="eu-west-1", tags=Tags()),),
    )
    assert [f.check for f in found] == [OUTSIDE_HOME_REGION]


def test_a_bucket_in_another_region_listed_by_the_tagging_api_is_not_tag_checked_at_home() -> None:
    bucket = full_block_bucket("b", region="eu-west-1")
    found = findings(buckets=(bucket,), tagged_resources=(TaggedResource(arn=bucket.arn, region=HOME),))
    assert [f.check for f in found] == [OUTSIDE_HOME_REGION]


# --- RDS -----------------------------------------------------------------------------------


def test_a_publicly_accessible_rds_instance_is_reported() -> None:
    db = DbInstance(
        identifier="pg", arn="arn:rds:pg", region=HOME, engine="postgres", publicly_accessible=True, tags=GOOD_TAGS
    )
    f = only(findings(db_instances=(db,)))
    assert (f.check, f.severity, f.resource) == (PUBLIC_RDS, Severity.HIGH, "arn:rds:pg")
    assert "--no-publicly-accessible" in f.fix


# --- S3 public access ----------------------------------------------------------------------


def bucket_with(block: PublicAccessBlock | None) -> Bucket:
    return Bucket(name="b", region=HOME, public_access_block=block, tags=GOOD_TAGS)


def account_block(block: PublicAccessBlock) -> AccountPublicAccessBlock:
    return AccountPublicAccessBlock(account_id=ACCT, block=block)


def test_a_bucket_without_any_block_is_reported_with_all_four_settings() -> None:
    inv = Inventory(buckets=(bucket_with(PublicAccessBlock.not_configured()),))
    f = only(tuple(check_bucket_public_access(inv, DEFAULT_CONTRACT)))
    assert (f.check, f.region, f.resource) == (BUCKET_PUBLIC_ACCESS, HOME, "arn:aws:s3:::b")
    assert "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets" in f.found
    assert "bucket level: not configured; account level: unreadable" in f.found
    assert "put-public-access-block --bucket b" in f.fix


def test_a_partial_bucket_block_names_only_the_missing_settings() -> None:
    partial = PublicAccessBlock(
        block_public_acls=True, ignore_public_acls=True, block_public_policy=False, restrict_public_buckets=True
    )
    inv = Inventory(
        buckets=(bucket_with(partial),),
        account_public_access_block=account_block(PublicAccessBlock.not_configured()),
    )
    f = only(tuple(check_bucket_public_access(inv, DEFAULT_CONTRACT)))
    assert "not in force for BlockPublicPolicy (" in f.found


def test_an_account_level_block_covers_buckets_without_their_own() -> None:
    inv = Inventory(
        buckets=(bucket_with(PublicAccessBlock.not_configured()), bucket_with(None)),
        account_public_access_block=account_block(PublicAccessBlock.all_on()),
    )
    assert tuple(check_bucket_public_access(inv, DEFAULT_CONTRACT)) == ()


def test_bucket_and_account_settings_combine_setting_by_setting() -> None:
    bucket_half = PublicAccessBlock(
        block_public_acls=True, ignore_public_acls=True, block_public_policy=False, restrict_public_buckets=False
    )
    account_half = PublicAccessBlock(
        block_public_acls=False, ignore_public_acls=False, block_public_policy=True, restrict_public_buckets=True
    )
    inv = Inventory(buckets=(bucket_with(bucket_half),), account_public_access_block=account_block(account_half))
    assert tuple(check_bucket_public_access(inv, DEFAULT_CONTRACT)) == ()


def test_an_unreadable_bucket_block_is_not_guessed() -> None:
    inv = Inventory(buckets=(bucket_with(None),))
    assert tuple(check_bucket_public_access(inv, DEFAULT_CONTRACT)) == ()


# --- security groups -----------------------------------------------------------------------


def sg_findings(*rules: IngressRule) -> tuple[Finding, ...]:
    return tuple(check_security_groups(Inventory(security_groups=(sg(*rules),)), DEFAULT_CONTRACT))


def test_world_open_web_ports_are_allowed() -> None:
    assert sg_findings(world("tcp", 443, 443), world("tcp", 80, 80), world("6", 443, 443, "::/0")) == ()


def test_ssh_open_to_the_world_is_a_high_finding() -> None:
    f = only(sg_findings(world("tcp", 443, 443), world("tcp", 22, 22)))
    assert (f.check, f.severity, f.resource) == (SG_OPEN_TO_WORLD, Severity.HIGH, "sg-1")
    assert f.found.endswith(": tcp 22 from 0.0.0.0/0")
    assert "revoke-security-group-ingress --region us-east-2 --group-id sg-1" in f.fix


def test_all_traffic_from_ipv6_anywhere_is_reported() -> None:
    f = only(sg_findings(world("-1", None, None, "::/0")))
    assert "all traffic from ::/0" in f.found


def test_a_port_range_spanning_80_to_443_is_reported() -> None:
    f = only(sg_findings(world("tcp", 80, 443)))
    assert "tcp 80-443 from 0.0.0.0/0" in f.found


def test_a_non_world_cidr_on_any_port_is_not_reported() -> None:
    assert sg_findings(world("tcp", 22, 22, "10.0.0.0/16"), world("-1", None, None, "0.0.0.0/1")) == ()


def test_world_open_icmp_alone_is_low_severity() -> None:
    f = only(sg_findings(world("icmp", 8, -1)))
    assert (f.severity, f.found.endswith("icmp from 0.0.0.0/0")) == (Severity.LOW, True)


@given(
    protocol=st.sampled_from(["tcp", "udp", "6", "17"]),
    from_port=st.integers(0, 65535),
    width=st.integers(0, 65535),
    cidr=st.sampled_from(["0.0.0.0/0", "::/0"]),
)
def test_a_world_rule_passes_exactly_when_it_opens_only_80_or_only_443(
    protocol: str, from_port: int, width: int, cidr: str
) -> None:
    to_port = min(65535, from_port + width)
    allowed = from_port == to_port and from_port in {80, 443}
    assert (sg_findings(world(protocol, from_port, to_port, cidr)) == ()) is allowed


def test_a_contract_with_other_web_ports_changes_what_is_allowed() -> None:
    contract = Contract(web_ports=frozenset({8443}))
    inv = Inventory(security_groups=(sg(world("tcp", 8443, 8443)),))
    assert tuple(check_security_groups(inv, contract)) == ()
    inv = Inventory(security_groups=(sg(world("tcp", 443, 443)),))
    assert len(tuple(check_security_groups(inv, contract))) == 1


# --- IAM -----------------------------------------------------------------------------------


def test_a_user_with_an_active_key_is_high_and_lists_its_keys() -> None:
    user = IamUser(
        name="ci",
        arn="arn:aws:iam::1:user/ci",
        access_keys=(AccessKey(key_id="AKIA1", status="Active"), AccessKey(key_id="AKIA2", status="Inactive")),
    )
    f = only(findings(iam_users=(user,)))
    assert (f.check, f.severity, f.region) == (IAM_USER_ACCESS_KEY, Severity.HIGH, "global")
    assert "AKIA1 (Active), AKIA2 (Inactive)" in f.found
    assert "delete-access-key --user-name ci" in f.fix


def test_a_user_with_only_inactive_keys_is_medium() -> None:
    user = IamUser(name="old", arn="arn:aws:iam::1:user/old", access_keys=(AccessKey(key_id="K", status="Inactive"),))
    assert only(findings(iam_users=(user,))).severity is Severity.MEDIUM


def test_a_user_without_keys_is_a_low_finding() -> None:
    f = only(findings(iam_users=(IamUser(name="alice", arn="arn:aws:iam::1:user/alice"),)))
    assert (f.check, f.severity) == (IAM_USER, Severity.LOW)


# --- ordering ------------------------------------------------------------------------------


def test_findings_are_sorted_by_severity_then_region() -> None:
    found = findings(
        key_pairs=(KeyPair(name="k", key_pair_id="key-1", region="eu-west-1"),),
        iam_users=(IamUser(name="alice", arn="arn:aws:iam::1:user/alice"),),
        functions=(
            Function(name="b", arn="arn:b", region="us-west-2"),
            Function(name="a", arn="arn:a", region="eu-west-1"),
        ),
    )
    assert [(f.severity, f.region) for f in found] == [
        (Severity.HIGH, "eu-west-1"),
        (Severity.HIGH, "us-west-2"),
        (Severity.MEDIUM, "eu-west-1"),
        (Severity.LOW, "global"),
    ]


@pytest.mark.parametrize(
    ("arn", "tags"),
    [
        ("arn:aws:secretsmanager:us-east-2:1:secret:rds!db-0f1e-AbCdEf", {}),
        ("arn:aws:secretsmanager:us-east-2:1:secret:x-AbCdEf", {"aws:secretsmanager:owningService": "rds"}),
        ("arn:aws:iam::1:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", {}),
        ("arn:aws:ecs:us-east-2:1:task/hv-prod/0123", {"aws:ecs:clusterName": "hv-prod"}),
    ],
)
def test_what_an_aws_service_owns_is_never_flagged_as_untagged(arn: str, tags: dict[str, str]) -> None:
    assert findings(tagged_resources=(TaggedResource(arn=arn, region=HOME, tags=Tags(tags)),)) == ()


def test_a_secret_we_named_is_still_tag_checked() -> None:
    arn = "arn:aws:secretsmanager:us-east-2:1:secret:hv-prod-api-key-AbCdEf"
    assert [f.resource for f in findings(tagged_resources=(TaggedResource(arn=arn, region=HOME),))] == [arn]


def test_a_replication_group_member_is_judged_through_its_group_even_if_the_tagging_api_lists_it() -> None:
    arn = "arn:aws:elasticache:us-east-2:1:cluster:hv-prod-001"
    member = CacheCluster(cluster_id="hv-prod-001", arn=arn, region=HOME, replication_group_id="hv-prod")
    found = findings(cache_clusters=(member,), tagged_resources=(TaggedResource(arn=arn, region=HOME),))
    assert found == ()


def eni(**fields: object) -> NetworkInterface:
    return NetworkInterface(interface_id="eni-1", arn=f"arn:aws:ec2:{HOME}:{ACCT}:network-interface/eni-1",
                            region=HOME, owner_id=ACCT, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "owner"),
    [
        ({"owned_by": "NAT gateway nat-1"}, "NAT gateway nat-1"),
        ({"operator": "ecs.amazonaws.com"}, "ecs.amazonaws.com"),
        ({"interface_type": "natGateway"}, "natGateway"),
        ({"interface_type": "vpc_endpoint"}, "vpc_endpoint"),
        ({"requester_managed": True, "requester_id": "amazon-elb"}, "amazon-elb"),
        ({"attachment_owner": "amazon-rds"}, "amazon-rds"),
        ({"description": "ELB app/hv-prod-alb/50dc6c495c0c9188"}, "Elastic Load Balancing"),
        ({"description": "RDSNetworkInterface"}, "RDS"),
        ({"description": "ElastiCache hv-prod-redis-001"}, "ElastiCache"),
        ({"description": "arn:aws:ecs:us-east-2:891377221201:attachment/0f1e2d3c"}, "ECS (a task's ENI)"),
        ({"attached_instance": "i-1", "device_index": 0, "attachment_owner": ACCT}, "instance i-1"),
    ],
)
def test_an_eni_a_service_or_an_instance_created_is_judged_by_its_owner(fields: dict[str, object], owner: str) -> None:
    assert interface_managed_by(eni(**fields)) == owner
    assert findings(network_interfaces=(eni(**fields),)) == ()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"description": "debugging, delete me"},
        # attached to our instance, but as a second card someone added
        {"attached_instance": "i-1", "device_index": 1, "attachment_owner": ACCT},
        {"interface_type": "efa"},
    ],
)
def test_an_untagged_eni_created_on_its_own_is_flagged(fields: dict[str, object]) -> None:
    assert interface_managed_by(eni(**fields)) is None
    [finding] = findings(network_interfaces=(eni(**fields),))
    assert (finding.check, finding.resource) == (REQUIRED_TAGS, eni().arn)


def test_elastic_ips_are_tag_checked_unless_a_service_manages_them() -> None:
    def eip(allocation_id: str, **fields: object) -> ElasticIp:
        return ElasticIp(allocation_id=allocation_id, arn=f"arn:aws:ec2:{HOME}:{ACCT}:elastic-ip/{allocation_id}",
                         region=HOME, **fields)  # type: ignore[arg-type]

    found = findings(elastic_ips=(eip("eipalloc-1"), eip("eipalloc-2", service_managed="alb"),
                                  eip("eipalloc-3", tags=GOOD_TAGS)))
    assert [f.resource for f in found] == [eip("eipalloc-1").arn]


def test_a_service_eni_the_tagging_api_lists_is_still_judged_by_its_owner() -> None:
    managed = eni(requester_managed=True, requester_id="amazon-elb")
    listed = TaggedResource(arn=managed.arn, region=HOME)
    assert findings(network_interfaces=(managed,), tagged_resources=(listed,)) == ()
