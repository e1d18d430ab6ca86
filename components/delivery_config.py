"""The `hv-foundation:delivery` section: application pipelines and the GitHub OIDC CI roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config_reader import REQUIRED, Section

REPOSITORY = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}"
BRANCH = r"[A-Za-z0-9._/-]{1,200}"
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"


@dataclass(frozen=True)
class SourceConfig:
    repository: str
    branch: str


@dataclass(frozen=True)
class DeliveryConfig:
    # Where GitHub Actions deploys this infrastructure from (the deploy role trusts it).
    infrastructure_repository: str
    # Branch allowed to deploy dev; prod deploys only from the GitHub environment of that name.
    deploy_branch: str
    deploy_environment: str
    # The OIDC provider is account-wide: exactly one stack creates it, the others look it up.
    create_oidc_provider: bool
    state_bucket: str
    secrets_key_alias: str
    # Per service: the application repository its pipeline builds.
    sources: Mapping[str, SourceConfig]


def parse_delivery(section: Section, *, environment: str, services: tuple[str, ...],
                   create_oidc_default: bool) -> DeliveryConfig:
    sources: dict[str, SourceConfig] = {}
    for name, source in sorted(section.sections("services").items()):
        if name not in services:
            source.problems.add(source.path, f"is not a service of this stack (allowed: {', '.join(services)})")
        sources[name] = SourceConfig(
            repository=source.string("repository", REQUIRED, pattern=REPOSITORY, allowed_text="owner/name"),
            branch=source.string("branch", "main", pattern=BRANCH, allowed_text="a branch name"))
        source.finish()
    delivery = DeliveryConfig(
        infrastructure_repository=section.string("infrastructureRepository", REQUIRED, pattern=REPOSITORY,
                                                 allowed_text="owner/name"),
        deploy_branch=section.string("deployBranch", "main", pattern=BRANCH, allowed_text="a branch name"),
        deploy_environment=section.string("deployEnvironment", environment, pattern=r"[A-Za-z0-9_-]{1,255}",
                                          allowed_text="a GitHub environment name"),
        create_oidc_provider=section.boolean("createOidcProvider", create_oidc_default),
        state_bucket=section.string("stateBucket", "hv-pulumi-state-891377221201",
                                    pattern=r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", allowed_text="an S3 bucket name"),
        secrets_key_alias=section.string("secretsKeyAlias", "alias/hv-pulumi-secrets",
                                         pattern=r"alias/[A-Za-z0-9/_-]{1,250}", allowed_text="alias/<name>"),
        sources=sources,
    )
    section.finish()
    return delivery
