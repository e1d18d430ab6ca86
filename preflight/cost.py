"""The offline monthly cost estimate: the inventory priced with the us-east-2 table in prices/.

Hourly resources are priced from their own inputs; usage-priced ones (traffic, storage, requests,
build minutes, users) from a usage file whose defaults live in prices/usage.default.json. A type
that is neither priced here nor known to be free is listed as unpriced, never counted as zero.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Inventory, PreflightError, ResourceRecord

PRICES_DIR = Path(__file__).resolve().parent / "prices"
DEFAULT_PRICES = PRICES_DIR / "us-east-2.json"
DEFAULT_USAGE = PRICES_DIR / "usage.default.json"
NO_PILLAR = "(no pillar tag)"

# Types AWS does not bill for themselves (their cost, if any, shows up on a priced resource:
# a task definition through its ECS service, a flow log through its log group).
FREE_TYPES = frozenset({
    "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
    "aws:appautoscaling/policy:Policy", "aws:appautoscaling/target:Target",
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
    "aws:budgets/budget:Budget", "aws:costexplorer/anomalyMonitor:AnomalyMonitor",
    "aws:costexplorer/anomalySubscription:AnomalySubscription",
    "aws:costexplorer/costAllocationTag:CostAllocationTag", "aws:sns/topicPolicy:TopicPolicy",
    "aws:cognito/identityProvider:IdentityProvider", "aws:cognito/resourceServer:ResourceServer",
    "aws:cognito/userGroup:UserGroup", "aws:cognito/userPoolClient:UserPoolClient",
    "aws:cognito/userPoolDomain:UserPoolDomain",
    "aws:codestarconnections/connection:Connection",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/flowLog:FlowLog",
    "aws:ec2/internetGateway:InternetGateway", "aws:ec2/route:Route",
    "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecs/cluster:Cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:elasticache/parameterGroup:ParameterGroup", "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:iam/role:Role",
    "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/alias:Alias", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
    "aws:lb/targetGroup:TargetGroup", "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup", "aws:route53/record:Record",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "random:index/randomId:RandomId", "random:index/randomPassword:RandomPassword",
})


class Unpriced(Exception):
    """This resource cannot be priced from the table; the message says why."""


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str
    read: str


@dataclass(frozen=True)
class PriceTable:
    region: str
    hours_per_month: float
    prices: Mapping[str, Price]

    def __getitem__(self, key: str) -> float:
        if key not in self.prices:
            raise Unpriced(f"no price {key!r} in the {self.region} table")
        return self.prices[key].usd


@dataclass(frozen=True)
class Line:
    """One charge of one resource for a month."""

    urn: str
    name: str
    type: str
    pillar: str
    service: str
    item: str
    monthly: float
    usage_based: bool

    def to_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "name": self.name, "type": self.type, "pillar": self.pillar,
                "service": self.service, "item": self.item, "monthly": round(self.monthly, 2),
                "usageBased": self.usage_based}


@dataclass(frozen=True)
class UnpricedResource:
    urn: str
    type: str
    pillar: str
    reason: str


@dataclass(frozen=True)
class Estimate:
    region: str
    lines: tuple[Line, ...]
    unpriced: tuple[UnpricedResource, ...]
    sources: Mapping[str, Price] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(line.monthly for line in self.lines)

    def by(self, key: Callable[[Line], str]) -> dict[str, float]:
        sums: dict[str, float] = defaultdict(float)
        for line in self.lines:
            sums[key(line)] += line.monthly
        return dict(sorted(sums.items(), key=lambda item: (-item[1], item[0])))

    @property
    def by_pillar(self) -> dict[str, float]:
        return self.by(lambda line: line.pillar)

    def to_json(self) -> dict[str, Any]:
        def rounded(sums: Mapping[str, float]) -> dict[str, float]:
            return {k: round(v, 2) for k, v in sums.items()}
        return {
            "region": self.region, "currency": "USD", "monthlyTotal": round(self.total, 2),
            "byPillar": rounded(self.by_pillar),
            "byService": rounded(self.by(lambda line: f"{line.pillar}/{line.service}")),
            "byType": rounded(self.by(lambda line: line.type)),
            "lines": [line.to_json() for line in self.lines],
            "unpriced": [{"urn": u.urn, "type": u.type, "pillar": u.pillar, "reason": u.reason}
                         for u in self.unpriced],
            "prices": {k: {"usd": p.usd, "unit": p.unit, "source": p.source, "read": p.read}
                       for k, p in sorted(self.sources.items())},
        }


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise PreflightError(f"cannot read the {what} {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise PreflightError(f"the {what} {path} is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise PreflightError(f"the {what} {path} must be a JSON object")
    return data


def load_prices(path: Path = DEFAULT_PRICES) -> PriceTable:
    data = _read_json(path, "price table")
    prices: dict[str, Price] = {}
    for key, entry in dict(data.get("prices", {})).items():
        try:
            prices[key] = Price(usd=float(entry["usd"]), unit=str(entry["unit"]),
                                source=str(entry["source"]), read=str(entry["read"]))
        except (KeyError, TypeError, ValueError) as error:
            raise PreflightError(f"{path}: prices.{key} needs usd (a number), unit, source and "
                                 f"read ({error!r})") from error
    return PriceTable(region=str(data.get("region", "?")),
                      hours_per_month=float(data.get("hoursPerMonth", 730)), prices=prices)


@dataclass(frozen=True)
class Usage:
    """Monthly usage per type, overridden per resource name."""

    types: Mapping[str, Mapping[str, float]]
    resources: Mapping[str, Mapping[str, float]]

    def of(self, resource: ResourceRecord, key: str) -> float:
        own = self.resources.get(resource.name, {})
        if key in own:
            return own[key]
        return self.types.get(resource.type, {}).get(key, 0.0)


def _usage_block(block: Any, where: str, allowed: Mapping[str, Mapping[str, float]] | None
                 ) -> dict[str, dict[str, float]]:
    if not isinstance(block, dict):
        raise PreflightError(f"{where} must be an object")
    out: dict[str, dict[str, float]] = {}
    for name, values in block.items():
        if not isinstance(values, dict):
            raise PreflightError(f"{where}.{name} must be an object of numbers")
        if allowed is not None and name not in allowed:
            raise PreflightError(f"{where}.{name}: no usage-priced type of that name "
                                 f"(allowed: {', '.join(sorted(allowed))})")
        keys = allowed[name] if allowed is not None else None
        for key, value in values.items():
            if keys is not None and key not in keys:
                raise PreflightError(f"{where}.{name}.{key}: unknown usage key "
                                     f"(allowed: {', '.join(sorted(keys))})")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise PreflightError(f"{where}.{name}.{key} must be a number >= 0, got {value!r}")
        out[name] = {key: float(value) for key, value in values.items()}
    return out


def load_usage(path: Path | None = None) -> Usage:
    """The defaults, with a usage file's values laid over them key by key."""
    defaults = _read_json(DEFAULT_USAGE, "usage defaults")
    types = _usage_block(defaults.get("types", {}), "types", None)
    resources: dict[str, dict[str, float]] = {}
    if path is not None:
        data = _read_json(path, "usage file")
        unknown = set(data) - {"note", "types", "resources"}
        if unknown:
            raise PreflightError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} "
                                 "(allowed: note, types, resources)")
        for name, values in _usage_block(data.get("types", {}), f"{path}: types", types).items():
            types[name] = {**types[name], **values}
        resources = _usage_block(data.get("resources", {}), f"{path}: resources", None)
        for name, values in resources.items():
            known = {key for keys in types.values() for key in keys}
            for key in values:
                if key not in known:
                    raise PreflightError(f"{path}: resources.{name}.{key}: unknown usage key "
                                         f"(allowed: {', '.join(sorted(known))})")
    return Usage(types=types, resources=resources)


