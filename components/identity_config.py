"""The `hv-foundation:identity` section: the Cognito user pool federated with Google."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config_reader import REQUIRED, Section, show
from .naming import secret_name

GOOGLE_CLIENT_ID = r"[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com"
DOMAIN_PREFIX = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
GROUP_NAME = r"[a-z][a-z0-9-]{1,30}"
SCOPE_NAME = r"[a-z][a-z0-9._-]{0,40}"
DEFAULT_GROUPS = ("admin", "operator", "viewer")


@dataclass(frozen=True)
class IdentityConfig:
    google_client_id: str
    # Name of the Secrets Manager secret holding Google's client secret (created at bootstrap).
    google_client_secret_name: str
    domain_prefix: str
    web_service: str
    callback_paths: tuple[str, ...]
    logout_paths: tuple[str, ...]
    extra_callback_urls: tuple[str, ...]
    groups: tuple[str, ...]
    api_scopes: tuple[str, ...]


def parse_identity(section: Section, *, environment: str, services: tuple[str, ...]) -> IdentityConfig:
    groups = section.string_list("groups", DEFAULT_GROUPS)
    for group in groups:
        if not re.fullmatch(GROUP_NAME, group):
            section.problem("groups", f"{show(group)} is not a group name (allowed: lowercase letters, digits, -)")
    if len(set(groups)) != len(groups):
        section.problem("groups", f"{show(list(groups))} names a group twice (group names must be unique)")
    scopes = section.string_list("apiScopes", ("read", "write"))
    for scope in scopes:
        if not re.fullmatch(SCOPE_NAME, scope):
            section.problem("apiScopes", f"{show(scope)} is not a scope name")
    web_service = section.string("webService", "hub-v2-web")
    if web_service not in services:
        section.problem("webService", f"{show(web_service)} is not a service of this stack "
                        f"(allowed: {', '.join(services) or 'none'})")
    extra = section.string_list("extraCallbackUrls")
    for url in extra:
        if not url.startswith("https://"):
            section.problem("extraCallbackUrls", f"{show(url)} is not an https URL (Cognito callbacks must be https)")
    identity = IdentityConfig(
        google_client_id=section.string(
            "googleClientId", REQUIRED, pattern=GOOGLE_CLIENT_ID,
            allowed_text="a Google OAuth client id, <number>-<id>.apps.googleusercontent.com"),
        google_client_secret_name=section.string("googleClientSecretName",
                                                 secret_name(f"hv-{environment}", "identity",
                                                             "google-client-secret"),
                                                 pattern=r"[A-Za-z0-9/_+=.@-]{1,512}",
                                                 allowed_text="a Secrets Manager secret name"),
        domain_prefix=section.string("domainPrefix", f"hv-{environment}-hub", pattern=DOMAIN_PREFIX,
                                     allowed_text="lowercase letters, digits and hyphens"),
        web_service=web_service,
        callback_paths=_paths(section, "callbackPaths", ("/api/auth/callback/cognito",)),
        logout_paths=_paths(section, "logoutPaths", ("/",)),
        extra_callback_urls=extra,
        groups=groups,
        api_scopes=scopes,
    )
    section.finish()
    return identity


def _paths(section: Section, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    paths = section.string_list(key, default)
    for path in paths:
        if not path.startswith("/"):
            section.problem(key, f"{show(path)} is not an absolute path")
    return paths
