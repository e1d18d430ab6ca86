"""A Mermaid flowchart of what the program actually grants, in the contract diagram's layout.

Every edge is derived from the inventory — security-group rules between the ALB, services and
engines, IAM statements of task and execution roles — never from a hand-written list, so the
drawing shows the access the stack really opens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import Inventory

INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ENGINE_TYPES = {
    "aws:rds/instance:Instance": ("PG", "RDS Postgres", "vpcSecurityGroupIds"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("RED", "Redis", "securityGroupIds"),
}


@dataclass
class Service:
    node: str
    name: str
    pillar: str
    security_groups: set[str]
    task_statements: list[dict[str, Any]] = field(default_factory=list)
    execution_statements: list[dict[str, Any]] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)


def _node(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _statements(policy: Any) -> list[dict[str, Any]]:
    try:
        document = json.loads(policy) if isinstance(policy, str) else policy
    except json.JSONDecodeError:
        return []
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return [statements] if isinstance(statements, dict) else list(statements)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _role_policies(inventory: Inventory, role_arn: str) -> list[dict[str, Any]]:
    roles = [r for r in inventory.of_type("aws:iam/role:Role") if r.outputs.get("arn") == role_arn]
    if not roles:
        return []
    role = roles[0]
    statements = []
    for policy in inventory.of_type("aws:iam/rolePolicy:RolePolicy"):
        if policy.inputs.get("role") in (role.id, role.outputs.get("name")):
            statements += _statements(policy.inputs.get("policy"))
    return statements


def collect_services(inventory: Inventory) -> list[Service]:
    task_definitions = {t.outputs.get("arn"): t for t in inventory.of_type("aws:ecs/taskDefinition:TaskDefinition")}
    services = []
    for ecs in inventory.of_type("aws:ecs/service:Service"):
        name = str(ecs.inputs.get("name") or ecs.name)
        network = ecs.inputs.get("networkConfiguration") or {}
        service = Service(node=_node(name), name=name, pillar=str(ecs.tags.get("pillar", "")),
                          security_groups=set(_as_list(network.get("securityGroups"))))
        task = task_definitions.get(ecs.inputs.get("taskDefinition"))
        if task is not None:
            service.task_statements = _role_policies(inventory, str(task.inputs.get("taskRoleArn")))
            service.execution_statements = _role_policies(inventory, str(task.inputs.get("executionRoleArn")))
            for container in json.loads(task.inputs.get("containerDefinitions") or "[]"):
                service.environment.update({e["name"]: e["value"] for e in container.get("environment", [])})
        services.append(service)
    return services


def _allows(statements: Iterable[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [s for s in statements if s.get("Effect") == "Allow"
            and any(a.startswith(prefix) for a in _as_list(s.get("Action")))]


def render(inventory: Inventory) -> str:
    services = collect_services(inventory)
    ingress = [r.inputs for r in inventory.of_type(INGRESS_RULE)]

    def admitted(target_groups: set[str], source_groups: set[str]) -> bool:
        return any(rule.get("securityGroupId") in target_groups
                   and rule.get("referencedSecurityGroupId") in source_groups for rule in ingress)

    albs = inventory.of_type("aws:lb/loadBalancer:LoadBalancer")
    engines = [(resource, ENGINE_TYPES[resource.type]) for resource in inventory.resources
               if resource.type in ENGINE_TYPES]
    tables = {t.outputs.get("arn"): str(t.inputs.get("name") or t.name)
              for t in inventory.of_type("aws:dynamodb/table:Table")}
    pools = inventory.of_type("aws:cognito/userPool:UserPool")
    pipelines = inventory.of_type("aws:codepipeline/pipeline:Pipeline")

    lines = ["flowchart TB", "subgraph INGRESS[\"INGRESS\"]"]
    if inventory.of_type("aws:route53/record:Record"):
        lines.append('R53["Route 53 + ACM<br/>DNS · TLS"]')
    if albs:
        lines.append('ALB["ALB<br/>HTTPS · health checks"]')
    lines.append("end")
    if pools:
        lines += ['subgraph IDENTITY["IDENTITY"]', 'COG["Cognito User Pool<br/>JWT · M2M client creds"]']
        if inventory.of_type("aws:cognito/identityProvider:IdentityProvider"):
            lines.append('GOO["Google Workspace IdP"]')
        lines.append("end")
    lines.append('subgraph COMPUTE["COMPUTE · ECS FARGATE"]')
    lines += [f'{s.node}["{s.name}<br/>{s.pillar}"]' for s in services]
    bedrock_users = [s for s in services if _allows(s.task_statements, "bedrock:InvokeModel")]
    if bedrock_users:
        lines.append('BR["Bedrock<br/>Claude (Anthropic)"]')
    lines += ["end", 'subgraph DATA["DATA"]']
    lines += [f'{node}["{label}"]' for _, (node, label, _) in engines]
    if tables:
        lines.append(f'DDB["DynamoDB<br/>{len(tables)} tables"]')
    lines += ["end", 'subgraph PLATFORM["PLATFORM"]', 'SEC["Secrets Manager"]', 'CW["CloudWatch + OTel"]',
              'ECR["ECR · S3"]']
    if pipelines:
        lines.append('CP["CodePipeline"]')
    lines.append("end")

    edges = []
    if albs and inventory.of_type("aws:route53/record:Record"):
        edges.append("R53 --> ALB")
    alb_groups = {g for alb in albs for g in _as_list(alb.inputs.get("securityGroups"))}
    if pools and inventory.of_type("aws:cognito/identityProvider:IdentityProvider"):
        edges.append("GOO -.-> COG")
    for service in services:
        if admitted(service.security_groups, alb_groups):
            edges.append(f"ALB --> {service.node}")
        if pools and any(key.startswith("COGNITO_") for key in service.environment):
            edges.append(f"COG -.-> {service.node}")
        if service in bedrock_users:
            edges.append(f'{service.node} -- "SSE" --> BR')
        for engine, (node, _, groups_key) in engines:
            if admitted(set(_as_list(engine.inputs.get(groups_key))), service.security_groups):
                edges.append(f"{service.node} --> {node}")
        granted = sorted({tables[r] for s in _allows(service.task_statements, "dynamodb:")
                          for r in _as_list(s.get("Resource")) if r in tables})
        if granted:
            edges.append(f'{service.node} -- "{", ".join(granted)}" --> DDB')
        if _allows(service.execution_statements, "secretsmanager:GetSecretValue"):
            edges.append(f"{service.node} -.-> SEC")
        if _allows(service.execution_statements, "logs:") or _allows(service.task_statements, "xray:"):
            edges.append(f"{service.node} -.-> CW")
    if pipelines:
        edges.append("CP -.-> COMPUTE")
    return "\n".join([*lines, *edges]) + "\n"