Charge = tuple[str, float, bool]  # item, monthly USD, usage-based
Pricer = Callable[[ResourceRecord, "Context"], list[Charge]]


@dataclass(frozen=True)
class Context:
    prices: PriceTable
    usage: Usage
    inventory: Inventory

    @property
    def hours(self) -> float:
        return self.prices.hours_per_month

    def hourly(self, item: str, key: str, quantity: float = 1.0) -> Charge:
        return item, self.prices[key] * quantity * self.hours, False

    def used(self, resource: ResourceRecord, item: str, key: str, usage_key: str) -> Charge:
        amount = self.usage.of(resource, usage_key)
        return f"{item} ({amount:g} {usage_key})", self.prices[key] * amount, True


def _nat(r: ResourceRecord, c: Context) -> list[Charge]:
    return [c.hourly("NAT gateway hours", "ec2.natGateway.hour"),
            c.used(r, "NAT data processed", "ec2.natGateway.gb", "gbProcessed")]


def _eip(r: ResourceRecord, c: Context) -> list[Charge]:
    return [c.hourly("public IPv4 address", "ec2.publicIpv4.hour")]


def _endpoint(r: ResourceRecord, c: Context) -> list[Charge]:
    if r.inputs.get("vpcEndpointType", "Gateway") == "Gateway":
        return [("gateway endpoint (no charge)", 0.0, False)]
    azs = len(r.inputs.get("subnetIds") or []) or 1
    return [c.hourly(f"interface endpoint x {azs} AZ", "ec2.interfaceEndpoint.azHour", azs),
            c.used(r, "endpoint data processed", "ec2.interfaceEndpoint.gb", "gbProcessed")]


