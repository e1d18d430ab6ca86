"""CognitoGoogleFederation: one user pool, Google as the only human IdP, JWTs for every surface."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .context import StackContext
from .grants import Grant
from .naming import secret_name

RESOURCE_SERVER = "hub-api"
# What Cognito fills in for a Google IdP; declaring it avoids a perpetual diff on providerDetails.
GOOGLE_PROVIDER_DEFAULTS = {
    "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
    "attributes_url_add_attributes": "true",
    "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "oidc_issuer": "https://accounts.google.com",
    "token_request_method": "POST",
    "token_url": "https://www.googleapis.com/oauth2/v4/token",
}
GOOGLE_ATTRIBUTES = {"email": "email", "email_verified": "email_verified", "name": "name", "username": "sub"}
WEB_SCOPES = ("openid", "email", "profile")
ACCESS_TOKEN_MINUTES, ID_TOKEN_MINUTES, REFRESH_TOKEN_DAYS = 60, 60, 30
TOKEN_VALIDITY_UNITS = aws.cognito.UserPoolClientTokenValidityUnitsArgs(
    access_token="minutes", id_token="minutes", refresh_token="days")


@dataclass(frozen=True, kw_only=True)
class CognitoGoogleFederationArgs:
    context: StackContext
    domain_prefix: str
    google_client_id: str
    google_client_secret_name: str
    callback_urls: Sequence[str]
    logout_urls: Sequence[str]
    groups: Sequence[str]
    api_scopes: Sequence[str]
    deletion_protection: bool
    secret_recovery_days: int
    secrets_key_arn: pulumi.Input[str]
    tags: Mapping[str, str]


class CognitoGoogleFederation(pulumi.ComponentResource):
    """Admin-created users only (humans sign in with Google), a prefix hosted-UI domain, a public
    web client (code flow, PKCE in the app), a resource server and ClawBot's M2M client."""

    def __init__(self, name: str, args: CognitoGoogleFederationArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:identity:CognitoGoogleFederation", name, None, opts)
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        self._child = child

        self.user_pool = aws.cognito.UserPool(
            f"{name}-pool", name=f"{args.context.name_prefix}-users",
            admin_create_user_config=aws.cognito.UserPoolAdminCreateUserConfigArgs(
                allow_admin_create_user_only=True),
            username_attributes=["email"], auto_verified_attributes=["email"],
            schemas=[aws.cognito.UserPoolSchemaArgs(
                name="email", attribute_data_type="String", mutable=True, required=True,
                string_attribute_constraints=aws.cognito.UserPoolSchemaStringAttributeConstraintsArgs(
                    min_length="3", max_length="254"))],
            password_policy=aws.cognito.UserPoolPasswordPolicyArgs(
                minimum_length=14, require_lowercase=True, require_uppercase=True, require_numbers=True,
                require_symbols=True, temporary_password_validity_days=1),
            account_recovery_setting=aws.cognito.UserPoolAccountRecoverySettingArgs(
                recovery_mechanisms=[aws.cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs(
                    name="admin_only", priority=1)]),
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            tags=dict(args.tags), opts=pulumi.ResourceOptions(parent=self))
        self.domain = aws.cognito.UserPoolDomain(
            f"{name}-domain", domain=args.domain_prefix, user_pool_id=self.user_pool.id,
            # Cognito allows one prefix domain per pool: a new prefix must replace delete-first.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))
        self.groups = [
            aws.cognito.UserGroup(f"{name}-group-{group}", name=group, user_pool_id=self.user_pool.id,
                                  precedence=index, description=f"{group} role (cognito:groups claim)", opts=child)
            for index, group in enumerate(args.groups)
        ]
        self.google = self._create_google_provider()
        self.resource_server = aws.cognito.ResourceServer(
            f"{name}-resource-server", identifier=RESOURCE_SERVER, name="Hub v2 API",
            user_pool_id=self.user_pool.id,
            scopes=[aws.cognito.ResourceServerScopeArgs(scope_name=scope, scope_description=f"{scope} access")
                    for scope in args.api_scopes],
            opts=child)
        api_scopes = [f"{RESOURCE_SERVER}/{scope}" for scope in args.api_scopes]
        self.web_client = aws.cognito.UserPoolClient(
            f"{name}-web-client", name=f"{args.context.name_prefix}-web", user_pool_id=self.user_pool.id,
            generate_secret=False, allowed_oauth_flows=["code"], allowed_oauth_flows_user_pool_client=True,
            allowed_oauth_scopes=[*WEB_SCOPES, *api_scopes], callback_urls=list(args.callback_urls),
            logout_urls=list(args.logout_urls), supported_identity_providers=["Google"],
            explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH"], prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True, access_token_validity=ACCESS_TOKEN_MINUTES,
            id_token_validity=ID_TOKEN_MINUTES, refresh_token_validity=REFRESH_TOKEN_DAYS,
            token_validity_units=TOKEN_VALIDITY_UNITS,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.google, self.resource_server]))
        self.m2m_client = aws.cognito.UserPoolClient(
            f"{name}-clawbot-client", name=f"{args.context.name_prefix}-clawbot-m2m", user_pool_id=self.user_pool.id,
            generate_secret=True, allowed_oauth_flows=["client_credentials"],
            allowed_oauth_flows_user_pool_client=True, allowed_oauth_scopes=api_scopes,
            supported_identity_providers=["COGNITO"], prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True, access_token_validity=ACCESS_TOKEN_MINUTES,
            refresh_token_validity=REFRESH_TOKEN_DAYS, token_validity_units=TOKEN_VALIDITY_UNITS,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.resource_server]))
        self.m2m_secret = self._create_m2m_secret()

        self.issuer = pulumi.Output.concat(f"https://cognito-idp.{args.context.region}.amazonaws.com/",
                                           self.user_pool.id)
        self.hosted_ui = f"https://{args.domain_prefix}.auth.{args.context.region}.amazoncognito.com"
        self.grants = self._offer_grants()
        self.register_outputs({
            "user_pool_id": self.user_pool.id, "issuer": self.issuer, "hosted_ui": self.hosted_ui,
            "web_client_id": self.web_client.id, "m2m_client_id": self.m2m_client.id,
            "m2m_secret_arn": self.m2m_secret.arn,
        })

    def _create_google_provider(self) -> aws.cognito.IdentityProvider:
        # The client secret lives in Secrets Manager, put there at bootstrap; read at deploy time.
        client_secret = aws.secretsmanager.get_secret_version_output(
            secret_id=self._args.google_client_secret_name, opts=pulumi.InvokeOptions(parent=self))
        return aws.cognito.IdentityProvider(
            f"{self._name}-google", user_pool_id=self.user_pool.id, provider_name="Google",
            provider_type="Google",
            provider_details={"client_id": self._args.google_client_id,
                              "client_secret": pulumi.Output.secret(client_secret.secret_string),
                              "authorize_scopes": "openid email profile", **GOOGLE_PROVIDER_DEFAULTS},
            attribute_mapping=GOOGLE_ATTRIBUTES, opts=self._child)

    def _create_m2m_secret(self) -> aws.secretsmanager.Secret:
        args = self._args
        secret = aws.secretsmanager.Secret(
            f"{self._name}-clawbot-client-secret",
            name=secret_name(args.context.name_prefix, "clawbot", "cognito-m2m"),
            description="ClawBot's Cognito client credentials (client_id, client_secret, token_url)",
            kms_key_id=args.secrets_key_arn, recovery_window_in_days=args.secret_recovery_days,
            tags={**args.tags, "pillar": "clawbot", "service": "clawbot"},
            opts=pulumi.ResourceOptions(parent=self))
        aws.secretsmanager.SecretVersion(
            f"{self._name}-clawbot-client-secret-value", secret_id=secret.id,
            secret_string=pulumi.Output.json_dumps({
                "client_id": self.m2m_client.id, "client_secret": self.m2m_client.client_secret,
                "token_url": f"https://{args.domain_prefix}.auth.{args.context.region}.amazoncognito.com/oauth2/token"}),
            opts=self._child)
        return secret

    def _offer_grants(self) -> dict[str, Grant]:
        return {
            "cognito": Grant(name="cognito", environment={
                "COGNITO_USER_POOL_ID": self.user_pool.id,
                "COGNITO_ISSUER": self.issuer,
                "COGNITO_JWKS_URL": pulumi.Output.concat(self.issuer, "/.well-known/jwks.json"),
                "COGNITO_WEB_CLIENT_ID": self.web_client.id,
                "COGNITO_M2M_CLIENT_ID": self.m2m_client.id,
                "COGNITO_HOSTED_UI": self.hosted_ui,
            }),
            "cognito-m2m": Grant(name="cognito-m2m", environment={
                "COGNITO_TOKEN_URL": f"{self.hosted_ui}/oauth2/token",
                "COGNITO_SCOPES": " ".join(f"{RESOURCE_SERVER}/{s}" for s in self._args.api_scopes),
            }, secrets={"COGNITO_M2M_CREDENTIALS": self.m2m_secret.arn}),
        }
