"""Behaviours of `pulumi preview --policy-pack` that preflight reproduces, each checked with a small
program and a small pack of our own against what the CLI's source says it reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from preflight import report_console, report_json
from preflight.cli import parse_args
from preflight.model import Report
from preflight.runner import preflight
from tests.preflight.test_gate import make_pack, write_config

WriteProgram = Callable[..., Path]

OPTIONS_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def timeouts(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue":
        t = args.opts.custom_timeouts
        report_violation(f"{args.name} create={t.create_seconds} update={t.update_seconds} "
                         f"delete={t.delete_seconds}")

PolicyPack(name="options", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="timeouts", description="d", validate=timeouts)])
"""

TIMEOUTS_PROGRAM = """
import pulumi, pulumi_aws as aws
aws.sqs.Queue("slow", opts=pulumi.ResourceOptions(
    custom_timeouts=pulumi.CustomTimeouts(create="10m", delete="1h30m")))
aws.sqs.Queue("plain")
"""


def test_custom_timeouts_reach_the_pack_in_seconds(write_program: WriteProgram, tmp_path: Path) -> None:
    report = preflight(write_program(TIMEOUTS_PROGRAM), "dev", [make_pack(tmp_path / "options", OPTIONS_PACK)])
    assert report.error is None
    # The CLI parses the Go durations and always sends the timeouts, zero where none is set.
    assert sorted(v.detail for v in report.violations) == [
        "plain create=0.0 update=0.0 delete=0.0", "slow create=600.0 update=0.0 delete=5400.0"]
    assert report.inventory is not None
    assert report.inventory.named("slow").options["customTimeouts"] == {"create": 600.0, "delete": 5400.0}
    assert "customTimeouts" not in report.inventory.named("plain").options


def test_a_custom_timeout_that_is_no_duration_fails_the_run(write_program: WriteProgram) -> None:
    program = write_program(TIMEOUTS_PROGRAM.replace('"10m"', '"ten minutes"'))
    report = preflight(program, "dev")
    assert report.exit_code == 2
    assert report.error is not None and "unable to parse customTimeout Value ten minutes" in report.error
    assert "aws:sqs/queue:Queue::slow" in report.error


DYNAMIC_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def provider_config(args, report_violation):
    if args.resource_type == "pulumi-python:dynamic:Resource":
        report_violation(f"{args.provider.urn.rsplit('::', 1)[-1]}: {sorted(args.provider.props.items())}")
    elif args.resource_type == "pulumi:providers:aws":
        report_violation(f"aws: {sorted((k, v) for k, v in args.props.items() if k != 'version')}")

PolicyPack(name="dynamic", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="provider-config", description="d", validate=provider_config)])
"""

DYNAMIC_PROGRAM = """
import pulumi, pulumi_aws as aws
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

class Provider(ResourceProvider):
    def create(self, props):
        return CreateResult("thing-1", props)

class Thing(Resource):
    def __init__(self, name):
        super().__init__(Provider(), name, {"size": 3})