def _alb(r: ResourceRecord, c: Context) -> list[Charge]:
    if r.inputs.get("loadBalancerType", "application") != "application":
        raise Unpriced(f"load balancer type {r.inputs.get('loadBalancerType')!r} is not in the table")
    charges = [c.hourly("ALB hours", "elb.alb.hour"),
               c.hourly(f"ALB LCUs ({c.usage.of(r, 'lcu'):g} lcu)", "elb.alb.lcuHour", c.usage.of(r, "lcu"))]
    charges[-1] = (charges[-1][0], charges[-1][1], True)
    if not r.inputs.get("internal", False):
        # An internet-facing ALB holds one public IPv4 address per subnet (AZ).
        ips = len(r.inputs.get("subnets") or []) or 1
        charges.append(c.hourly(f"public IPv4 x {ips}", "ec2.publicIpv4.hour", ips))
    return charges


def _task_definition(service: ResourceRecord, c: Context) -> ResourceRecord:
    arn = str(service.inputs.get("taskDefinition", ""))
    family = arn.rsplit("/", 1)[-1].split(":", 1)[0]
    for td in c.inventory.of_type("aws:ecs/taskDefinition:TaskDefinition"):
        if td.inputs.get("family") == family:
            return td
    raise Unpriced(f"its task definition {arn!r} is not in the inventory")


def _min_tasks(service: ResourceRecord, c: Context) -> int:
    """What runs all month: the autoscaling floor if there is one, else the desired count."""
    suffix = f"/{service.inputs.get('name', service.name)}"
    for target in c.inventory.of_type("aws:appautoscaling/target:Target"):
        if str(target.inputs.get("resourceId", "")).endswith(suffix):
            return int(target.inputs.get("minCapacity", 1))
    return int(service.inputs.get("desiredCount", 1))


