"""The policy gate: run real CrossGuard packs over their analyzer gRPC protocol, as the CLI does.

Each pack is started like `pulumi-analyzer-policy-python` starts it (its directory as cwd,
`python -u -m pulumi.policy <engine> .` with its logging sent to stderr, PULUMI_CONFIG/PROJECT/
STACK/DRY_RUN set, the port read from stdout, then stdout read to its end). The policy config
is reconciled here, like the CLI does (schema defaults, the pack's
initial config, then the config file: `all` first, then per policy; then JSON-schema validation),
because the Python server does none of it and would treat a policy sent without a level as
advisory. Then `Analyze` per resource (inputs), `AnalyzeStack` once (outputs, parents,
dependencies), and the pack is stopped.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import grpc
import jsonschema
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .engine import _package_version
from .model import STACK_TYPE, Inventory, NotApplicable, PreflightError, ResourceRecord, Violation
from .project import ProgramSpec, read_yaml

LEVELS = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory",
          analyzer_pb2.DISABLED: "disabled", analyzer_pb2.REMEDIATE: "remediate"}
LEVEL_CODES = {name: code for code, name in LEVELS.items()}
# The pack's tag for rules of the contract: mandatory always, no exceptions.
CONTRACT_TAG = "contract"
CANNOT_RUN_MARKER = "during preview"
PORT_TIMEOUT_SECONDS = 60.0
CALL_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class PolicyMeta:
    name: str
    level: str
    tags: tuple[str, ...]
    schema: Mapping[str, Any]
    required: tuple[str, ...]


@dataclass
class PolicyPackProcess:
    """One running pack and the client talking to it."""

    directory: Path
    process: subprocess.Popen[bytes]
    stderr: IO[bytes]
    channel: grpc.Channel | None = None
    name: str = ""
    version: str = ""
    policies: dict[str, PolicyMeta] = field(default_factory=dict)
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The pack's stdout after its port (what its policies print), last lines only.
    stdout: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=15))

    def stderr_tail(self, lines: int = 15) -> str:
        self.stderr.seek(0)
        text = self.stderr.read().decode(errors="replace").strip().splitlines()
        printed = list(self.stdout)
        return "\n".join(text[-lines:] + (["(printed by the pack:)", *printed] if printed else []))

    def call(self, what: str, method: Any, request: Any) -> Any:
        return self.result(what, method.future(request, timeout=CALL_TIMEOUT_SECONDS))

    def result(self, what: str, future: Any) -> Any:
        """The answer to a call sent earlier, or a PreflightError naming what failed and why."""
        try:
            return future.result()
        except grpc.RpcError as error:
            detail = error.details() if hasattr(error, "details") else str(error)
            tail = self.stderr_tail()
            raise PreflightError(f"policy pack {self.directory} failed during {what}: {detail}"
                                 + (f"\n{tail}" if tail else "")) from None

    @property
    def stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        """The client, once the pack has announced its port (it boots while the program runs)."""
        if self.channel is None:
            port = _read_port(self.process, self.stderr, self.directory, self.stdout)
            self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            self._stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        return self._stub

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process.poll() is None:
            # The pack's server loop stops cleanly on KeyboardInterrupt.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()


def pack_python(directory: Path) -> str:
    """The interpreter the CLI would use: the pack's configured virtualenv, else ours."""
    policy_file = directory / "PulumiPolicy.yaml"
    settings = read_yaml(policy_file) if policy_file.is_file() else None
    runtime = settings.get("runtime") if isinstance(settings, dict) else None
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
    if virtualenv:
        candidate = (directory / virtualenv / "bin" / "python")
        if candidate.is_file():
            return str(candidate)
    return sys.executable


# `python -m pulumi.policy`, plus logging to stderr: grpc logs a policy's exception (type and
# traceback) but its logger has only a NullHandler, so without this the traceback is lost.
_BOOT = ("import logging, runpy; logging.basicConfig(format='%(message)s'); "
         "runpy.run_module('pulumi.policy', run_name='__main__', alter_sys=True)")


