"""Answers AWS would give: ids, ARNs in the provider's region and account, names, endpoints.

Outputs are derived from the URN with a hash, so two runs of the same program give the same
inventory. An invoke nobody answers is an error naming its token, never a silent `None`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from . import synthesize

DEFAULT_REGION = "us-east-2"
DEFAULT_ACCOUNT = "891377221201"
# Elastic Load Balancing's account per region, for ALB access-log bucket policies.
ELB_ACCOUNTS = {"us-east-1": "127311923021", "us-east-2": "033677994240",
                "us-west-1": "027434742980", "us-west-2": "797873946194"}


class UnansweredInvokeError(Exception):
    """The program called a provider function preflight has no answer for."""


@dataclass(frozen=True)
class MockContext:
    type: str
    name: str
    urn: str
    inputs: Mapping[str, Any]
    region: str
    account: str

    def digest(self, length: int, salt: str = "") -> str:
        return hashlib.sha256(f"{self.urn}{salt}".encode()).hexdigest()[:length]

    @property
    def physical_name(self) -> str:
        """The name the provider would pick: the explicit one, or Pulumi's auto-name."""
        for key in ("name", "bucket", "functionName", "repositoryName", "clusterIdentifier"):
            value = self.inputs.get(key)
            if isinstance(value, str) and value:
                return value
        prefix = self.inputs.get("namePrefix")
        if isinstance(prefix, str) and prefix:
            return f"{prefix}{self.digest(26)}"
        return f"{self.name}-{self.digest(7)}"

    def arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        return (f"arn:aws:{service}:{self.region if regional else ''}:"
                f"{self.account if account else ''}:{resource}")


# Physical ids: AWS prefixes for EC2-style resources, the name for named resources.
_ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw", "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc", "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce", "aws:ec2/flowLog:FlowLog": "fl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt", "aws:ec2/instance:Instance": "i",
    "aws:ec2/keyPair:KeyPair": "key",
}


def _ec2_arn(kind: str) -> Callable[[MockContext, str], dict[str, Any]]:
    return lambda ctx, id_: {"arn": ctx.arn("ec2", f"{kind}/{id_}")}


def _log_group(ctx: MockContext, id_: str) -> dict[str, Any]:
    return {"arn": ctx.arn("logs", f"log-group:{id_}")}


def _iam(kind: str) -> Callable[[MockContext, str], dict[str, Any]]:
    def outputs(ctx: MockContext, id_: str) -> dict[str, Any]:
        path = ctx.inputs.get("path") or "/"
        return {"arn": ctx.arn("iam", f"{kind}{path}{id_}", regional=False),
                "uniqueId": f"ARO{ctx.digest(17).upper()}"}
    return outputs


def _load_balancer(ctx: MockContext, id_: str) -> dict[str, Any]:
    kind = "app" if ctx.inputs.get("loadBalancerType", "application") == "application" else "net"
    name = ctx.physical_name[:32]
    return {"arn": ctx.arn("elasticloadbalancing", f"loadbalancer/{kind}/{name}/{ctx.digest(16)}"),
            "arnSuffix": f"{kind}/{name}/{ctx.digest(16)}", "name": name,
            "dnsName": f"{name}-{int(ctx.digest(8), 16)}.{ctx.region}.elb.amazonaws.com",
            "zoneId": "Z3AADJGX6KTTL2"}


def _target_group(ctx: MockContext, id_: str) -> dict[str, Any]:
    name = ctx.physical_name[:32]
    return {"arn": ctx.arn("elasticloadbalancing", f"targetgroup/{name}/{ctx.digest(16)}"),
            "arnSuffix": f"targetgroup/{name}/{ctx.digest(16)}", "name": name}


def _certificate(ctx: MockContext, id_: str) -> dict[str, Any]:
    names = [ctx.inputs.get("domainName"), *(ctx.inputs.get("subjectAlternativeNames") or [])]
    options = []
    for domain in dict.fromkeys(name for name in names if name):
        token = hashlib.sha256(domain.encode()).hexdigest()
        options.append({"domainName": domain, "resourceRecordName": f"_{token[:32]}.{domain}.",
                        "resourceRecordType": "CNAME",
                        "resourceRecordValue": f"_{token[32:]}.acm-validations.aws."})
    return {"arn": ctx.arn("acm", f"certificate/{_uuid(ctx)}"), "domainValidationOptions": options,
            "status": "ISSUED"}


