"""Outputs and invoke results synthesized from the provider SDK's declared types."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pulumi_aws
import pytest

from preflight import synthesize
from preflight.engine import run_program
from preflight.model import PreflightError
from preflight.project import load_program

WriteProgram = Callable[..., Path]

PINNED = """
aws:region: us-east-2
aws:allowedAccountIds: ["891377221201"]
"""

PROGRAM = """
import pulumi, pulumi_aws as aws
ami = aws.ec2.get_ami(owners=["amazon"], most_recent=True,
                      filters=[aws.ec2.GetAmiFilterArgs(name="name", values=["al2023-*"])])
vpc = aws.ec2.get_vpc(default=True)
token = aws.ecr.get_authorization_token()
api = aws.apigatewayv2.Api("api", protocol_type="HTTP")
cluster = aws.eks.Cluster("cluster", role_arn="arn:aws:iam::891377221201:role/eks",
                          vpc_config={"subnet_ids": ["subnet-0123"]})
pulumi.export("endpoint", api.api_endpoint.apply(lambda e: e + "/"))
pulumi.export("executionArn", api.execution_arn)
pulumi.export("caData", cluster.certificate_authority.data.apply(lambda d: d.upper()))
pulumi.export("ami", ami.id)
pulumi.export("owners", ami.owners)
pulumi.export("vpc", vpc.id)
pulumi.export("proxy", token.proxy_endpoint)
"""


def _run(directory: Path):  # type: ignore[no-untyped-def]
    return run_program(load_program(directory, "dev"))


def test_computed_outputs_and_unanswered_invokes_are_synthesized(write_program: WriteProgram) -> None:
    inventory = _run(write_program(PROGRAM, PINNED))
    outputs = inventory.stack_outputs
    assert re.fullmatch(r"https://\w+\.apigatewayv2\.us-east-2\.amazonaws\.com/", outputs["endpoint"])
    assert outputs["executionArn"].startswith("arn:aws:apigatewayv2:us-east-2:891377221201:")
    assert outputs["caData"]
    assert re.fullmatch(r"ami-[0-9a-f]{17}", outputs["ami"])
    assert outputs["owners"] == ["amazon"]  # arguments echoed where the result declares them
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", outputs["vpc"])
    assert outputs["proxy"].startswith("https://")
    api = inventory.named("api")
    # Optional inputs the program left unset stay unset: a policy never sees an invented setting.
    assert "corsConfiguration" not in api.outputs and "body" not in api.outputs


def test_synthesized_answers_are_deterministic(write_program: WriteProgram) -> None:
    directory = write_program(PROGRAM, PINNED)
    first, second = _run(directory), _run(directory)
    assert first.stack_outputs == second.stack_outputs
    assert [r.outputs for r in first.resources] == [r.outputs for r in second.resources]


def test_an_invoke_without_a_declared_result_is_an_error(write_program: WriteProgram) -> None:
    directory = write_program("""
        import pulumi
        pulumi.runtime.invoke("aws:nowhere/getNothing:getNothing", {})
    """, PINNED)
    with pytest.raises(PreflightError, match=r"no answer for the invoke aws:nowhere/getNothing"):
        _run(directory)


def _resource_tokens() -> list[str]:
    registry = json.loads(re.search(r'resource_modules="""(.*?)"""', Path(
        pulumi_aws.__file__).read_text(), re.S).group(1))  # type: ignore[union-attr]
    return sorted(token for module in registry for token in module["classes"])


def _function_tokens() -> list[str]:
    root = Path(pulumi_aws.__file__).parent
    tokens = []
    for path in sorted(root.glob("**/get_*.py")):
        module = "index" if path.parent == root else path.parent.name.rstrip("_")
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), path.stem)
        tokens.append(f"aws:{module}/{camel}:{camel}")
    return tokens


SCOPE = synthesize.Scope(seed="sample", service="svc", kind="thing", name="thing",
                         region="us-east-2", account="891377221201")


def _check(cls: type, values: dict[str, object]) -> list[str]:
    declared = dict(synthesize.declared_properties(cls))
    return [f"{cls.__qualname__}.{key}={value!r}" for key, value in values.items()
            if not synthesize.matches(value, declared[key])]


def test_synthesized_outputs_match_declared_types_over_a_sample_of_resources() -> None:
    tokens = _resource_tokens()[::5]  # every fifth of ~1,700: a deterministic sample
    assert len(tokens) > 300
    wrong, missing = [], []
    for token in tokens:
        cls = synthesize.resource_class(token)
        if cls is None:
            missing.append(token)
            continue
        outputs = synthesize.resource_outputs(token, SCOPE, {})
        wrong += _check(cls, outputs)
        assert all(value.startswith("arn:aws:svc:us-east-2:891377221201:") for key, value
                   in outputs.items() if key.endswith("Arn") and isinstance(value, str)), token
    assert not missing and not wrong


def test_synthesized_invoke_results_match_declared_types_over_a_sample_of_functions() -> None:
    tokens = _function_tokens()[::2]
    assert len(tokens) > 250
    wrong, missing = [], []
    for token in tokens:
        cls = synthesize.function_result_class(token)
        if cls is None:
            missing.append(token)
            continue
        result = synthesize.invoke_result(token, SCOPE, {})
        assert result is not None and set(result) == {w for w, _ in synthesize.declared_properties(cls)}
        wrong += _check(cls, result)
    assert not missing and not wrong


REFERENCES = """
import pulumi, pulumi_aws as aws
role = aws.iam.Role("role", assume_role_policy='{"Version":"2012-10-17","Statement":[]}')
aws.iam.RolePolicyAttachment("attach", role=role, policy_arn="arn:aws:iam::891377221201:policy/p")
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.12", handler="x.h",
                          code=pulumi.AssetArchive({"x.py": pulumi.StringAsset("def h(e, c): pass")}))
aws.lambda_.Permission("permit", function=fn, action="lambda:InvokeFunction",
                       principal="s3.amazonaws.com")
aws.s3.BucketObject("object", bucket="b", source=pulumi.FileAsset("data.txt"))
"""


def test_resource_references_go_as_ids_and_runs_are_identical(write_program: WriteProgram) -> None:
    directory = write_program(REFERENCES, PINNED)
    (directory / "data.txt").write_text("hello\n")
    runs = [_run(directory) for _ in range(5)]
    inventory = runs[0]
    role, fn = inventory.named("role"), inventory.named("fn")
    assert inventory.named("attach").inputs["role"] == role.id
    assert inventory.named("permit").inputs["function"] == fn.id
    assert all(json.dumps([r.to_json() for r in run.resources]) ==
               json.dumps([r.to_json() for r in inventory.resources]) for run in runs[1:])


def test_assets_and_archives_are_serialized_as_the_engine_does(write_program: WriteProgram) -> None:
    directory = write_program(REFERENCES, PINNED)
    (directory / "data.txt").write_text("hello\n")
    inventory = _run(directory)
    sig = "4dabf18193072939515e22adb298388d"
    code = inventory.named("fn").outputs["code"]
    assert code[sig] == "0def7320c3a5731c473e5ecbe6d01bc7"
    member = code["assets"]["x.py"]
    assert member["text"] == "def h(e, c): pass"
    assert member["hash"] == "ee96199c128ff644b0c378cd8bbf1c40a4aa12ab6ab2690816554d24488659ba"
    source = inventory.named("object").inputs["source"]
    assert source[sig] == "c44067f5952c0a294b673a41bacd8c17" and source["path"] == "data.txt"
    assert source["hash"] == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    json.dumps([r.to_json() for r in inventory.resources])  # the report can hold every value
