"""Advisory: ECR repositories scan images on push."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import is_true
from .support import resource_rule, short_name

REPOSITORY = "aws:ecr/repository:Repository"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == REPOSITORY and \
            not is_true((args.props.get("imageScanningConfiguration") or {}).get("scanOnPush")):
        report_violation(f"{short_name(args.resource_type, args.name)} does not scan images on push: known "
                         "CVEs reach the services unseen. Set image_scanning_configuration={'scan_on_push': "
                         "True}.")


policy = resource_rule(
    "hv-ecr-enable-scan-on-push",
    kind=ADVISORY,
    description="ECR repositories scan images on push.",
    severity=Severity.MEDIUM,
    remediation_steps="image_scanning_configuration={'scan_on_push': True}.",
    anchors=("checkov:CKV_AWS_163", "pulumi:aws-ecr-repository-disallow-repo-without-image-scans"),
    validate=validate,
)
