"""The `hv-foundation:ci` section: the GitHub OIDC roles that preview and deploy this stack."""

from __future__ import annotations

from dataclasses import dataclass

from .config_reader import REQUIRED, Section
from .delivery_config import BRANCH, REPOSITORY

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
# Each stack its own key for the Pulumi secrets provider: one stack's CI cannot decrypt another's.
SECRETS_KEY_ALIAS = "alias/hv-pulumi-secrets-{environment}"


@dataclass(frozen=True)
class CiConfig:
    # Where GitHub Actions deploys this infrastructure from (the deploy role trusts it).
    infrastructure_repository: str
    # Branch allowed to deploy dev; prod deploys only from the GitHub environment of that name.
    deploy_branch: str
    deploy_environment: str
    # The OIDC provider is account-wide: exactly one stack creates it, the others look it up.
    create_oidc_provider: bool
    state_bucket: str
    # This stack's own key for the Pulumi secrets provider (awskms://<alias>).
    secrets_key_alias: str


def parse_ci(section: Section, *, environment: str, create_oidc_default: bool) -> CiConfig:
    ci = CiConfig(
        infrastructure_repository=section.string("infrastructureRepository", REQUIRED, pattern=REPOSITORY,
                                                 allowed_text="owner/name"),
        deploy_branch=section.string("deployBranch", "main", pattern=BRANCH, allowed_text="a branch name"),
        deploy_environment=section.string("deployEnvironment", environment, pattern=r"[A-Za-z0-9_-]{1,255}",
                                          allowed_text="a GitHub environment name"),
        create_oidc_provider=section.boolean("createOidcProvider", create_oidc_default),
        state_bucket=section.string("stateBucket", "hv-pulumi-state-891377221201",
                                    pattern=r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", allowed_text="an S3 bucket name"),
        secrets_key_alias=section.string("secretsKeyAlias", SECRETS_KEY_ALIAS.format(environment=environment),
                                         pattern=r"alias/[A-Za-z0-9/_-]{1,250}", allowed_text="alias/<name>"),
    )
    section.finish()
    return ci
