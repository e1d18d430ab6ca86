"""The policy gate's session: one pack judging one run of the program over the analyzer gRPC
protocol, as the CLI's analyzer plugin does — `Analyze` per resource (inputs) while the program
runs, `AnalyzeStack` once (outputs, parents, dependencies) when it has finished.

The pack's process lives in `pack_process`, its reconciled config in `pack_config`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from policies.hv_rules.conventions import EXCEPTIONS_KEY, resource_key

from .engine import _package_version
from .model import STACK_TYPE, Inventory, NotApplicable, PreflightError, ResourceRecord, Violation
from .pack_config import LEVEL_CODES, LEVELS, PolicyMeta, reconcile_config
from .pack_process import CALL_TIMEOUT_SECONDS, PolicyPackProcess
from .project import ProgramSpec

# How pulumi-policy words a rule that met an unknown value during a preview.
CANNOT_RUN_MARKER = "during preview"


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
    return pack.stub.Analyze.future(analyze_request(resource, providers), timeout=CALL_TIMEOUT_SECONDS)


def analyze_request(resource: ResourceRecord, providers: Mapping[str, ResourceRecord]) -> Any:
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
    response: analyzer_pb2.AnalyzeResponse = pack.call("AnalyzeStack", pack.stub.AnalyzeStack,
                                                       analyze_stack_request(inventory))
    return response


def analyze_stack_request(inventory: Inventory) -> analyzer_pb2.AnalyzeStackRequest:
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
    return analyzer_pb2.AnalyzeStackRequest(resources=resources)


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
            self.pack.config = reconcile_config(self.pack.name, self.pack.policies, info.initialConfig,
                                                self._config_file, cli_compatible=self._cli_compatible)
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
                    culprit = failing_policy(self.pack, analyze_request(resource, self._providers))
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
    present = {resource_key(resource.type, resource.name) for resource in inventory.resources}
    stale = []
    for policy, entry in sorted(pack.config.items()):
        for exception in entry["properties"].get(EXCEPTIONS_KEY) or []:
            if isinstance(exception, Mapping) and exception.get("resource") not in present:
                stale.append(Violation(
                    policy_pack=pack.name, policy=policy, enforcement_level="mandatory", urn="",
                    message=f"exception {exception.get('ticket')} names {exception.get('resource')}, which "
                            f"matches no resource of stack {inventory.stack}: remove the stale exception "
                            "from the policy config (or correct its `<type>::<name>`)."))
    return stale