def launch_pack(directory: str | Path, spec: ProgramSpec) -> PolicyPackProcess:
    pack_dir = Path(directory).resolve()
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        # The CLI reads the pack's runtime from this file and refuses a directory without it.
        raise PreflightError(f"--policy-pack {directory}: no PulumiPolicy.yaml there (a policy pack "
                             "directory holds PulumiPolicy.yaml naming its runtime, e.g. `runtime: python`)")
    if not (pack_dir / "__main__.py").is_file():
        raise PreflightError(f"--policy-pack {directory}: no __main__.py there (not a Python policy pack)")
    env = {**os.environ, "PULUMI_CONFIG": json.dumps(dict(spec.config)),
           "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(spec.secret_keys)),
           "PULUMI_PROJECT": spec.project, "PULUMI_STACK": spec.stack,
           "PULUMI_DRY_RUN": "true" if spec.dry_run else "false",
           "PULUMI_ORGANIZATION": "organization"}
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by PolicyPackProcess.stop
    process = subprocess.Popen(
        [pack_python(pack_dir), "-u", "-c", _BOOT, "127.0.0.1:0", "."],
        cwd=pack_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
    return PolicyPackProcess(directory=pack_dir, process=process, stderr=stderr)


def _read_port(process: subprocess.Popen[bytes], stderr: IO[bytes], pack_dir: Path,
               output: collections.deque[str]) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + PORT_TIMEOUT_SECONDS
    line = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            break
        if process.poll() is not None:
            break
    text = line.decode(errors="replace").strip()
    if text.isdigit():
        # Keep reading: a policy's print() must never fill the pipe and block the pack.
        threading.Thread(target=_drain, args=(process.stdout, output), daemon=True).start()
        return int(text)
    process.kill()
    process.wait()
    stderr.seek(0)
    tail = "\n".join(stderr.read().decode(errors="replace").strip().splitlines()[-15:])
    raise PreflightError(f"policy pack {pack_dir} did not start (exit code {process.returncode}, "
                         f"stdout {text!r}):\n{tail}")


def _drain(stdout: IO[bytes], sink: collections.deque[str]) -> None:
    """Read the pack's stdout to its end, keeping the last lines for error messages."""
    for line in iter(stdout.readline, b""):
        sink.append(line.decode(errors="replace").rstrip("\n"))


def describe_pack(pack: PolicyPackProcess, spec: ProgramSpec) -> analyzer_pb2.AnalyzerInfo:
    try:
        pack.stub.Handshake(analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address="127.0.0.1:0", root_directory=str(spec.directory),
            program_directory=str(spec.directory)), timeout=CALL_TIMEOUT_SECONDS)
    except grpc.RpcError as error:
        # Python packs answer UNIMPLEMENTED; the CLI carries on, and so do we.
        if error.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise PreflightError(f"policy pack {pack.directory} refused the handshake: "
                                 f"{error.details()}") from None
    pack.call("ConfigureStack", pack.stub.ConfigureStack, analyzer_pb2.AnalyzerStackConfigureRequest(
        stack=spec.stack, project=spec.project, organization="organization", dry_run=spec.dry_run,
        config=dict(spec.config), config_secret_keys=list(spec.secret_keys), tags=dict(spec.stack_tags)))
    info: analyzer_pb2.AnalyzerInfo = pack.call("GetAnalyzerInfo", pack.stub.GetAnalyzerInfo,
                                                empty_pb2.Empty())
    pack.name, pack.version = info.name, info.version
    for policy in info.policies:
        schema = json_format.MessageToDict(policy.configSchema.properties)
        pack.policies[policy.name] = PolicyMeta(
            name=policy.name, level=LEVELS[policy.enforcementLevel], tags=tuple(policy.tags),
            schema=schema, required=tuple(policy.configSchema.required))
    return info


STRICTER = "the CLI would accept this; preflight refuses it because"