Thing("thing")
aws.sqs.Queue("q")
"""


def test_dynamic_providers_get_the_whole_stack_config(write_program: WriteProgram, tmp_path: Path) -> None:
    program = write_program(DYNAMIC_PROGRAM, "demo:greeting: hello\naws:region: us-east-2\n"
                                             "demo:token:\n  secure: AAABAMq8\n")
    report = preflight(program, "dev", [make_pack(tmp_path / "dynamic", DYNAMIC_PACK)])
    assert report.error is None and report.inventory is not None
    # `Target.GetPackageConfig`: a dynamic provider gets every key with its namespace, others
    # only their package's keys without it.
    (aws_inputs, dynamic_inputs) = sorted(v.detail for v in report.violations)
    assert aws_inputs == "aws: [('region', 'us-east-2')]"
    assert dynamic_inputs.startswith("default: [('aws:region', 'us-east-2'), ('demo:greeting', 'hello'), "
                                     "('demo:token', ")
    # ... and secret config stays secret.
    (provider,) = report.inventory.of_type("pulumi:providers:pulumi-python")
    assert provider.inputs["demo:token"] == "[secret]"


PACKS = Path(__file__).parent / "packs"
REMEDIATING, AFTER_REMEDIATION = PACKS / "remediating", PACKS / "after_remediation"

QUEUES_PROGRAM = """
import pulumi, pulumi_aws as aws
jobs = aws.sqs.Queue("jobs", tags={"pillar": "aws"})
aws.sqs.Queue("owned", tags={"owner": "data"})
aws.sqs.Queue("manual-jobs")
pulumi.export("jobsTags", jobs.tags)
"""


def _changes(report: Report) -> list[tuple[str, str, list[tuple[str, Any, Any]]]]:
    return [(r.policy, r.urn.rsplit("::", 1)[-1], [(c.property, c.before, c.after) for c in r.changes])
            for r in report.remediations]


def test_remediations_are_applied_before_analysis_pack_after_pack(write_program: WriteProgram,
                                                                  tmp_path: Path) -> None:
    report = preflight(write_program(QUEUES_PROGRAM), "dev", [REMEDIATING, AFTER_REMEDIATION])
    assert report.error is None and report.inventory is not None
    # Each remediation's properties replace the inputs: the second pack remediates what the first
    # one produced (step_generator.go: sequential, in pack order).
    assert sorted(_changes(report)) == [
        ("queue-owner", "jobs", [("messageRetentionSeconds", None, 345600), ("tags.owner", None, "platform")]),
        ("team-from-owner", "jobs", [("tags.team", None, "seen-platform")]),
        ("team-from-owner", "manual-jobs", [("tags", None, {"team": "seen-nothing"})]),
        ("team-from-owner", "owned", [("tags.team", None, "seen-data")]),
    ]
    # Analyze sees the final inputs ...
    analysed = sorted(v.detail for v in report.violations if v.policy == "analysed-inputs")
    assert analysed == ["jobs analysed tags=[('owner', 'platform'), ('pillar', 'aws'), ('team', 'seen-platform')]",
                        "manual-jobs analysed tags=[('team', 'seen-nothing')]",
                        "owned analysed tags=[('owner', 'data'), ('team', 'seen-data')]"]
    # ... so a remediated resource passes the rule, and one the remediation left alone is judged
    # as mandatory (the pack enforces a remediate-level rule's validation as mandatory).
    owner = [(v.urn.rsplit("::", 1)[-1], v.enforcement_level) for v in report.violations if v.policy == "queue-owner"]
    assert owner == [("manual-jobs", "mandatory")]
    assert report.exit_code == 1
    # What would be deployed: inputs, outputs (tagsAll from the new tags) and the program's view.
    jobs = report.inventory.named("jobs")
    assert jobs.inputs["tags"] == {"pillar": "aws", "owner": "platform", "team": "seen-platform"}
    assert jobs.inputs["messageRetentionSeconds"] == 345600
    assert jobs.outputs["tagsAll"]["owner"] == "platform"
    assert report.inventory.stack_outputs["jobsTags"]["owner"] == "platform"
    stack_view = [v.detail for v in report.violations if v.policy == "stack-view" and v.detail.startswith("jobs ")]
    assert stack_view and "('owner', 'platform')" in stack_view[0]


def test_remediations_are_in_the_console_and_json_reports(write_program: WriteProgram, tmp_path: Path) -> None:
    report = preflight(write_program(QUEUES_PROGRAM), "dev", [REMEDIATING])
    console = report_console.render(report)
    assert "Remediations: 1 (analysed and deployed as changed)" in console
    assert ('queue-owner  aws:sqs/queue:Queue::jobs  messageRetentionSeconds: (absent) -> 345600; '
            'tags.owner: (absent) -> "platform"') in console
    (entry,) = report_json.to_json(report)["remediations"]
    assert entry == {"policyPack": "remediating", "policy": "queue-owner",
                     "urn": "urn:pulumi:dev::demo::aws:sqs/queue:Queue::jobs",
                     "changes": [{"property": "messageRetentionSeconds", "before": None, "after": 345600},
                                 {"property": "tags.owner", "before": None, "after": "platform"}]}


def test_only_remediate_level_rules_remediate_with_their_config(write_program: WriteProgram,
                                                                 tmp_path: Path) -> None:
    program = write_program(QUEUES_PROGRAM)
    configured = write_config(tmp_path / "owner.json", {"queue-owner": {"owner": "ops"}})
    report = preflight(program, "dev", [REMEDIATING], [configured])
    assert [changes for _, _, changes in _changes(report)] == [
        [("messageRetentionSeconds", None, 345600), ("tags.owner", None, "ops")]]
    # At mandatory the rule only validates: nothing is remediated and unowned queues fail.
    mandatory = write_config(tmp_path / "mandatory.json", {"queue-owner": "mandatory"})
    report = preflight(program, "dev", [REMEDIATING], [mandatory])
    assert report.remediations == ()
    assert sorted(v.urn.rsplit("::", 1)[-1] for v in report.mandatory_violations) == ["jobs", "manual-jobs"]


DRY_RUN_PACK = """
import pulumi
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def dry_run(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue":
        report_violation(f"pack dry_run={pulumi.runtime.is_dry_run()}")

PolicyPack(name="dry-run", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="dry-run", description="d", validate=dry_run)])
"""

DRY_RUN_PROGRAM = """
import pulumi, pulumi_aws as aws
aws.sqs.Queue("q")
pulumi.export("dryRun", pulumi.runtime.is_dry_run())
"""


def test_program_and_pack_agree_on_dry_run(write_program: WriteProgram, tmp_path: Path) -> None:
    program, pack = write_program(DRY_RUN_PROGRAM), make_pack(tmp_path / "dry", DRY_RUN_PACK)
    seen = {}
    for preview in (False, True):
        report = preflight(program, "dev", [pack], preview=preview)
        assert report.error is None and report.inventory is not None
        seen[preview] = (report.inventory.stack_outputs["dryRun"], [v.detail for v in report.violations])
    assert seen == {False: (False, ["pack dry_run=False"]), True: (True, ["pack dry_run=True"])}


UNKNOWNS_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def bucket_named(args, report_violation):
    if args.resource_type == "aws:s3/bucketPolicy:BucketPolicy" and not args.props["bucket"]:
        report_violation("no bucket")

def queue_named(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue" and not args.props["name"]:
        report_violation("no name")

PolicyPack(name="unknowns", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="policy-has-bucket", description="d", validate=bucket_named),
    ResourceValidationPolicy(name="queue-has-name", description="d", validate=queue_named,
                             enforcement_level=EnforcementLevel.ADVISORY)])
"""

