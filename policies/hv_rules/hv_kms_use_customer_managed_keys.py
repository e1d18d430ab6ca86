"""Advisory: the secrets and the database encrypt with a customer-managed KMS key.

Chosen where the anchors ask for a CMK *and* it changes who can read the data: a CMK's key policy is
a second gate (reading a secret or a snapshot needs kms:Decrypt on that key, not only the service
permission) and it is what allows sharing snapshots with a backup account. Not asked of logs,
DynamoDB tables, Redis, ECR, SNS/SQS or the ALB-logs bucket (ALB delivery requires SSE-S3): there the
AWS-managed key protects as much, and every CMK costs a key policy to maintain and $1 a month.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from .conventions import ADVISORY
from .resources import RDS_CLUSTERS, RDS_INSTANCES, is_true
from .support import resource_rule, short_name

SECRET = "aws:secretsmanager/secret:Secret"
AWS_MANAGED_ALIAS = "alias/aws/"


def is_customer_managed(key: object) -> bool:
    return isinstance(key, str) and bool(key) and AWS_MANAGED_ALIAS not in key


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = short_name(args.resource_type, args.name)
    if args.resource_type == SECRET and not is_customer_managed(args.props.get("kmsKeyId")):
        report_violation(f"{resource} is encrypted with the AWS-managed aws/secretsmanager key: anyone "
                         "with secretsmanager:GetSecretValue can read it. Set kms_key_id to the stack's "
                         "secrets CMK and grant kms:Decrypt to the roles that read it.")
    elif args.resource_type in (*RDS_INSTANCES, *RDS_CLUSTERS) and \
            is_true(args.props.get("storageEncrypted")) and not is_customer_managed(args.props.get("kmsKeyId")):
        report_violation(f"{resource} encrypts with the AWS-managed aws/rds key: its snapshots cannot be "
                         "shared with a backup account and the key policy cannot be narrowed. Set "
                         "kms_key_id to the stack's data CMK (a replacement: restore from a snapshot).")


policy = resource_rule(
    "hv-kms-use-customer-managed-keys",
    kind=ADVISORY,
    description="Secrets Manager secrets and RDS storage use a customer-managed KMS key.",
    severity=Severity.LOW,
    remediation_steps="One CMK per stack with rotation on (aws.kms.Key(enable_key_rotation=True)); pass it "
                      "as kms_key_id to secrets and the RDS instance.",
    anchors=(
        "checkov:CKV_AWS_149", "checkov:CKV_AWS_327",
        "pulumi:aws-secrets-manager-secret-configure-customer-managed-key",
        "pulumi:aws-rds-instance-storage-encryption-with-customer-managed-key",
    ),
    validate=validate,
)