def reconcile_config(pack: PolicyPackProcess, info: analyzer_pb2.AnalyzerInfo, config_file: Path | None,
                     cli_compatible: bool = False) -> dict[str, dict[str, Any]]:
    """Each policy's final level and properties, as the CLI would send them in Configure. Like the
    CLI, every error of every policy is collected ("<policy>: <error>") and all are reported."""
    config: dict[str, dict[str, Any]] = {}
    for meta in pack.policies.values():
        defaults = {key: spec["default"] for key, spec in meta.schema.items()
                    if isinstance(spec, dict) and "default" in spec}
        config[meta.name] = {"enforcementLevel": meta.level, "properties": defaults}
    for name, initial in info.initialConfig.items():
        if name in config:
            config[name]["enforcementLevel"] = LEVELS[initial.enforcementLevel]
            config[name]["properties"].update(json_format.MessageToDict(initial.properties))
    errors: list[str] = []
    if config_file is not None:
        errors += _apply_config_file(pack, config, config_file, cli_compatible)
    for name, entry in config.items():
        meta = pack.policies[name]
        if CONTRACT_TAG in meta.tags and entry["enforcementLevel"] != "mandatory":
            errors.append(f"{name} is a contract rule and must stay mandatory "
                          f"(the config makes it {entry['enforcementLevel']})")
        if CONTRACT_TAG in meta.tags and "exceptions" in entry["properties"]:
            errors.append(f"{name} is a contract rule and accepts no exceptions")
        # The CLI's schema: type, properties, required (undeclared properties pass).
        schema = {"type": "object", "properties": dict(meta.schema), "required": list(meta.required)}
        validator = jsonschema.Draft7Validator(schema)
        for error in sorted(validator.iter_errors(entry["properties"]), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path)
            errors.append(f"{name}: {path + ': ' if path else ''}{error.message}")
        undeclared = sorted(set(entry["properties"]) - set(meta.schema))
        if undeclared and not cli_compatible:
            errors.append(f"{name}: {', '.join(map(repr, undeclared))} not declared by the rule's schema "
                          f"({STRICTER} an undeclared property is most likely a typo that the rule "
                          f"ignores; declared: {', '.join(sorted(meta.schema)) or 'none'})")
    if errors:
        where = str(config_file) if config_file else f"policy pack {pack.name}"
        raise PreflightError(f"{where}: policy config of pack {pack.name} is invalid:\n"
                             + "\n".join(f"  - {error}" for error in errors))
    pack.config = config
    return config


