"""PublicIngress: the one internet-facing ALB, its certificate, DNS and listeners."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .buckets import PrivateBucket, PrivateBucketArgs
from .compute_config import ACM_MAX_NAMES
from .context import StackContext

DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
WORLD_PORTS = (80, 443)
ACCESS_LOG_PREFIX = "alb"
ACCESS_LOG_EXPIRY_DAYS = 90


@dataclass(frozen=True, kw_only=True)
class PublicIngressArgs:
    context: StackContext
    zone: str
    hosts: Sequence[str]
    vpc_id: pulumi.Input[str]
    public_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    deletion_protection: bool
    access_logs: bool
    # A disposable stack's log bucket is emptied on delete, so `destroy` is not stopped by old logs.
    access_logs_force_destroy: bool
    tags: Mapping[str, str]
    tls_policy: str = DEFAULT_TLS_POLICY


class PublicIngress(pulumi.ComponentResource):
    """Internet-facing ALB: HTTPS on TLS 1.3 with a DNS-validated certificate for every host,
    HTTP only redirecting, invalid headers dropped. Its security group is the only one in the
    account open to the world, and only on 80/443."""

    def __init__(self, name: str, args: PublicIngressArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hv:ingress:PublicIngress", name, None, opts)
        if not args.hosts:
            raise ValueError("PublicIngress needs at least one host")
        if len(args.hosts) > ACM_MAX_NAMES:
            raise ValueError(f"PublicIngress has {len(args.hosts)} hosts; one ACM certificate holds at most "
                             f"{ACM_MAX_NAMES} names")
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)

        self.security_group = self._create_security_group()
        self.access_log_bucket = self._create_access_log_bucket() if args.access_logs else None
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb", name=f"{args.context.name_prefix}-alb", internal=False,
            load_balancer_type="application", security_groups=[self.security_group.id],
            subnets=args.public_subnet_ids, drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection, idle_timeout=60,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=self.access_log_bucket.bucket.bucket, prefix=ACCESS_LOG_PREFIX, enabled=True)
            if self.access_log_bucket else None,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.access_log_bucket.policy]
                                        if self.access_log_bucket else []))
        zone = aws.route53.get_zone(name=args.zone, private_zone=False,
                                    opts=pulumi.InvokeOptions(parent=self))
        self.zone_id = zone.zone_id
        self.certificate, self.certificate_validation = self._create_certificate()
        self.https_listener = aws.lb.Listener(
            f"{name}-https", load_balancer_arn=self.load_balancer.arn, port=443, protocol="HTTPS",
            ssl_policy=args.tls_policy,
            # The validation's ARN makes the listener wait until the certificate is issued.
            certificate_arn=self.certificate_validation.certificate_arn,
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="fixed-response", fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type="text/plain", message_body="Not found", status_code="404"))],
            tags=dict(args.tags), opts=self._child)
        self.http_listener = aws.lb.Listener(
            f"{name}-http", load_balancer_arn=self.load_balancer.arn, port=80, protocol="HTTP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="redirect", redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                    protocol="HTTPS", port="443", status_code="HTTP_301"))],
            tags=dict(args.tags), opts=self._child)
        self.alias_records = [
            aws.route53.Record(
                f"{name}-alias-{host}", zone_id=self.zone_id, name=host, type="A",
                aliases=[aws.route53.RecordAliasArgs(
                    name=self.load_balancer.dns_name, zone_id=self.load_balancer.zone_id,
                    evaluate_target_health=True)],
                opts=self._child)
            for host in args.hosts
        ]

        self.dns_name = self.load_balancer.dns_name
        self.register_outputs({
            "alb_arn": self.load_balancer.arn,
            "alb_dns_name": self.dns_name,
            "security_group_id": self.security_group.id,
            "https_listener_arn": self.https_listener.arn,
            "certificate_arn": self.certificate.arn,
        })

    def _create_security_group(self) -> aws.ec2.SecurityGroup:
        group = aws.ec2.SecurityGroup(
            f"{self._name}-alb-sg", name=f"{self._args.context.name_prefix}-alb", vpc_id=self._args.vpc_id,
            description="Public ALB: HTTP and HTTPS from anywhere; out only to service ports",
            tags=dict(self._args.tags), opts=self._child)
        for port in WORLD_PORTS:
            for family, cidr in (("ipv4", "0.0.0.0/0"), ("ipv6", "::/0")):
                aws.vpc.SecurityGroupIngressRule(
                    f"{self._name}-alb-{port}-{family}", security_group_id=group.id, ip_protocol="tcp",
                    from_port=port, to_port=port, cidr_ipv4=cidr if family == "ipv4" else None,
                    cidr_ipv6=cidr if family == "ipv6" else None, description=f"{port} from the internet",
                    tags=dict(self._args.tags), opts=self._child)
        return group

    def _create_access_log_bucket(self) -> PrivateBucket:
        args = self._args
        log_arn = (f"arn:aws:s3:::{args.context.name_prefix}-alb-logs-{args.context.account_id}/{ACCESS_LOG_PREFIX}"
                   f"/AWSLogs/{args.context.account_id}/*")
        elb_account = aws.elb.get_service_account(opts=pulumi.InvokeOptions(parent=self))
        return PrivateBucket(f"{self._name}-logs", PrivateBucketArgs(
            bucket_name=f"{args.context.name_prefix}-alb-logs-{args.context.account_id}",
            versioning=False, expire_after_days=ACCESS_LOG_EXPIRY_DAYS, tags=args.tags,
            force_destroy=args.access_logs_force_destroy,
            # ELB delivers access logs as the regional Elastic Load Balancing account.
            extra_statements=[{"Sid": "ElbLogDelivery", "Effect": "Allow",
                               "Principal": {"AWS": elb_account.arn}, "Action": "s3:PutObject",
                               "Resource": log_arn}],
        ), opts=self._child)

    def _create_certificate(self) -> tuple[aws.acm.Certificate, aws.acm.CertificateValidation]:
        hosts = list(self._args.hosts)
        certificate = aws.acm.Certificate(
            f"{self._name}-certificate", domain_name=hosts[0], subject_alternative_names=hosts[1:],
            validation_method="DNS", key_algorithm="RSA_2048", tags=dict(self._args.tags),
            # Hosts force replacement. A certificate has no name to collide on, so create-first
            # works: the listener moves to the new one, then the old (no longer in use) is deleted.
            opts=self._child)
        # One record per host, known before deploy: the set of resources never depends on outputs.
        records = []
        for host in hosts:
            record = certificate.domain_validation_options.apply(functools.partial(_validation_record, host))
            records.append(aws.route53.Record(
                f"{self._name}-validation-{host}", zone_id=self.zone_id,
                name=record.apply(lambda r: r[0]), type=record.apply(lambda r: r[1]),
                records=[record.apply(lambda r: r[2])], ttl=60, allow_overwrite=True, opts=self._child))
        validation = aws.acm.CertificateValidation(
            f"{self._name}-certificate-validation", certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn for record in records], opts=self._child)
        return certificate, validation


def _validation_record(host: str, options: Sequence[aws.acm.outputs.CertificateDomainValidationOption]
                       ) -> tuple[str, str, str]:
    """The DNS record (name, type, value) that proves control of `host` to ACM."""
    option = next(option for option in options if option.domain_name == host)
    return (option.resource_record_name or "", option.resource_record_type or "",
            option.resource_record_value or "")
