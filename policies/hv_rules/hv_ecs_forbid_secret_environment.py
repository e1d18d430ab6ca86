"""Security (secrets): no container environment variable named like a secret carries a literal value."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .containers import TASK_DEFINITION, read_containers
from .conventions import SECURITY
from .resources import as_list
from .support import resource_rule, short_name

# A name ending in one of these (any case) is a secret: API_KEY, DB_PASSWORD, githubToken…
SECRET_SUFFIXES = ("KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIALS")


def looks_secret(name: str) -> bool:
    return name.upper().endswith(SECRET_SUFFIXES)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    resource = short_name(args.resource_type, args.name)
    for container, definition in read_containers(resource, args.props, report_violation):
        for variable in as_list(definition.get("environment")):
            name, value = str(variable.get("name", "")), variable.get("value")
            if looks_secret(name) and value not in (None, ""):
                report_violation(f"{resource}: container {container!r} sets environment variable {name} "
                                 "to a literal value, readable by anyone who can describe the task "
                                 f"definition. Move it to `secrets`: {{'name': '{name}', 'valueFrom': "
                                 "<Secrets Manager secret ARN>}.")


policy = resource_rule(
    "hv-ecs-forbid-secret-environment",
    kind=SECURITY,
    description="No container environment variable named *KEY, *SECRET, *TOKEN, *PASSWORD, *PASSWD or "
                "*CREDENTIALS carries a literal value.",
    severity=Severity.CRITICAL,
    remediation_steps="Store the value in Secrets Manager and reference it from the container's `secrets` "
                      "(valueFrom the secret ARN); grant the execution role that secret only.",
    anchors=("cdk-nag:AwsSolutions-ECS2",),
    validate=validate,
)
