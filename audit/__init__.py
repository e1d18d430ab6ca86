"""hv-foundation audit: a read-only boto3 scan of the live account for contract breaches.

    python -m audit [--regions us-east-2,us-east-1,...|all] [--json FILE] [--costs]
                    [--account ID|any] [--workers N] [--max-attempts N]

Uses the ambient AWS credentials and configuration exactly as boto3 does (AWS_PROFILE,
AWS_ACCESS_KEY_ID/..., SSO, instance roles, AWS_ENDPOINT_URL...): no endpoint is hard-coded.

Regions: the default is **all**: every region `ec2:DescribeRegions` reports as enabled for the
account (falling back to botocore's list of `aws` partition regions if that call is refused).
Breaches outside us-east-2 are exactly what the audit is for, so scanning only the home region
by default would miss them; pass `--regions us-east-2` for a quick home-region check. Global
things (S3 buckets, IAM users, the account's S3 block) are scanned once whatever the regions.

Exit codes: 0 = clean and complete; 1 = findings (even if part of the account could not be
scanned); 2 = could not scan: no or invalid credentials, credentials for another account than
891377221201 (`--account`), nothing at all could be scanned, or no findings but some service
or region was not scanned (access denied, throttled): the audit cannot vouch for what it could
not read. Services AWS does not offer in a region are listed but are not gaps.

`--costs` adds what the account spends (`audit.costs`): Cost Explorer's month-to-date and last
month's cost per pillar and environment next to the pillar budgets, per pillar and service, the
spend carrying no `pillar` tag, and which cost tags are not active yet. Informational: it
changes the exit code only when Cost Explorer or Budgets cannot be read (a gap, as above).

Layers (collect, judge, report): `collect` (boto3 → `models`), `checks` (pure functions over
an `Inventory`), `report_console` / `report_json`, tied together by `engine.scan` and `cli`.
"""
