"""Collectors + checks against moto: each test seeds exactly one breach and finds it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

from audit.clients import Client, ClientFactory, SessionClients
from audit.collect import COLLECTORS
from audit.contract import CONTRACT_ACCOUNT_ID as ACCOUNT
from audit.contract import HOME_REGION as HOME
from audit.engine import NOT_OFFERED, ScanOptions, scan
from audit.models import Finding, Report, Severity
from tests.audit.fakes import stub_apprunner

COMPLIANT_TAGS = {"pillar": "aws", "service": "data", "environment": "prod"}

Aws = Callable[..., Client]
Scan = Callable[..., Report]


def aws_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def by_check(report: Report, check: str) -> list[Finding]:
    return [f for f in report.findings if f.check == check]


def role_arn(aws: Aws) -> str:
    trust = {"Version": "2012-10-17", "Statement": []}
    return str(aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


def zipped_handler() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def full_block() -> dict[str, bool]:
    return {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def compliant_bucket(aws: Aws, name: str) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=full_block())
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": aws_tags(COMPLIANT_TAGS)})


def create_table(aws: Aws, name: str, region: str = HOME, tags: dict[str, str] | None = None) -> str:
    response = aws("dynamodb", region).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **({"Tags": aws_tags(tags)} if tags else {}),
    )
    return str(response["TableDescription"]["TableArn"])


# --- clean ---------------------------------------------------------------------------------


def test_an_empty_account_is_clean_and_complete(run_scan: Scan) -> None:
    report = run_scan()
    assert report.findings == ()
    assert report.not_scanned == ()
    assert (report.account, report.regions, report.exit_code) == (ACCOUNT, (HOME,), 0)
    assert report.scanned_units > 0


def test_a_compliant_multi_service_account_has_no_findings(aws: Aws, run_scan: Scan) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    # Pulumi's default_tags tag security groups too; untagged ones are now seen (DescribeSecurityGroups)
    sg_tags = [{"ResourceType": "security-group", "Tags": aws_tags(COMPLIANT_TAGS)}]
    alb_sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc_id, TagSpecifications=sg_tags)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=alb_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            },
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        ],
    )
    db_sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc_id, TagSpecifications=sg_tags)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=db_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": alb_sg}]}
        ],
    )
    aws("elbv2").create_load_balancer(
        Name="hv-prod-alb",
        Subnets=subnets,
        SecurityGroups=[alb_sg],
        Scheme="internet-facing",
        Tags=aws_tags(COMPLIANT_TAGS),
    )
    aws("ecs").create_cluster(clusterName="hv-prod", tags=[{"key": k, "value": v} for k, v in COMPLIANT_TAGS.items()])
    create_table(aws, "hv-prod-rate", tags=COMPLIANT_TAGS)
    aws("rds").create_db_instance(
        DBInstanceIdentifier="hv-prod-pg",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        MasterUsername="hv",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        PubliclyAccessible=False,
        Tags=aws_tags(COMPLIANT_TAGS),
    )
    aws("elasticache").create_cache_cluster(
        CacheClusterId="hv-prod-redis",
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        NumCacheNodes=1,
        Tags=aws_tags(COMPLIANT_TAGS),
    )
    compliant_bucket(aws, "hv-prod-assets")
    aws("sqs").create_queue(QueueName="hv-prod-dlq", tags=COMPLIANT_TAGS)

    report = run_scan()

    assert report.findings == ()
    assert (report.exit_code, report.passed) == (0, True)
    inventory = report.inventory
    assert {len(inventory.load_balancers), len(inventory.ecs_clusters), len(inventory.tables)} == {1}
    assert {len(inventory.db_instances), len(inventory.cache_clusters), len(inventory.buckets)} == {1}
    # the tagging API saw the tagged resources too (including the SQS queue only it knows)
    assert any(":sqs:" in r.arn for r in inventory.tagged_resources)


# --- forbidden services --------------------------------------------------------------------


def test_a_lambda_function_is_a_forbidden_service(aws: Aws, run_scan: Scan) -> None:
    arn = aws("lambda").create_function(
        FunctionName="side-deploy",
        Runtime="python3.12",
        Role=role_arn(aws),
        Handler="handler.handler",
        Code={"ZipFile": zipped_handler()},
    )["FunctionArn"]
    [finding] = by_check(run_scan(), "forbidden-service")
    assert (finding.region, finding.resource, finding.severity) == (HOME, arn, Severity.HIGH)
    assert 'Lambda function "side-deploy" (python3.12)' in finding.found


def test_a_state_machine_is_a_forbidden_service(aws: Aws, run_scan: Scan) -> None:
    definition = json.dumps({"StartAt": "x", "States": {"x": {"Type": "Pass", "End": True}}})
    arn = aws("stepfunctions").create_state_machine(name="flow", definition=definition, roleArn=role_arn(aws))[
        "stateMachineArn"
    ]
    [finding] = by_check(run_scan(), "forbidden-service")
    assert (finding.region, finding.resource) == (HOME, arn)


def test_an_app_runner_service_is_a_forbidden_service(moto: None, run_scan: Scan) -> None:
    factory = stub_apprunner(SessionClients(), {HOME: ["docs-site"]})
    [finding] = by_check(run_scan(factory=factory), "forbidden-service")
    assert finding.region == HOME
    assert finding.resource.startswith(f"arn:aws:apprunner:{HOME}:{ACCOUNT}:service/docs-site/")
    assert 'App Runner service "docs-site"' in finding.found


def test_an_eks_cluster_is_a_forbidden_service(aws: Aws, run_scan: Scan) -> None:
    aws("eks").create_cluster(name="k8s", roleArn=role_arn(aws), resourcesVpcConfig={})
    [finding] = by_check(run_scan(), "forbidden-service")
    assert (finding.region, finding.resource) == (HOME, f"arn:aws:eks:{HOME}:{ACCOUNT}:cluster/k8s")


def test_an_aurora_cluster_is_a_forbidden_service(aws: Aws, run_scan: Scan) -> None:
    arn = aws("rds").create_db_cluster(
        DBClusterIdentifier="legacy",
        Engine="aurora-postgresql",
        MasterUsername="hv",
        MasterUserPassword="not-a-secret-1",
        Tags=aws_tags(COMPLIANT_TAGS),
    )["DBCluster"]["DBClusterArn"]
    [finding] = by_check(run_scan(), "forbidden-service")
    assert (finding.region, finding.resource) == (HOME, arn)
    assert "(aurora-postgresql)" in finding.found


def test_opensearch_and_legacy_elasticsearch_domains_are_forbidden(aws: Aws, run_scan: Scan) -> None:
    aws("opensearch").create_domain(DomainName="search")
    aws("es").create_elasticsearch_domain(DomainName="logs")
    found = by_check(run_scan(), "forbidden-service")
    assert sorted(f.resource for f in found) == [
        f"arn:aws:es:{HOME}:{ACCOUNT}:domain/logs",
        f"arn:aws:es:{HOME}:{ACCOUNT}:domain/search",
    ]
    assert any(f.found.startswith('Elasticsearch domain "logs"') for f in found)


# --- EC2 -----------------------------------------------------------------------------------


def test_a_running_instance_and_a_key_pair_are_reported(aws: Aws, run_scan: Scan) -> None:
    ec2 = aws("ec2")
    key_id = ec2.create_key_pair(KeyName="ops")["KeyPairId"]
    instance_id = ec2.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro", KeyName="ops"
    )["Instances"][0]["InstanceId"]
    report = run_scan()
    [instance] = by_check(report, "ec2-instance")
    assert (instance.region, instance.resource) == (HOME, f"arn:aws:ec2:{HOME}:{ACCOUNT}:instance/{instance_id}")
    assert 't3.micro, running, key pair "ops"' in instance.found
    [key] = by_check(report, "ec2-key-pair")
    assert (key.region, key.resource) == (HOME, key_id)


def test_a_terminated_instance_is_not_reported(aws: Aws, run_scan: Scan) -> None:
    ec2 = aws("ec2")
    instance_id = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[instance_id])
    assert by_check(run_scan(), "ec2-instance") == []


def test_a_security_group_open_to_the_world_on_ssh_is_reported(aws: Aws, run_scan: Scan) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="bastion", Description="x", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        ],
    )
    [finding] = by_check(run_scan(), "sg-open-to-world")
    assert (finding.region, finding.resource, finding.severity) == (HOME, group, Severity.HIGH)
    assert "tcp 22 from 0.0.0.0/0" in finding.found
    assert "all traffic from ::/0" in finding.found
    assert "tcp 443" not in finding.found  # the web port on the same group is fine


# --- outside the home region ---------------------------------------------------------------


def test_a_dynamodb_table_and_a_lambda_in_other_regions_are_found(aws: Aws, run_scan: Scan) -> None:
    table_arn = create_table(aws, "shadow", region="eu-west-1", tags=COMPLIANT_TAGS)
    function_arn = aws("lambda", "us-west-2").create_function(
        FunctionName="cron",
        Runtime="python3.12",
        Role=role_arn(aws),
        Handler="handler.handler",
        Code={"ZipFile": zipped_handler()},
    )["FunctionArn"]
    report = run_scan(HOME, "eu-west-1", "us-west-2")
    assert {(f.check, f.region, f.resource) for f in report.findings} == {
        ("outside-home-region", "eu-west-1", table_arn),
        ("forbidden-service", "us-west-2", function_arn),
    }
    assert report.regions == (HOME, "eu-west-1", "us-west-2")


def test_workloads_outside_home_are_found_per_service(aws: Aws, run_scan: Scan) -> None:
    region = "eu-west-1"
    cluster_arn = aws("ecs", region).create_cluster(clusterName="side")["cluster"]["clusterArn"]
    db_arn = aws("rds", region).create_db_instance(
        DBInstanceIdentifier="side-pg",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        MasterUsername="hv",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
    )["DBInstance"]["DBInstanceArn"]
    cache_arn = aws("elasticache", region).create_cache_cluster(
        CacheClusterId="side-redis", Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheNodes=1
    )["CacheCluster"]["ARN"]
    ec2 = aws("ec2", region)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    lb_arn = aws("elbv2", region).create_load_balancer(Name="side-alb", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    aws("s3", region).create_bucket(Bucket="hv-side-bucket", CreateBucketConfiguration={"LocationConstraint": region})
    aws("s3", region).put_public_access_block(Bucket="hv-side-bucket", PublicAccessBlockConfiguration=full_block())

    report = run_scan(HOME, region)

    assert {(f.region, f.resource) for f in by_check(report, "outside-home-region")} == {
        (region, cluster_arn),
        (region, db_arn),
        (region, cache_arn),
        (region, lb_arn),
        (region, "arn:aws:s3:::hv-side-bucket"),
    }
    assert [f.check for f in report.findings if f.check != "outside-home-region"] == []


def test_a_us_east_1_bucket_is_located_even_when_only_us_east_2_is_scanned(aws: Aws, run_scan: Scan) -> None:
    s3 = aws("s3", "us-east-1")
    s3.create_bucket(Bucket="hv-legacy")
    s3.put_public_access_block(Bucket="hv-legacy", PublicAccessBlockConfiguration=full_block())
    [finding] = run_scan().findings
    assert (finding.check, finding.region, finding.resource) == (
        "outside-home-region",
        "us-east-1",
        "arn:aws:s3:::hv-legacy",
    )


# --- tags ----------------------------------------------------------------------------------


def test_untagged_and_mistagged_home_resources_are_reported_once_each(aws: Aws, run_scan: Scan) -> None:
    untagged = create_table(aws, "untagged")
    mistagged = aws("ecs").create_cluster(
        clusterName="fifth",
        tags=[
            {"key": "pillar", "value": "growth"},
            {"key": "service", "value": "x"},
            {"key": "environment", "value": "dev"},
        ],
    )["cluster"]["clusterArn"]
    queue_url = aws("sqs").create_queue(QueueName="half", tags={"pillar": "aws"})["QueueUrl"]
    queue_arn = aws("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    subnets = [s["SubnetId"] for s in aws("ec2").describe_subnets()["Subnets"]][:2]
    bare_alb = aws("elbv2").create_load_balancer(Name="bare", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    found = {f.resource: f for f in by_check(run_scan(), "required-tags")}
    assert set(found) == {untagged, mistagged, queue_arn, bare_alb}
    assert found[untagged].found.startswith("missing tags pillar, service, environment")
    assert found[mistagged].severity is Severity.MEDIUM
    assert "missing tags service, environment" in found[queue_arn].found
    assert {f.region for f in found.values()} == {HOME}


# --- RDS, S3, IAM --------------------------------------------------------------------------


def test_a_public_rds_instance_is_reported(aws: Aws, run_scan: Scan) -> None:
    arn = aws("rds").create_db_instance(
        DBInstanceIdentifier="open-pg",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        MasterUsername="hv",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        PubliclyAccessible=True,
        Tags=aws_tags(COMPLIANT_TAGS),
    )["DBInstance"]["DBInstanceArn"]
    [finding] = run_scan().findings
    assert (finding.check, finding.region, finding.resource) == ("public-rds", HOME, arn)


def test_a_bucket_with_a_partial_public_access_block_is_reported(aws: Aws, run_scan: Scan) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="hv-reports", CreateBucketConfiguration={"LocationConstraint": HOME})
    s3.put_public_access_block(
        Bucket="hv-reports", PublicAccessBlockConfiguration={**full_block(), "RestrictPublicBuckets": False}
    )
    s3.put_bucket_tagging(Bucket="hv-reports", Tagging={"TagSet": aws_tags(COMPLIANT_TAGS)})
    [finding] = run_scan().findings
    assert (finding.check, finding.region, finding.resource) == (
        "bucket-public-access",
        HOME,
        "arn:aws:s3:::hv-reports",
    )
    assert "not in force for RestrictPublicBuckets (" in finding.found
    assert "account level: not configured" in finding.found


def test_an_account_level_public_access_block_covers_every_bucket(aws: Aws, run_scan: Scan) -> None:
    aws("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=full_block())
    s3 = aws("s3")
    s3.create_bucket(Bucket="hv-docs", CreateBucketConfiguration={"LocationConstraint": HOME})
    s3.put_bucket_tagging(Bucket="hv-docs", Tagging={"TagSet": aws_tags(COMPLIANT_TAGS)})
    report = run_scan()
    assert report.findings == ()
    assert report.inventory.account_public_access_block is not None


def test_iam_users_with_and_without_keys_are_reported(aws: Aws, run_scan: Scan) -> None:
    iam = aws("iam")
    iam.create_user(UserName="ci")
    key = iam.create_access_key(UserName="ci")["AccessKey"]["AccessKeyId"]
    iam.create_user(UserName="breakglass")
    report = run_scan()
    [with_key] = by_check(report, "iam-user-access-key")
    assert (with_key.region, with_key.resource, with_key.severity) == (
        "global",
        f"arn:aws:iam::{ACCOUNT}:user/ci",
        Severity.HIGH,
    )
    assert f"{key} (Active)" in with_key.found
    [without] = by_check(report, "iam-user")
    assert (without.resource, without.severity) == (f"arn:aws:iam::{ACCOUNT}:user/breakglass", Severity.LOW)


# --- regions ---------------------------------------------------------------------------------


def test_all_regions_means_the_enabled_regions_of_the_partition(clients: ClientFactory) -> None:
    # two collectors are enough to see the region plan; every collector on 20 regions is the bench
    collectors = [c for c in COLLECTORS if c.service in {"apprunner", "dynamodb"}]
    report = scan(clients, ScanOptions(regions=None), collectors=collectors)
    assert HOME in report.regions
    assert "eu-west-1" in report.regions
    # moto marks opt-in regions "not-opted-in" and also lists other partitions: both skipped
    assert "ap-east-1" not in report.regions
    assert not any(r.startswith(("cn-", "us-gov-")) for r in report.regions)
    assert report.exit_code == 0
    # App Runner is offered in few regions: the others are listed, but are not gaps
    not_offered = [n for n in report.not_scanned if n.service == "apprunner"]
    assert not_offered
    assert all(n.reason == NOT_OFFERED and not n.gap for n in not_offered)
    assert {n.region for n in not_offered}.isdisjoint({HOME, "eu-west-1", "us-east-1"})


def test_global_resources_are_scanned_whatever_regions_are_chosen(aws: Aws, run_scan: Scan) -> None:
    aws("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=full_block())
    aws("s3", "eu-west-1").create_bucket(
        Bucket="hv-eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    aws("iam").create_user(UserName="breakglass")
    report = run_scan("eu-west-1")
    assert report.regions == ("eu-west-1",)
    # the account-level block was read (no bucket-public-access finding) and IAM was listed
    assert {(f.check, f.region) for f in report.findings} == {
        ("outside-home-region", "eu-west-1"),
        ("iam-user", "global"),
    }


# --- what AWS services own, and what the tagging API never returns ---------------------------


def test_the_secret_rds_manages_is_judged_by_the_instance_not_flagged(aws: Aws, run_scan: Scan) -> None:
    aws("rds").create_db_instance(
        DBInstanceIdentifier="hv-prod-db",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        MasterUsername="hv",
        ManageMasterUserPassword=True,
        AllocatedStorage=20,
        Tags=aws_tags(COMPLIANT_TAGS),
    )
    secrets = aws("secretsmanager").list_secrets()["SecretList"]
    if not any(s["Name"].startswith("rds!") for s in secrets):  # moto versions differ: make it as RDS does
        aws("secretsmanager").create_secret(
            Name="rds!db-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            SecretString="{}",
            Tags=[{"Key": "aws:secretsmanager:owningService", "Value": "rds"}],
        )
    aws("secretsmanager").create_secret(Name="click-ops", SecretString="{}", Tags=[{"Key": "pillar", "Value": "aws"}])
    flagged = [f.resource for f in by_check(run_scan(), "required-tags")]
    assert len(flagged) == 1 and ":secret:click-ops" in flagged[0]


def test_untagged_security_groups_are_read_from_describe_and_the_default_group_is_not(aws: Aws, run_scan: Scan) -> None:
    vpc = aws("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    bare = aws("ec2").create_security_group(GroupName="click-ops", Description="d", VpcId=vpc)["GroupId"]
    tagged = aws("ec2").create_security_group(
        GroupName="ours",
        Description="d",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": aws_tags(COMPLIANT_TAGS)}],
    )["GroupId"]
    found = {f.resource: f for f in by_check(run_scan(), "required-tags")}
    assert set(found) == {f"arn:aws:ec2:{HOME}:{ACCOUNT}:security-group/{bare}"}
    assert found[f"arn:aws:ec2:{HOME}:{ACCOUNT}:security-group/{bare}"].found.startswith("missing tags")
    assert tagged not in " ".join(found)


def test_service_enis_and_eips_are_judged_by_their_owner_and_click_ops_ones_are_flagged(
    aws: Aws, run_scan: Scan
) -> None:
    from moto.ec2.models import ec2_backends

    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    tagged = [{"ResourceType": "elastic-ip", "Tags": aws_tags(COMPLIANT_TAGS)}]
    # What the foundation makes: a NAT gateway on a tagged EIP, an interface endpoint (their ENIs
    # are listed by their owner), and ENIs the ALB, RDS, ElastiCache and ECS create.
    nat_eip = ec2.allocate_address(Domain="vpc", TagSpecifications=tagged)["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=nat_eip)
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{HOME}.ecr.api", VpcEndpointType="Interface",
                            SubnetIds=[subnet])
    for description in ("ELB app/hv-prod-alb/50dc6c495c0c9188", "RDSNetworkInterface", "ElastiCache hv-prod-redis-001",
                        f"arn:aws:ecs:{HOME}:{ACCOUNT}:attachment/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"):
        ec2.create_network_interface(SubnetId=subnet, Description=description)
    # RequesterManaged and InterfaceType are AWS's to set: moto's API cannot, its backend can.
    requester = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    lambda_eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    backend = ec2_backends[ACCOUNT][HOME]
    backend.enis[requester].requester_managed = True
    backend.enis[lambda_eni].interface_type = "lambda"
    # An instance's primary ENI comes with the (tagged) instance.
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
                      TagSpecifications=[{"ResourceType": "instance", "Tags": aws_tags(COMPLIANT_TAGS)}])
    # Click-ops: an ENI and an EIP nobody tagged, and a tagged ENI that is fine.
    bare_eni = ec2.create_network_interface(SubnetId=subnet, Description="debug")["NetworkInterface"][
        "NetworkInterfaceId"]
    ec2.create_network_interface(SubnetId=subnet, TagSpecifications=[
        {"ResourceType": "network-interface", "Tags": aws_tags(COMPLIANT_TAGS)}])
    bare_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]

    report = run_scan()
    assert report.not_scanned == ()
    flagged = {f.resource for f in by_check(report, "required-tags")}
    assert flagged == {f"arn:aws:ec2:{HOME}:{ACCOUNT}:network-interface/{bare_eni}",
                       f"arn:aws:ec2:{HOME}:{ACCOUNT}:elastic-ip/{bare_eip}"}
    assert len(report.inventory.network_interfaces) == 11 and len(report.inventory.elastic_ips) == 2
