"""The one explicit AWS provider every component inherits."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .naming import default_tags


def contract_provider(config: StackConfig) -> aws.Provider:
    """Pinned to the contract's region and account; stamps the default tags on everything."""
    return aws.Provider(
        f"aws-{config.aws.region}",
        region=config.aws.region,
        allowed_account_ids=[config.aws.account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags(config.environment)),
        opts=pulumi.ResourceOptions(),
    )