UNKNOWNS_PROGRAM = """
import json, pulumi, pulumi_aws as aws
bucket = aws.s3.BucketV2("logs", bucket="hv-logs")
aws.s3.BucketPolicy("logs-policy", bucket=bucket.id,
                    policy=bucket.arn.apply(lambda arn: json.dumps({"Resource": arn})))
aws.sqs.Queue("named", name="jobs")
bucket.arn.apply(lambda arn: aws.sqs.Queue("made-in-apply", name="later"))
# An invoke whose input is unknown at preview (preflight synthesizes its answer when it is run).
aws.ec2.get_vpc_output(id=bucket.id)
"""


GET_VPC = "aws:ec2/getVpc:getVpc"


def test_preview_leaves_computed_outputs_unknown_and_lists_blind_spots(write_program: WriteProgram,
                                                                        tmp_path: Path) -> None:
    program, pack = write_program(UNKNOWNS_PROGRAM), make_pack(tmp_path / "unknowns", UNKNOWNS_PACK)
    report = preflight(program, "dev", [pack], preview=True)
    assert report.error is None and report.inventory is not None and report.preview
    by_name = {r.name: r for r in report.inventory.resources}
    # Created resources: inputs echoed back, id and computed outputs unknown; a resource created
    # inside `apply` on an unknown is never registered; an invoke on unknowns is not run.
    assert by_name["logs"].id == "" and by_name["logs"].outputs["bucket"] == "hv-logs"
    assert "arn" not in by_name["logs"].outputs
    assert by_name["logs-policy"].inputs == {"bucket": "[unknown]", "policy": "[unknown]"}
    assert "made-in-apply" not in by_name
    assert GET_VPC not in report.inventory.synthesized["invokes"]
    # The mandatory rule could not judge the policy: the CLI would say so as advisory; preflight
    # fails it, and either way the report lists it as a blind spot. The advisory rule's is none.
    (spot,) = report.blind_spots
    assert (spot.policy, spot.urn.rsplit("::", 1)[-1]) == ("policy-has-bucket", "logs-policy")
    assert "can't be known during preview" in spot.reason
    assert [v.policy for v in report.mandatory_violations] == ["policy-has-bucket"]
    assert "Blind spots: 1" in report_console.render(report)
    assert report_json.to_json(report)["blindSpots"] == [spot.to_json()]
    compatible = preflight(program, "dev", [pack], preview=True, cli_compatible=True)
    assert compatible.passed and compatible.blind_spots == report.blind_spots