def _apply_config_file(pack: PolicyPackProcess, config: dict[str, dict[str, Any]], path: Path,
                       cli_compatible: bool) -> list[str]:
    """Apply the file; returns the config errors found (policies the pack does not have)."""
    errors = []
    try:
        document = json.loads(path.read_text())
    except OSError as error:
        raise PreflightError(f"--policy-pack-config {path}: cannot be read ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise PreflightError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise PreflightError(f"{path}: expected a JSON object of policy names")
    entries = sorted(document.items(), key=lambda item: item[0] != "all")  # `all` applies first
    for name, value in entries:
        targets = list(config) if name == "all" else [name]
        level, properties = _split_entry(path, name, value)
        if name != "all" and name not in config:
            # The CLI keeps such an entry and the pack never uses it.
            if not cli_compatible:
                errors.append(f"{name!r} is not a policy of pack {pack.name} ({STRICTER} a config for a "
                              f"policy that does not exist configures nothing; policies: "
                              f"{', '.join(sorted(config))})")
            continue
        for target in targets:
            if level is not None:
                config[target]["enforcementLevel"] = level
            if name != "all":
                config[target]["properties"].update(properties)
    return errors


def _split_entry(path: Path, name: str, value: Any) -> tuple[str | None, dict[str, Any]]:
    if isinstance(value, str):
        level, properties = value, {}
    elif isinstance(value, dict):
        properties = dict(value)
        level = properties.pop("enforcementLevel", None)
    else:
        raise PreflightError(f"{path}: {name}: expected an enforcement level or an object")
    if level is not None and level not in LEVEL_CODES:
        raise PreflightError(f"{path}: {name}: enforcement level {level!r} is not one of "
                             f"{', '.join(LEVEL_CODES)}")
    return level, properties


def configure(pack: PolicyPackProcess, config: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    policy_config = {}
    for name, entry in (pack.config if config is None else config).items():
        properties = struct_pb2.Struct()
        properties.update(entry["properties"])
        policy_config[name] = analyzer_pb2.PolicyConfig(
            enforcementLevel=LEVEL_CODES[entry["enforcementLevel"]], properties=properties)
    pack.call("Configure", pack.stub.Configure,
              analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(dict(value), struct_pb2.Struct())


def _parent(resource: ResourceRecord) -> str:
    # The CLI registers default providers itself, without a parent.
    return "" if resource.options.get("default") else resource.parent


def _inputs(resource: ResourceRecord) -> Mapping[str, Any]:
    """Wire inputs as the CLI holds them: a provider's carry its plugin `version`, which the
    CLI adds from the SDK's registration (preflight's recording has no such field)."""
    if not resource.is_provider or "version" in resource.wire_inputs:
        return resource.wire_inputs
    version = _package_version(resource.package)
    return {**resource.wire_inputs, "version": version} if version else resource.wire_inputs


def _options(resource: ResourceRecord) -> analyzer_pb2.AnalyzerResourceOptions:
    options = resource.options
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(options.get("protect")), ignoreChanges=list(options.get("ignoreChanges", [])),
        deleteBeforeReplace=bool(options.get("deleteBeforeReplace")),
        deleteBeforeReplaceDefined="deleteBeforeReplace" in options,
        additionalSecretOutputs=list(options.get("additionalSecretOutputs", [])),
        # Always sent, zero where none is set, as the CLI sends it.
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(**options.get("customTimeouts", {})),
        parent=_parent(resource))


def _provider(resource: ResourceRecord, by_urn: Mapping[str, ResourceRecord]
              ) -> analyzer_pb2.AnalyzerProviderResource | None:
    provider = by_urn.get(resource.provider.rsplit("::", 1)[0]) if resource.provider else None
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, properties=_struct(_inputs(provider)), urn=provider.urn,
        name=provider.name)


def send_analyze(pack: PolicyPackProcess, resource: ResourceRecord, providers: Mapping[str, ResourceRecord]) -> Any:
    """Send `Analyze` on the resource's inputs, with its provider, as the CLI does per step;
    returns the pending call, so that requests do not wait on each other's answers."""
    return pack.stub.Analyze.future(_analyze_request(resource, providers), timeout=CALL_TIMEOUT_SECONDS)


def _analyze_request(resource: ResourceRecord, providers: Mapping[str, ResourceRecord]) -> Any:
    return analyzer_pb2.AnalyzeRequest(
        type=resource.type, properties=_struct(_inputs(resource)), urn=resource.urn, name=resource.name,
        options=_options(resource), provider=_provider(resource, providers))


def failing_policy(pack: PolicyPackProcess, request: Any) -> str | None:
    """The policy whose exception failed an `Analyze`: the pack's error does not name it, so each
    enabled policy is run alone on the same request. The pack is left so configured (the run has
    failed anyway)."""
    enabled = [name for name, entry in sorted(pack.config.items()) if entry["enforcementLevel"] != "disabled"]
    for name in enabled:
        alone = {other: {**entry, "enforcementLevel": entry["enforcementLevel"] if other == name else "disabled"}
                 for other, entry in pack.config.items()}
        configure(pack, alone)
        try:
            pack.stub.Analyze(request, timeout=CALL_TIMEOUT_SECONDS)
        except grpc.RpcError:
            return name
    return None


def analyze_stack(pack: PolicyPackProcess, inventory: Inventory) -> analyzer_pb2.AnalyzeResponse:
    """`AnalyzeStack` once, on outputs, with parents and (property) dependencies."""
    by_urn = inventory.by_urn()
    resources = [
        analyzer_pb2.AnalyzerResource(
            type=resource.type, properties=_struct(resource.wire_outputs or _inputs(resource)),
            urn=resource.urn, name=resource.name, options=_options(resource),
            provider=_provider(resource, by_urn), parent=_parent(resource),
            dependencies=list(resource.dependencies),
            propertyDependencies={key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
                                  for key, urns in resource.property_dependencies.items() if urns})
        for resource in inventory.resources
    ]
    response: analyzer_pb2.AnalyzeResponse = pack.call(
        "AnalyzeStack", pack.stub.AnalyzeStack, analyzer_pb2.AnalyzeStackRequest(resources=resources))
    return response


_END = object()


class PackSession:
    """One pack judging one run of the program while it runs, as the CLI's analyzer plugin does:
    a worker thread configures the pack (waiting for it to boot) and sends `Analyze` for each
    resource as it is registered; `finish` adds `AnalyzeStack` once the inventory is complete."""

    def __init__(self, pack: PolicyPackProcess, spec: ProgramSpec, config_file: Path | None,
                 cli_compatible: bool = False) -> None:
        self.pack = pack
        self._cli_compatible = cli_compatible
        self._spec = spec
        self._config_file = config_file
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._providers: dict[str, ResourceRecord] = {}
        self._submitted: list[ResourceRecord] = []
        self._violations: list[Violation] = []
        self._not_applicable: list[NotApplicable] = []
        self._error: Exception | None = None
        # Set once the pack is configured, or has failed (then `failed` is true): remediation waits on it.
        self.configured = threading.Event()
        self._worker = threading.Thread(target=self._work, name=f"analyze-{pack.directory.name}", daemon=True)
        self._worker.start()

    def submit(self, resource: ResourceRecord) -> None:
        self._queue.put(resource)

    def _work(self) -> None:
        try:
            info = describe_pack(self.pack, self._spec)
            reconcile_config(self.pack, info, self._config_file, cli_compatible=self._cli_compatible)
            configure(self.pack)
            self.configured.set()
            pending = []
            while (resource := self._queue.get()) is not _END:
                if resource.is_provider:
                    self._providers[resource.urn] = resource
                self._submitted.append(resource)
                pending.append((resource.urn, send_analyze(self.pack, resource, self._providers)))
            for urn, future in pending:
                try:
                    response = self.pack.result(f"Analyze of {urn}", future)
                except PreflightError as error:
                    resource = next(r for r in self._submitted if r.urn == urn)
                    culprit = failing_policy(self.pack, _analyze_request(resource, self._providers))
                    if culprit is None:
                        raise
                    where = f"during Analyze of {urn}"
                    raise PreflightError(str(error).replace(where, f"{where} (policy {culprit!r} raised)", 1)
                                         ) from None
                _collect(self.pack, response, urn, self._violations, self._not_applicable,
                         cli_compatible=self._cli_compatible)
        except Exception as error:  # noqa: BLE001 - re-raised by finish(), in the caller's thread
            # A worker that dies must fail the run: an analysis that never happened is not a pass.
            self._error = error
            self.configured.set()

    @property
    def failed(self) -> bool:
        return self._error is not None

    def finish(self, inventory: Inventory) -> tuple[list[Violation], list[NotApplicable]]:
        self._queue.put(_END)
        self._worker.join()
        if self._error is not None:
            raise self._error
        stack_urn = next((r.urn for r in inventory.resources if r.type == STACK_TYPE), "")
        _collect(self.pack, analyze_stack(self.pack, inventory), "", self._violations, self._not_applicable,
                 stack_urn=stack_urn, cli_compatible=self._cli_compatible)
        violations = self._violations + unmatched_exceptions(self.pack, inventory)
        # Analysis follows registration, which is concurrent: sort so that reports are reproducible
        # (stably: a rule's messages about one resource keep the order the rule gave them).
        violations.sort(key=lambda v: (v.policy_pack, v.policy, v.urn))
        self._not_applicable.sort(key=lambda n: (n.policy_pack, n.policy, n.urn))
        return violations, self._not_applicable


def _collect(pack: PolicyPackProcess, response: Any, urn: str, violations: list[Violation],
             not_applicable: list[NotApplicable], *, stack_urn: str = "", cli_compatible: bool = False) -> None:
    """Diagnostics as the CLI attributes them: a resource's to the analysed resource (whatever URN
    the pack names), the stack's to the URN the pack names, else the root stack."""
    for diagnostic in response.diagnostics:
        level = LEVELS[diagnostic.enforcementLevel]
        message = diagnostic.message
        configured = pack.config.get(diagnostic.policyName, {}).get("enforcementLevel", level)
        if configured == "remediate":  # the pack enforces a remediate-level rule's checks as mandatory
            configured = "mandatory"
        if (not cli_compatible and CANNOT_RUN_MARKER in message and message.startswith("can't run policy")
                and configured != level):
            # An unknown value is never a silent pass: the rule fails at its configured level.
            level = configured
            message += (f"\n(the CLI would report this as {LEVELS[diagnostic.enforcementLevel]}; preflight "
                        f"raises it to {level} because a rule that cannot see a value has not passed)")
        violations.append(Violation(policy_pack=diagnostic.policyPackName or pack.name,
                                    policy=diagnostic.policyName, enforcement_level=level,
                                    urn=urn or diagnostic.urn or stack_urn, message=message))
    for entry in response.not_applicable:
        not_applicable.append(NotApplicable(policy_pack=pack.name, policy=entry.policy_name,
                                            urn=urn, reason=entry.reason))


@contextlib.contextmanager
def running_packs(directories: Sequence[str | Path], spec: ProgramSpec) -> Iterator[list[PolicyPackProcess]]:
    """Start every pack (they boot while the program runs); always stop them."""
    packs: list[PolicyPackProcess] = []
    try:
        for directory in directories:
            packs.append(launch_pack(directory, spec))
        yield packs
    finally:
        for pack in packs:
            pack.stop()


def gate(packs: Sequence[PolicyPackProcess], config_files: Sequence[Path | None], spec: ProgramSpec,
         inventory: Inventory, cli_compatible: bool = False) -> tuple[list[Violation], list[NotApplicable]]:
    """Judge a finished inventory with every pack (preflight itself streams while the program runs).
    Nothing is remediated here: remediation changes what is registered, so it runs with the program."""
    sessions = [PackSession(pack, spec, config_file, cli_compatible)
                for pack, config_file in zip(packs, config_files, strict=True)]
    for session in sessions:
        for resource in inventory.resources:
            session.submit(resource)
    return finish_sessions(sessions, inventory)


def finish_sessions(sessions: Sequence[PackSession],
                    inventory: Inventory) -> tuple[list[Violation], list[NotApplicable]]:
    violations: list[Violation] = []
    not_applicable: list[NotApplicable] = []
    for session in sessions:
        found, skipped = session.finish(inventory)
        violations += found
        not_applicable += skipped
    return violations, not_applicable


# Exceptions that match no resource. A pack only ever sees one policy's config next to one
# resource (or the stack), so the CLI cannot report them; preflight holds both and does.
def unmatched_exceptions(pack: PolicyPackProcess, inventory: Inventory) -> list[Violation]:
    """One mandatory violation per configured exception whose `<type>::<name>` is not in the stack."""
    present = {f"{resource.type}::{resource.name}" for resource in inventory.resources}
    stale = []
    for policy, entry in sorted(pack.config.items()):
        for exception in entry["properties"].get("exceptions") or []:
            if isinstance(exception, Mapping) and exception.get("resource") not in present:
                stale.append(Violation(
                    policy_pack=pack.name, policy=policy, enforcement_level="mandatory", urn="",
                    message=f"exception {exception.get('ticket')} names {exception.get('resource')}, which "
                            f"matches no resource of stack {inventory.stack}: remove the stale exception "
                            "from the policy config (or correct its `<type>::<name>`)."))
    return stale


