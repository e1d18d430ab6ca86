from __future__ import annotations

import json
from typing import Any

import pytest

from preflight.model import Inventory

SUFFIX = {"dev": "dev.happen.ventures", "prod": "happen.ventures"}



def app_container(inventory: Inventory, service: str) -> dict[str, Any]:
    definitions = json.loads(inventory.named(f"{service}-task").inputs["containerDefinitions"])
    container: dict[str, Any] = next(c for c in definitions if c["name"] == service)
    return container


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_user_pool_is_admin_create_only_with_email_identity(request: pytest.FixtureRequest, name: str) -> None:
    pool = request.getfixturevalue(name).named("identity-pool").inputs
    assert pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    assert pool["usernameAttributes"] == ["email"]
    (email,) = pool["schemas"]
    assert email["name"] == "email" and email["mutable"] is True


@pytest.mark.parametrize(("name", "protection"), [("dev", "INACTIVE"), ("prod", "ACTIVE")])
def test_pool_deletion_protection(request: pytest.FixtureRequest, name: str, protection: str) -> None:
    pool = request.getfixturevalue(name).named("identity-pool")
    assert pool.inputs["deletionProtection"] == protection
    assert pool.options["protect"] is (name == "prod")


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_hosted_ui_is_a_prefix_domain(request: pytest.FixtureRequest, name: str) -> None:
    domain = request.getfixturevalue(name).named("identity-domain").inputs
    assert domain["domain"] == f"hv-{name}-hub"
    assert "certificateArn" not in domain


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_groups(request: pytest.FixtureRequest, name: str) -> None:
    groups = request.getfixturevalue(name).of_type("aws:cognito/userGroup:UserGroup")
    assert [g.inputs["name"] for g in groups] == ["admin", "operator", "viewer"]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_google_provider(request: pytest.FixtureRequest, name: str) -> None:
    google = request.getfixturevalue(name).named("identity-google").inputs
    assert google["providerType"] == "Google" and google["providerName"] == "Google"
    details = google["providerDetails"]
    assert details["authorize_scopes"] == "openid email profile"
    assert details["client_id"].endswith(".apps.googleusercontent.com")
    assert details["client_secret"] == "[secret]"
    # The keys Cognito adds for Google are declared, so there is no perpetual diff.
    assert details["oidc_issuer"] == "https://accounts.google.com"
    assert google["attributeMapping"] == {"email": "email", "email_verified": "email_verified", "name": "name",
                                          "username": "sub"}


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_web_client_is_public_code_flow_with_google_only(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    client = inventory.named("identity-web-client")
    assert client.inputs["generateSecret"] is False
    assert client.inputs["allowedOauthFlows"] == ["code"]
    assert client.inputs["supportedIdentityProviders"] == ["Google"]
    assert client.inputs["callbackUrls"] == [f"https://hub.{SUFFIX[name]}/api/auth/callback/cognito"]
    assert client.inputs["logoutUrls"] == [f"https://hub.{SUFFIX[name]}/"]
    assert inventory.named("identity-google").urn in client.options["dependsOn"]


def test_resource_server_and_m2m_client(dev: Inventory) -> None:
    server = dev.named("identity-resource-server").inputs
    assert server["identifier"] == "hub-api"
    assert [s["scopeName"] for s in server["scopes"]] == ["read", "write"]
    m2m = dev.named("identity-clawbot-client").inputs
    assert m2m["generateSecret"] is True and m2m["allowedOauthFlows"] == ["client_credentials"]
    assert m2m["allowedOauthScopes"] == ["hub-api/read", "hub-api/write"]


def test_m2m_secret_is_readable_only_by_clawbot(dev: Inventory) -> None:
    secret_arn = dev.named("identity-clawbot-client-secret").outputs["arn"]
    value = dev.named("identity-clawbot-client-secret-value").inputs
    assert value["secretString"] == "[secret]"
    for service in ("hub-v2-api", "hub-v2-web", "clawbot"):
        policy = json.loads(dev.named(f"{service}-execution-policy").inputs["policy"])
        readable = {arn for s in policy["Statement"] if s["Sid"] == "ReadOwnSecrets" for arn in s["Resource"]}
        assert (secret_arn in readable) is (service == "clawbot"), service
    secrets = {s["name"]: s["valueFrom"] for s in app_container(dev, "clawbot")["secrets"]}
    assert secrets["COGNITO_M2M_CREDENTIALS"] == secret_arn


@pytest.mark.parametrize("service", ["hub-v2-api", "hub-v2-web"])
def test_api_and_web_receive_the_pool_as_plain_environment(dev: Inventory, service: str) -> None:
    environment = {e["name"]: e["value"] for e in app_container(dev, service)["environment"]}
    pool_id = dev.named("identity-pool").id
    assert environment["COGNITO_USER_POOL_ID"] == pool_id
    assert environment["COGNITO_ISSUER"] == f"https://cognito-idp.us-east-2.amazonaws.com/{pool_id}"
    assert environment["COGNITO_JWKS_URL"].endswith(f"{pool_id}/.well-known/jwks.json")
    assert environment["COGNITO_WEB_CLIENT_ID"] == dev.named("identity-web-client").id
    assert environment["COGNITO_HOSTED_UI"] == "https://hv-dev-hub.auth.us-east-2.amazoncognito.com"


def test_clawbot_receives_the_token_url_not_the_pool(dev: Inventory) -> None:
    environment = {e["name"]: e["value"] for e in app_container(dev, "clawbot")["environment"]}
    assert environment["COGNITO_TOKEN_URL"] == "https://hv-dev-hub.auth.us-east-2.amazoncognito.com/oauth2/token"
    assert "COGNITO_USER_POOL_ID" not in environment


def test_no_identity_section_means_no_cognito(run_stack, stack_services) -> None:  # type: ignore[no-untyped-def]
    services = stack_services("dev")
    for service in services.values():
        service["uses"] = [u for u in service.get("uses", []) if not u.startswith("cognito")]
    inventory = run_stack("dev", services=services, identity=None)
    assert not [r for r in inventory.resources if r.type.startswith("aws:cognito/")]