def test_the_default_mode_knows_every_output(write_program: WriteProgram, tmp_path: Path) -> None:
    report = preflight(write_program(UNKNOWNS_PROGRAM), "dev", [make_pack(tmp_path / "unknowns", UNKNOWNS_PACK)])
    assert report.error is None and report.inventory is not None and not report.preview
    assert report.passed and report.blind_spots == ()
    assert report.inventory.named("made-in-apply").inputs["name"] == "later"
    assert report.inventory.named("logs-policy").inputs["bucket"] == "hv-logs"
    assert GET_VPC in report.inventory.synthesized["invokes"]


def test_preview_is_a_flag() -> None:
    assert parse_args(["--preview"]).preview and not parse_args([]).preview


UNKNOWN_TAGS_PROGRAM = """
import pulumi_aws as aws
bucket = aws.s3.BucketV2("logs")
aws.sqs.Queue("jobs", tags=bucket.arn.apply(lambda arn: {"source": arn}))
"""


def test_a_remediation_that_cannot_run_at_preview_is_no_pass(write_program: WriteProgram) -> None:
    program = write_program(UNKNOWN_TAGS_PROGRAM)
    levels = {}
    for compatible in (False, True):
        report = preflight(program, "dev", [REMEDIATING], preview=True, cli_compatible=compatible)
        assert report.error is None and report.remediations == ()
        (cannot,) = [v for v in report.violations if v.message.startswith("can't run remediation 'queue-owner'")]
        assert cannot.urn.endswith("aws:sqs/queue:Queue::jobs")
        (unchecked,) = [v for v in report.violations if v.message.startswith("can't run policy 'queue-owner'")]
        levels[compatible] = (cannot.enforcement_level, "preflight raises it to mandatory" in cannot.message,
                              unchecked.enforcement_level, report.exit_code)
        # Neither the fix nor the check (on the unremediated, unknown tags) could run.
        assert [(s.policy, s.urn.rsplit("::", 1)[-1]) for s in report.blind_spots] == [("queue-owner", "jobs")] * 2
    # The CLI shows both as warnings; preflight will not let an unapplied fix or an unrun check pass.
    assert levels == {False: ("mandatory", True, "mandatory", 1), True: ("advisory", False, "advisory", 0)}
