"""Advisory: containers run with a read-only root filesystem."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .containers import TASK_DEFINITION, read_containers
from .conventions import ADVISORY
from .resources import is_true
from .support import resource_rule, short_name


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    resource = short_name(args.resource_type, args.name)
    for container, definition in read_containers(resource, args.props, report_violation):
        if not is_true(definition.get("readonlyRootFilesystem")):
            report_violation(f"{resource}: container {container!r} can write to its root filesystem, so an "
                             "intruder can drop tools there. Set readonlyRootFilesystem=true with a volume "
                             "for the paths it writes (/tmp), where the app allows.")


policy = resource_rule(
    "hv-ecs-use-read-only-root-filesystem",
    kind=ADVISORY,
    description="Containers run with a read-only root filesystem.",
    severity=Severity.LOW,
    remediation_steps="readonlyRootFilesystem=true plus a bind-mount volume for writable paths.",
    anchors=("checkov:CKV_AWS_336",),
    validate=validate,
)