def _fargate(r: ResourceRecord, c: Context) -> list[Charge]:
    td = _task_definition(r, c)
    arch = str((td.inputs.get("runtimePlatform") or {}).get("cpuArchitecture", "X86_64")).lower()
    vcpu = float(td.inputs.get("cpu", 0)) / 1024
    gb = float(td.inputs.get("memory", 0)) / 1024
    tasks = _min_tasks(r, c)
    return [c.hourly(f"Fargate {arch} {vcpu:g} vCPU x {tasks} task(s)",
                     f"fargate.linux.{arch}.vcpuHour", vcpu * tasks),
            c.hourly(f"Fargate {arch} {gb:g} GB x {tasks} task(s)",
                     f"fargate.linux.{arch}.gbHour", gb * tasks)]


def _rds(r: ResourceRecord, c: Context) -> list[Charge]:
    engine, klass = r.inputs.get("engine"), r.inputs.get("instanceClass")
    multi = 2 if r.inputs.get("multiAz") else 1  # Multi-AZ (one standby) bills twice
    storage = float(r.inputs.get("allocatedStorage", 0))
    storage_type = r.inputs.get("storageType", "gp2")
    label = "Multi-AZ" if multi == 2 else "single-AZ"
    return [c.hourly(f"RDS {engine} {klass} {label}", f"rds.{engine}.{klass}.hour", multi),
            (f"RDS {storage_type} {storage:g} GB {label}",
             c.prices[f"rds.storage.{storage_type}.gbMonth"] * storage * multi, False)]


def _elasticache(r: ResourceRecord, c: Context) -> list[Charge]:
    engine, node = r.inputs.get("engine", "redis"), r.inputs.get("nodeType")
    nodes = int(r.inputs.get("numCacheClusters") or 0) or (
        int(r.inputs.get("numNodeGroups", 1)) * (int(r.inputs.get("replicasPerNodeGroup", 0)) + 1))
    return [c.hourly(f"ElastiCache {engine} {node} x {nodes}", f"elasticache.{engine}.{node}.hour", nodes)]


def _monthly(key: str, item: str) -> Pricer:
    return lambda r, c: [(item, c.prices[key], False)]


def _alarm(r: ResourceRecord, c: Context) -> list[Charge]:
    # A metric-math alarm bills for each metric it reads.
    metrics = sum(1 for q in r.inputs.get("metricQueries") or [] if q.get("metric")) or 1
    if int(r.inputs.get("period", 60) or 60) < 60:
        raise Unpriced("high-resolution alarms are not in the table")
    return [(f"alarm, {metrics} metric(s)", c.prices["cloudwatch.alarm.metricMonth"] * metrics, False)]


def _log_group(r: ResourceRecord, c: Context) -> list[Charge]:
    return [c.used(r, "log ingestion", "cloudwatch.logs.ingestGb", "gbIngested"),
            c.used(r, "log storage", "cloudwatch.logs.storeGbMonth", "gbStored")]


def _dynamodb(r: ResourceRecord, c: Context) -> list[Charge]:
    if r.inputs.get("billingMode", "PROVISIONED") != "PAY_PER_REQUEST":
        raise Unpriced("provisioned-capacity tables are not in the table")
    return [c.used(r, "writes", "dynamodb.onDemand.millionWrites", "millionWrites"),
            c.used(r, "reads", "dynamodb.onDemand.millionReads", "millionReads"),
            c.used(r, "storage", "dynamodb.storage.gbMonth", "gbStored")]


def _s3(r: ResourceRecord, c: Context) -> list[Charge]:
    return [c.used(r, "S3 Standard storage", "s3.standard.gbMonth", "gbStored"),
            c.used(r, "S3 PUTs", "s3.standard.thousandPuts", "thousandPuts"),
            c.used(r, "S3 GETs", "s3.standard.thousandGets", "thousandGets")]


def _codebuild(r: ResourceRecord, c: Context) -> list[Charge]:
    env = r.inputs.get("environment") or {}
    key = f"codebuild.{env.get('type')}.{env.get('computeType')}.minute"
    return [c.used(r, f"CodeBuild {env.get('type')} {env.get('computeType')}", key, "buildMinutes")]