def _uuid(ctx: MockContext) -> str:
    h = ctx.digest(32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _secret(ctx: MockContext, id_: str) -> dict[str, Any]:
    arn = ctx.arn("secretsmanager", f"secret:{ctx.physical_name}-{ctx.digest(6)}")
    return {"arn": arn, "id": arn}


def _named_arn(service: str, pattern: str) -> Callable[[MockContext, str], dict[str, Any]]:
    return lambda ctx, id_: {"arn": ctx.arn(service, pattern.format(name=ctx.physical_name, id=id_))}


def _ecr_repository(ctx: MockContext, id_: str) -> dict[str, Any]:
    return {"arn": ctx.arn("ecr", f"repository/{id_}"), "registryId": ctx.account,
            "repositoryUrl": f"{ctx.account}.dkr.ecr.{ctx.region}.amazonaws.com/{id_}"}


def _task_definition(ctx: MockContext, id_: str) -> dict[str, Any]:
    family = ctx.inputs.get("family", ctx.physical_name)
    return {"arn": ctx.arn("ecs", f"task-definition/{family}:1"),
            "arnWithoutRevision": ctx.arn("ecs", f"task-definition/{family}"), "revision": 1}


def _rds_instance(ctx: MockContext, id_: str) -> dict[str, Any]:
    identifier = ctx.inputs.get("identifier") or ctx.physical_name
    address = f"{identifier}.c{ctx.digest(11)}.{ctx.region}.rds.amazonaws.com"
    port = ctx.inputs.get("port") or 5432
    outputs: dict[str, Any] = {
        "arn": ctx.arn("rds", f"db:{identifier}"), "address": address, "port": port,
        "endpoint": f"{address}:{port}", "resourceId": f"db-{ctx.digest(26).upper()}",
        "identifier": identifier}
    if ctx.inputs.get("manageMasterUserPassword"):
        outputs["masterUserSecrets"] = [{
            "secretArn": ctx.arn("secretsmanager", f"secret:rds!db-{_uuid(ctx)}-{ctx.digest(6)}"),
            "secretStatus": "active", "kmsKeyId": ctx.arn("kms", f"key/{_uuid(ctx)}")}]
    return outputs


def _replication_group(ctx: MockContext, id_: str) -> dict[str, Any]:
    host = f"master.{id_}.{ctx.digest(6)}.use2.cache.amazonaws.com"
    return {"arn": ctx.arn("elasticache", f"replicationgroup:{id_}"),
            "primaryEndpointAddress": host,
            "readerEndpointAddress": host.replace("master.", "replica."),
            "port": ctx.inputs.get("port") or 6379}


def _user_pool(ctx: MockContext, id_: str) -> dict[str, Any]:
    return {"arn": ctx.arn("cognito-idp", f"userpool/{id_}"),
            "endpoint": f"cognito-idp.{ctx.region}.amazonaws.com/{id_}"}


def _bucket(ctx: MockContext, id_: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:s3:::{id_}", "bucket": id_,
            "bucketDomainName": f"{id_}.s3.amazonaws.com",
            "bucketRegionalDomainName": f"{id_}.s3.{ctx.region}.amazonaws.com",
            "region": ctx.region}


def _queue(ctx: MockContext, id_: str) -> dict[str, Any]:
    name = ctx.physical_name
    return {"arn": ctx.arn("sqs", name), "url": id_, "name": name}


def _random_password(ctx: MockContext, id_: str) -> dict[str, Any]:
    length = int(ctx.inputs.get("length") or 32)
    return {"result": (ctx.digest(64, "password") * 4)[:length]}


def _random_id(ctx: MockContext, id_: str) -> dict[str, Any]:
    # A random ID is drawn anew whenever its keepers change (that replaces it): so is this one.
    keepers = json.dumps(ctx.inputs.get("keepers") or {}, sort_keys=True, default=str)
    raw = bytes.fromhex(ctx.digest(2 * int(ctx.inputs.get("byteLength") or 8), keepers))
    prefix = str(ctx.inputs.get("prefix") or "")
    return {"hex": prefix + raw.hex(), "dec": prefix + str(int.from_bytes(raw, "big")),
            "b64Std": prefix + base64.b64encode(raw).decode(),
            "b64Url": prefix + base64.urlsafe_b64encode(raw).decode().rstrip("=")}


def _user_pool_client(ctx: MockContext, id_: str) -> dict[str, Any]:
    outputs: dict[str, Any] = {}
    if ctx.inputs.get("generateSecret"):
        outputs["clientSecret"] = ctx.digest(51, "client-secret")
    return outputs


_ID_FACTORIES: dict[str, Callable[[MockContext], str]] = {
    "aws:cognito/userPool:UserPool": lambda ctx: f"{ctx.region}_{ctx.digest(9)}",
    "aws:cognito/userPoolClient:UserPoolClient": lambda ctx: ctx.digest(26),
    "aws:route53/record:Record": lambda ctx: f"Z{ctx.digest(12).upper()}_{ctx.inputs.get('name')}",
    "aws:sqs/queue:Queue": lambda ctx: (f"https://sqs.{ctx.region}.amazonaws.com/{ctx.account}/"
                                        f"{ctx.physical_name}"),
    "aws:elasticache/replicationGroup:ReplicationGroup":
        lambda ctx: str(ctx.inputs.get("replicationGroupId") or ctx.physical_name),
    "aws:rds/instance:Instance": lambda ctx: f"db-{ctx.digest(26).upper()}",
    "aws:kms/key:Key": _uuid,
}

_OUTPUTS: dict[str, Callable[[MockContext, str], dict[str, Any]]] = {
    "aws:ec2/vpc:Vpc": lambda ctx, id_: {
        "arn": ctx.arn("ec2", f"vpc/{id_}"), "defaultSecurityGroupId": f"sg-{ctx.digest(17, 'sg')}",
        "mainRouteTableId": f"rtb-{ctx.digest(17, 'rtb')}", "ownerId": ctx.account},
    "aws:ec2/subnet:Subnet": _ec2_arn("subnet"),
    "aws:ec2/securityGroup:SecurityGroup": _ec2_arn("security-group"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _ec2_arn("security-group"),
    "aws:ec2/internetGateway:InternetGateway": _ec2_arn("internet-gateway"),
    "aws:ec2/routeTable:RouteTable": _ec2_arn("route-table"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": lambda ctx, id_: {
        "arn": ctx.arn("ec2", f"vpc-endpoint/{id_}"),
        "dnsEntries": [{"dnsName": f"{id_}.{ctx.inputs.get('serviceName', '')}.vpce.amazonaws.com",
                        "hostedZoneId": "Z1HUB23UULQXV"}]},
    "aws:ec2/flowLog:FlowLog": _ec2_arn("vpc-flow-log"),
    "aws:ec2/eip:Eip": lambda ctx, id_: {
        "allocationId": id_, "publicIp": f"3.{int(ctx.digest(2), 16)}.{int(ctx.digest(2, 'b'), 16)}.7"},
    "aws:ec2/natGateway:NatGateway": lambda ctx, id_: {"publicIp": "3.20.0.1"},
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/role:Role": _iam("role"),
    "aws:iam/policy:Policy": _iam("policy"),
    "aws:iam/user:User": _iam("user"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": lambda ctx, id_: {
        "arn": ctx.arn("iam", f"oidc-provider/{str(ctx.inputs.get('url', '')).removeprefix('https://')}",
                       regional=False)},
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:lb/listener:Listener": lambda ctx, id_: {
        "arn": ctx.arn("elasticloadbalancing", f"listener/app/alb/{ctx.digest(16)}/{ctx.digest(16, 'l')}")},
    "aws:lb/listenerRule:ListenerRule": lambda ctx, id_: {
        "arn": ctx.arn("elasticloadbalancing", f"listener-rule/app/alb/{ctx.digest(16)}")},
    "aws:acm/certificate:Certificate": _certificate,
    "aws:acm/certificateValidation:CertificateValidation": lambda ctx, id_: {
        "id": str(ctx.inputs.get("certificateArn", id_))},
    "aws:route53/record:Record": lambda ctx, id_: {"fqdn": str(ctx.inputs.get("name", "")).rstrip(".")},
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:ecs/cluster:Cluster": _named_arn("ecs", "cluster/{name}"),
    "aws:ecs/service:Service": lambda ctx, id_: {},
    "aws:ecs/taskDefinition:TaskDefinition": _task_definition,
    "aws:rds/instance:Instance": _rds_instance,
    "aws:rds/parameterGroup:ParameterGroup": _named_arn("rds", "pg:{name}"),
    "aws:rds/subnetGroup:SubnetGroup": _named_arn("rds", "subgrp:{name}"),
    "aws:dynamodb/table:Table": _named_arn("dynamodb", "table/{name}"),
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:elasticache/parameterGroup:ParameterGroup": _named_arn("elasticache", "parametergroup:{name}"),
    "aws:elasticache/subnetGroup:SubnetGroup": _named_arn("elasticache", "subnetgroup:{name}"),
    "aws:cognito/userPool:UserPool": _user_pool,
    "aws:cognito/userPoolClient:UserPoolClient": _user_pool_client,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:sns/topic:Topic": _named_arn("sns", "{name}"),
    "aws:sqs/queue:Queue": _queue,
    "aws:kms/key:Key": lambda ctx, id_: {"arn": ctx.arn("kms", f"key/{id_}"), "keyId": id_},
    "aws:codebuild/project:Project": _named_arn("codebuild", "project/{name}"),
    "aws:codepipeline/pipeline:Pipeline": _named_arn("codepipeline", "{name}"),
    "aws:codestarconnections/connection:Connection": lambda ctx, id_: {
        "arn": ctx.arn("codestar-connections", f"connection/{_uuid(ctx)}")},
    "aws:scheduler/scheduleGroup:ScheduleGroup": _named_arn("scheduler", "schedule-group/{name}"),
    "aws:scheduler/schedule:Schedule": _named_arn("scheduler", "schedule/default/{name}"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _named_arn("cloudwatch", "alarm:{name}"),
    "aws:cloudwatch/dashboard:Dashboard": lambda ctx, id_: {
        "dashboardArn": ctx.arn("cloudwatch", f"dashboard/{ctx.physical_name}", regional=False)},
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomId:RandomId": _random_id,
}

_NAMED_TYPES_WITHOUT_NAME_OUTPUT = ("aws:ec2/", "aws:vpc/", "aws:route53/record", "random:")


class ProviderDirectory(Protocol):
    """What the mocks need to know about the provider a resource is managed by."""

    def region_and_account(self, provider_ref: str | None) -> tuple[str, str]: ...

    def default_tags(self, provider_ref: str | None) -> Mapping[str, str]: ...


class AwsMocks(Mocks):
    """Resource outputs and invoke answers shaped like AWS's, deterministic per URN."""

    def __init__(self, providers: ProviderDirectory) -> None:
        self._providers = providers
        # What was assumed rather than answered by hand: URN -> synthesized output names, and
        # the invoke tokens answered from the provider's declared result type.
        self.synthesized_outputs: dict[str, tuple[str, ...]] = {}
        self.synthesized_invokes: set[str] = set()

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return self.answer(args, urn=f"{args.typ}::{args.name}")

    def answer(self, args: MockResourceArgs, urn: str, *, read: bool = False) -> tuple[str, dict[str, Any]]:
        """Id and outputs for a registration, or with `read` for a `.get()`, whose answer is the
        resource's whole state (inputs included: the program set none of them)."""
        region, account = self._providers.region_and_account(args.provider)
        inputs = args.inputs or {}
        if isinstance(inputs.get("region"), str) and inputs["region"]:
            region = inputs["region"]
        ctx = MockContext(type=args.typ, name=args.name, urn=urn, inputs=inputs,
                          region=region, account=account)
        if args.typ.startswith("pulumi:providers:"):
            return f"{ctx.digest(8)}-{ctx.digest(4, 'a')}-{ctx.digest(4, 'b')}", dict(inputs)
        if args.resource_id:
            id_ = args.resource_id
        elif args.typ in _ID_FACTORIES:
            id_ = _ID_FACTORIES[args.typ](ctx)
        elif args.typ in _ID_PREFIXES:
            id_ = f"{_ID_PREFIXES[args.typ]}-{ctx.digest(17)}"
        else:
            id_ = ctx.physical_name
        outputs: dict[str, Any] = dict(inputs)
        if not args.typ.startswith(_NAMED_TYPES_WITHOUT_NAME_OUTPUT):
            outputs.setdefault("name", ctx.physical_name)
        outputs.update(_OUTPUTS.get(args.typ, _generic_arn)(ctx, id_))
        outputs["id"] = outputs.get("id", id_)
        if args.typ.startswith("aws:"):
            # What AWS reports: the resource's tags merged over the provider's default tags.
            outputs["tagsAll"] = {**self._providers.default_tags(args.provider),
                                  **(inputs.get("tags") or {})}
        if args.custom:
            service = args.typ.split(":")[1].split("/")[0] if args.typ.count(":") == 2 else ""
            scope = synthesize.Scope(seed=urn, service=service, kind=args.typ.rsplit(":", 1)[-1].lower(),
                                     name=ctx.physical_name, region=region, account=account)
            filled = synthesize.resource_outputs(args.typ, scope, outputs, whole_state=read)
            if filled:
                outputs.update(filled)
                self.synthesized_outputs[urn] = tuple(sorted(filled))
        return str(outputs["id"]), outputs

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        region, account = self._providers.region_and_account(args.provider or None)
        answer = _INVOKES.get(args.token)
        if answer is not None:
            return answer(args.args or {}, region, account), []
        module = args.token.split(":")[1].split("/")[0] if args.token.count(":") == 2 else ""
        function = args.token.rsplit(":", 1)[-1].removeprefix("get")
        kind = function[:1].lower() + function[1:]
        scope = synthesize.Scope(
            seed=f"{args.token}|{json.dumps(args.args or {}, sort_keys=True, default=str)}",
            service=module, kind=kind, name=kind or "result", region=region, account=account)
        result = synthesize.invoke_result(args.token, scope, args.args or {})
        if result is None:
            raise UnansweredInvokeError(
                f"preflight has no answer for the invoke {args.token}: no hand answer (answered: "
                f"{', '.join(sorted(_INVOKES))}) and no declared result type in the installed "
                "provider SDK; add one to preflight/mocks.py or avoid the call")
        self.synthesized_invokes.add(args.token)
        return result, []


def _generic_arn(ctx: MockContext, id_: str) -> dict[str, Any]:
    if not ctx.type.startswith("aws:"):
        return {}
    service = ctx.type.split(":")[1].split("/")[0]
    kind = ctx.type.rsplit(":", 1)[1].lower()
    return {"arn": ctx.arn(service, f"{kind}/{id_}")}


def _zones(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    letters = "abc"
    short = {"us-east-1": "use1", "us-east-2": "use2", "us-west-2": "usw2"}.get(region, region)
    return {"id": region, "names": [f"{region}{x}" for x in letters],
            "zoneIds": [f"{short}-az{i + 1}" for i in range(len(letters))],
            "groupNames": [region], "state": args.get("state") or "available"}


def _caller_identity(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    return {"id": account, "accountId": account, "userId": "AROAPREFLIGHT:preflight",
            "arn": f"arn:aws:sts::{account}:assumed-role/preflight/preflight"}


def _region(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    name = args.get("region") or args.get("name") or region
    return {"id": name, "name": name, "region": name, "endpoint": f"ec2.{name}.amazonaws.com",
            "description": name}


def _partition(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com",
            "reverseDnsPrefix": "com.amazonaws"}


def _zone(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    name = str(args.get("name") or "example.com").rstrip(".")
    zone_id = args.get("zoneId") or "Z" + hashlib.sha256(name.encode()).hexdigest()[:20].upper()
    return {"id": zone_id, "zoneId": zone_id, "name": name, "privateZone": bool(args.get("privateZone")),
            "arn": f"arn:aws:route53:::hostedzone/{zone_id}", "callerReference": name,
            "nameServers": [f"ns-{n}.awsdns-{n}.org" for n in (1, 2, 3, 4)],
            "resourceRecordSetCount": 2, "tags": {}}


def _elb_service_account(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    target = args.get("region") or region
    elb_account = ELB_ACCOUNTS.get(target)
    if elb_account is None:
        raise UnansweredInvokeError(f"no Elastic Load Balancing account known for region {target}")
    return {"id": elb_account, "arn": f"arn:aws:iam::{elb_account}:root", "region": target}


def render_policy_document(args: Mapping[str, Any]) -> str:
    """iam.getPolicyDocument's statements rendered to IAM JSON, as the provider does."""
    statements = []
    for raw in args.get("statements") or []:
        statement: dict[str, Any] = {}
        if raw.get("sid"):
            statement["Sid"] = raw["sid"]
        statement["Effect"] = raw.get("effect") or "Allow"
        for key, name in (("actions", "Action"), ("notActions", "NotAction"),
                          ("resources", "Resource"), ("notResources", "NotResource")):
            if raw.get(key):
                values = sorted(raw[key]) if key.endswith("ctions") else list(raw[key])
                statement[name] = values[0] if len(values) == 1 else values
        for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if raw.get(key):
                principals: dict[str, Any] = {}
                for principal in raw[key]:
                    ids = list(principal.get("identifiers") or [])
                    principals[principal["type"]] = ids[0] if len(ids) == 1 else ids
                statement[name] = "*" if principals == {"*": "*"} else principals
        if raw.get("conditions"):
            conditions: dict[str, dict[str, Any]] = {}
            for condition in raw["conditions"]:
                values = list(condition.get("values") or [])
                conditions.setdefault(condition["test"], {})[condition["variable"]] = (
                    values[0] if len(values) == 1 else values)
            statement["Condition"] = conditions
        statements.append(statement)
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    return json.dumps(document, indent=2)


def _policy_document(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    rendered = render_policy_document(args)
    minified = json.dumps(json.loads(rendered), separators=(",", ":"))
    return {"id": hashlib.sha256(minified.encode()).hexdigest()[:10], "json": rendered,
            "minifiedJson": minified}


def _secret_version(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """Secrets set out of band have no value offline: a placeholder stands in, marked as such."""
    name = str(args.get("secretId") or "")
    arn = name if name.startswith("arn:") else f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf"
    return {"id": f"{arn}|AWSCURRENT", "arn": arn, "secretId": name, "secretString": "preflight-placeholder",
            "versionId": "00000000-0000-0000-0000-000000000000", "versionStage": "AWSCURRENT",
            "versionStages": ["AWSCURRENT"], "createdDate": "2026-01-01T00:00:00Z"}


def _tagged_resources(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """Offline is a fresh account: none of the resources asked about exists yet."""
    return {"id": "aws", "resourceArnLists": list(args.get("resourceArnLists") or []),
            "resourceTagMappingLists": []}


def _ecs_service(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """An existing service (for tests that answer the tagging API with it): it runs revision 2 of a
    family named after it, as after its first pipeline deploy."""
    name = str(args.get("serviceName") or "")
    cluster_arn = str(args.get("clusterArn") or "")
    cluster = cluster_arn.rsplit("/", 1)[-1]
    arn = f"arn:aws:ecs:{region}:{account}:service/{cluster}/{name}"
    return {"id": arn, "arn": arn, "clusterArn": cluster_arn, "serviceName": name, "desiredCount": 1,
            "launchType": "", "schedulingStrategy": "REPLICA", "tags": {},
            "taskDefinition": f"arn:aws:ecs:{region}:{account}:task-definition/{name}:2"}


def _container_definition(args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """The named container of a task definition, running an image of its own repository tagged with
    a commit SHA (what a pipeline deploys), the same for the same task definition."""
    task_definition = str(args.get("taskDefinition") or "")
    container = str(args.get("containerName") or "")
    sha = hashlib.sha1(task_definition.encode()).hexdigest()  # a fake git SHA
    return {"id": f"{task_definition}/{container}", "taskDefinition": task_definition, "containerName": container,
            "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{container}:{sha}", "imageDigest": sha,
            "cpu": 0, "memory": 0, "memoryReservation": 0, "disableNetworking": False, "dockerLabels": {},
            "environment": {}}


_INVOKES: dict[str, Callable[[Mapping[str, Any], str, str], dict[str, Any]]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": _zones,
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:route53/getZone:getZone": _zone,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:elb/getServiceAccount:getServiceAccount": _elb_service_account,
    "aws:secretsmanager/getSecretVersion:getSecretVersion": _secret_version,
    "aws:resourcegroupstaggingapi/getResources:getResources": _tagged_resources,
    "aws:ecs/getService:getService": _ecs_service,
    "aws:ecs/getContainerDefinition:getContainerDefinition": _container_definition,
}
