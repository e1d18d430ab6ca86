"""Security (identity): Bedrock model access names only Anthropic models and inference profiles.

Model access is what can invoke a model: an action matching bedrock:InvokeModel or
bedrock:InvokeModelWithResponseStream (bedrock:*, bedrock:Invoke*, …). Of such a statement's resources,
those that can be Bedrock resources (`*`, `arn:aws:bedrock:…`, service wildcards) must be Anthropic
foundation models or our inference profiles; ARNs of other services in the same statement grant no
Bedrock access. Control-plane actions without resource-level permissions (List*, Get*, the
model-invocation logging configuration) are not model access.
"""

from __future__ import annotations

import fnmatch
import re

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .iam import read_identity_documents
from .support import CONTRACT_ACCOUNT_ID, CONTRACT_REGION, resource_rule, short_name

# Foundation models live in every destination region of a cross-region profile (no account);
# inference profiles are ours, in the contract region.
ALLOWED_RESOURCES = (
    re.compile(r"^arn:aws:bedrock:[a-z0-9*-]+::foundation-model/anthropic\.[A-Za-z0-9.:*_-]+$"),
    re.compile(rf"^arn:aws:bedrock:{CONTRACT_REGION}:{CONTRACT_ACCOUNT_ID}:inference-profile/"
               r"us\.anthropic\.[A-Za-z0-9.:*_-]+$"),
    re.compile(rf"^arn:aws:bedrock:{CONTRACT_REGION}:{CONTRACT_ACCOUNT_ID}:application-inference-profile/"
               r"[A-Za-z0-9*]+$"),
)


INVOKE_ACTIONS = ("bedrock:invokemodel", "bedrock:invokemodelwithresponsestream")


def invokes_models(action: str) -> bool:
    return any(fnmatch.fnmatchcase(invoke, action.lower()) for invoke in INVOKE_ACTIONS)


def may_be_bedrock(resource: str) -> bool:
    """`*`, or an ARN pattern whose service part can be `bedrock`."""
    parts = resource.split(":")
    if resource == "*" or len(parts) < 3:
        return resource == "*" or fnmatch.fnmatchcase("arn:aws:bedrock", resource.lower())
    return fnmatch.fnmatchcase("bedrock", parts[2].lower())


def is_allowed(resource: str) -> bool:
    return any(pattern.match(resource) for pattern in ALLOWED_RESOURCES)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    documents, problems = read_identity_documents(args.resource_type, args.props)
    for problem in problems:
        report_violation(f"{resource}: {problem}, so its Bedrock permissions cannot be checked.")
    for document in documents:
        for statement in document.statements:
            invoking = [action for action in statement.actions if invokes_models(action)]
            if not (statement.allows and invoking):
                continue
            outside = [r for r in statement.resources if may_be_bedrock(r) and not is_allowed(r)
                       # Action '*' on Resource '*' is hv-iam-forbid-wildcard-permissions' finding.
                       and not (r == "*" and set(invoking) == {"*"})]
            outside += [f"NotResource {r}" for r in statement.not_resources]
            for target in outside:
                report_violation(f"{resource}: {document.where} {statement.label} grants "
                                 f"{', '.join(invoking)} on {target!r}. Bedrock access is limited to "
                                 "Anthropic models: arn:aws:bedrock:<region>::foundation-model/anthropic.* "
                                 f"and the us.anthropic.* inference profiles (or application inference "
                                 f"profiles) of {CONTRACT_ACCOUNT_ID} in {CONTRACT_REGION}.")


policy = resource_rule(
    "hv-bedrock-restrict-to-anthropic-models",
    kind=SECURITY,
    description="Bedrock model access applies only to Anthropic foundation models and us.anthropic.* "
                "inference profiles.",
    severity=Severity.HIGH,
    remediation_steps="Resources: the configured us.anthropic.* inference profiles in us-east-2 and "
                      "arn:aws:bedrock:<us-east-1|us-east-2|us-west-2>::foundation-model/anthropic.*.",
    validate=validate,
)
