"""A pack with a remediate-level rule (queues get an `owner` tag and a 4-day retention, except
`manual-…` ones) that also validates, and an advisory stack rule reporting what AnalyzeStack saw of the queues."""

from collections.abc import Mapping

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

QUEUE = "aws:sqs/queue:Queue"


def tag_owner(args, report_violation):
    if args.resource_type == QUEUE and "owner" not in (args.props.get("tags") or {}):
        report_violation("queue has no owner tag")


def remediate_owner(args):
    # Queues named `manual-…` are left to their authors: validation still judges them.
    if args.resource_type != QUEUE or args.name.startswith("manual"):
        return None
    tags = args.props.get("tags") or {}
    if not isinstance(tags, Mapping):
        # `Remediate` hands unknowns over as their raw sentinel (no unknown-checking proxy):
        # say so, as the SDK would, rather than guess.
        raise UnknownValueError(tags, ["tags"])
    if "owner" in tags:
        return None
    props = dict(args.props)
    props["tags"] = {**tags, "owner": args.get_config().get("owner", "platform")}
    props["messageRetentionSeconds"] = 345600
    return props


def stack_view(args, report_violation):
    for resource in args.resources:
        if resource.resource_type == QUEUE:
            report_violation(f"{resource.name} tags={sorted(resource.props.get('tags', {}).items())} "
                             f"tagsAll={sorted(resource.props.get('tagsAll', {}).items())}")


PolicyPack(name="remediating", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="queue-owner", description="Queues have an owner",
                             validate=tag_owner, remediate=remediate_owner,
                             enforcement_level=EnforcementLevel.REMEDIATE,
                             config_schema=PolicyConfigSchema(properties={"owner": {"type": "string"}})),
    StackValidationPolicy(name="stack-view", description="What the stack looks like", validate=stack_view),
])
