"""Advisory: a task definition's task role is not its execution role."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .containers import TASK_DEFINITION
from .conventions import ADVISORY
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    task_role, execution_role = args.props.get("taskRoleArn"), args.props.get("executionRoleArn")
    if task_role and task_role == execution_role:
        report_violation(f"{short_name(args.resource_type, args.name)} uses {task_role} as both task and "
                         "execution role: the application gets the secrets and image-pull rights meant for "
                         "ECS. Give it a task role of its own.")


policy = resource_rule(
    "hv-ecs-separate-task-and-execution-roles",
    kind=ADVISORY,
    description="Task definitions use different task and execution roles.",
    severity=Severity.MEDIUM,
    remediation_steps="An execution role (pull, logs, its secrets) and a task role (what the app uses).",
    anchors=("checkov:CKV_AWS_249",),
    validate=validate,
)
