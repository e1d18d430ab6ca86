"""A minimal compliant program passes all six contract rules at once (each rule has its own file in rules/)."""

from __future__ import annotations

from tests.policies.conftest import Check

FORBIDDEN = "hv-aws-forbid-out-of-contract-services"
ALLOW_LIST = "hv-aws-allow-contract-services-only"
SERVERS = "hv-ec2-forbid-servers"
REGION = "hv-aws-pin-region"
ACCOUNT = "hv-aws-pin-account"
TAGS = "hv-aws-require-cost-tags"


def test_compliant_program_passes_every_contract_rule(check: Check) -> None:
    outcome = check("""
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", tags=TAGS, opts=opts)
        aws.sqs.Queue("queue", tags=TAGS, opts=opts)
        aws.rds.Instance("pg", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                         tags=TAGS, opts=opts)
        bucket = aws.s3.Bucket("bucket", tags=TAGS, opts=opts)
        aws.s3.BucketPublicAccessBlock("block", bucket=bucket.id, block_public_acls=True, opts=opts)
    """)
    # The fixture is minimal (the security rules have their own tests): no contract rule fires.
    contract = (FORBIDDEN, ALLOW_LIST, SERVERS, REGION, ACCOUNT, TAGS)
    assert [v for v in outcome.violations if v.policy in contract] == []
