"""Security (prod data safety): prod databases are protected, Multi-AZ, backed up, snapshotted on delete."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import SECURITY
from .resources import RDS_CLUSTERS, RDS_INSTANCES, is_true, only_in_prod
from .support import resource_rule, short_name

MIN_BACKUP_DAYS = 7


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in (*RDS_INSTANCES, *RDS_CLUSTERS):
        return
    only_in_prod(args, "database protection")
    props = args.props
    resource = f"{short_name(args.resource_type, args.name)} (environment=prod)"
    if not is_true(props.get("deletionProtection")):
        report_violation(f"{resource} has no deletion protection: set deletion_protection=True.")
    if args.resource_type in RDS_INSTANCES and not is_true(props.get("multiAz")):
        report_violation(f"{resource} is single-AZ: set multi_az=True so a zone failure fails over.")
    days = props.get("backupRetentionPeriod")
    if not isinstance(days, int | float) or days < MIN_BACKUP_DAYS:
        # Numbers travel as floats over the analyzer protocol.
        shown = "no backupRetentionPeriod (AWS default: 1 day)" if days is None else f"{days:g}-day backups"
        report_violation(f"{resource} keeps {shown}: set backup_retention_period >= {MIN_BACKUP_DAYS} "
                         "(the posture uses 14).")
    if is_true(props.get("skipFinalSnapshot")):
        report_violation(f"{resource} sets skipFinalSnapshot=true: deleting it would drop the data. Set "
                         "skip_final_snapshot=False and a final_snapshot_identifier.")
    elif not props.get("finalSnapshotIdentifier"):
        report_violation(f"{resource} has no finalSnapshotIdentifier, so it cannot take its final "
                         "snapshot on delete. Set final_snapshot_identifier.")


policy = resource_rule(
    "hv-rds-protect-prod-data",
    kind=SECURITY,
    description="Prod RDS: deletion protection, Multi-AZ, backups >= 7 days, a final snapshot on delete.",
    severity=Severity.HIGH,
    remediation_steps="In prod: deletion_protection=True, multi_az=True, backup_retention_period>=7, "
                      "skip_final_snapshot=False with final_snapshot_identifier, and protect=True.",
    anchors=(
        "cdk-nag:AwsSolutions-RDS3", "cdk-nag:AwsSolutions-RDS10", "cdk-nag:AwsSolutions-RDS13",
        "checkov:CKV_AWS_157", "checkov:CKV_AWS_293", "checkov:CKV_AWS_139", "checkov:CKV_AWS_133",
    ),
    validate=validate,
)
