"""Remediates after the `remediating` pack: copies the owner tag it finds into `team`, so the
result shows whether it saw the first pack's remediation; reports what Analyze saw."""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

QUEUE = "aws:sqs/queue:Queue"


def copy_owner(args):
    tags = args.props.get("tags") or {}
    if args.resource_type != QUEUE or "team" in tags:
        return None
    return {**args.props, "tags": {**tags, "team": f"seen-{tags.get('owner', 'nothing')}"}}


def report_inputs(args, report_violation):
    if args.resource_type == QUEUE:
        report_violation(f"{args.name} analysed tags={sorted((args.props.get('tags') or {}).items())}")


PolicyPack(name="after-remediation", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="team-from-owner", description="Team tag", remediate=copy_owner,
                             enforcement_level=EnforcementLevel.REMEDIATE),
    ResourceValidationPolicy(name="analysed-inputs", description="What Analyze saw", validate=report_inputs),
])