def _codepipeline(r: ResourceRecord, c: Context) -> list[Charge]:
    if r.inputs.get("pipelineType", "V1") == "V2":
        return [c.used(r, "CodePipeline V2 action minutes", "codepipeline.v2.actionMinute", "actionMinutes")]
    return [("CodePipeline V1 active pipeline", c.prices["codepipeline.v1.pipelineMonth"], False)]


PRICERS: dict[str, Pricer] = {
    "aws:ec2/natGateway:NatGateway": _nat,
    "aws:ec2/eip:Eip": _eip,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:lb/loadBalancer:LoadBalancer": _alb,
    "aws:ecs/service:Service": _fargate,
    "aws:rds/instance:Instance": _rds,
    "aws:elasticache/replicationGroup:ReplicationGroup": _elasticache,
    "aws:kms/key:Key": _monthly("kms.key.month", "KMS customer managed key"),
    "aws:secretsmanager/secret:Secret": _monthly("secretsmanager.secret.month", "secret"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _monthly("cloudwatch.dashboard.month", "dashboard"),
    "aws:route53/zone:Zone": _monthly("route53.hostedZone.month", "hosted zone"),
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:dynamodb/table:Table": _dynamodb,
    "aws:s3/bucket:Bucket": _s3,
    "aws:ecr/repository:Repository": lambda r, c: [c.used(r, "ECR storage", "ecr.storage.gbMonth", "gbStored")],
    "aws:codebuild/project:Project": _codebuild,
    "aws:codepipeline/pipeline:Pipeline": _codepipeline,
    "aws:cognito/userPool:UserPool": lambda r, c: [c.used(r, "Cognito MAUs", "cognito.essentials.mau", "mau")],
}


def estimate(inventory: Inventory, prices: PriceTable | None = None, usage: Usage | None = None) -> Estimate:
    context = Context(prices=prices or load_prices(), usage=usage or load_usage(), inventory=inventory)
    lines: list[Line] = []
    unpriced: list[UnpricedResource] = []
    for resource in inventory.resources:
        if not resource.custom or resource.is_provider or resource.type in FREE_TYPES:
            continue
        pillar = str(resource.tags.get("pillar", NO_PILLAR))
        service = str(resource.tags.get("service", "-"))
        pricer = PRICERS.get(resource.type)
        if pricer is None:
            unpriced.append(UnpricedResource(resource.urn, resource.type, pillar, "type not in the price model"))
            continue
        try:
            charges = pricer(resource, context)
        except Unpriced as why:
            unpriced.append(UnpricedResource(resource.urn, resource.type, pillar, str(why)))
            continue
        lines += [Line(resource.urn, resource.name, resource.type, pillar, service, item, monthly, usage_based)
                  for item, monthly, usage_based in charges]
    return Estimate(region=context.prices.region, lines=tuple(lines), unpriced=tuple(unpriced),
                    sources=context.prices.prices)


def render(estimate: Estimate, top: int = 10) -> list[str]:
    """The console section: per pillar, the biggest lines, what could not be priced."""
    lines = [f"Cost estimate ({estimate.region}, USD/month, list prices; usage from the usage file): "
             f"{estimate.total:,.2f}", "", "  by pillar"]
    lines += [f"    {amount:>10,.2f}  {pillar}" for pillar, amount in estimate.by_pillar.items()]
    lines += ["", f"  biggest {top} lines"]
    for line in sorted(estimate.lines, key=lambda line: -line.monthly)[:top]:
        lines.append(f"    {line.monthly:>10,.2f}  {line.pillar}/{line.service}  {line.name}: {line.item}")
    if estimate.unpriced:
        lines += ["", f"  not priced: {len(estimate.unpriced)}"]
        lines += [f"    {u.type} {u.urn.rsplit('::', 1)[-1]}: {u.reason}" for u in estimate.unpriced]
    return lines
