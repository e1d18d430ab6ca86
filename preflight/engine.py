"""The recording engine: runs a Pulumi Python program under mocks and records every registration.

It stands in for the Pulumi engine where that matters to a policy gate: real URNs (the full
parent type chain), duplicate URNs refused, default providers synthesized from `<pkg>:*` config
when a resource or invoke has no explicit provider, and nothing left unknown (`preview=False`,
so resources created inside `apply` are registered too).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import MockResourceArgs, settings
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockMonitor, MockSettings
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

# Provider inputs and structured config are JSON strings; read them as the pack does.
from policies.hv_rules.conventions import decoded

from . import collector, sdk_imports, stack_references
from .deadline import (
    Deadline,
    PendingWork,
    ProgramTimeout,
    TrackingEngine,
    pending_stack_outputs,
)
from .durations import custom_timeouts
from .mocks import DEFAULT_ACCOUNT, DEFAULT_REGION, AwsMocks, UnansweredInvokeError
from .model import PROVIDER_TYPE_PREFIX, STACK_TYPE, Inventory, PreflightError, ResourceRecord
from .project import ProgramSpec

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SIG_KEY = "4dabf18193072939515e22adb298388d"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
SECRET_MASK = "[secret]"
UNKNOWN_MASK = "[unknown]"  # a value only known once the resource exists (--preview)


# Given a registration (before it is answered) and the records so far, its inputs after remediation.
Remediate = Callable[[ResourceRecord, Mapping[str, ResourceRecord]], Mapping[str, Any]]


class RecordingMonitor(MockMonitor):
    """A MockMonitor that keeps the whole RegisterResourceRequest of every registration."""

    def __init__(self, spec: ProgramSpec, on_register: Callable[[ResourceRecord], None] | None = None,
                 remediate: Remediate | None = None,
                 references: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.spec = spec
        self._on_register = on_register
        self._remediate = remediate
        self._references = references or {}
        self.records: dict[str, ResourceRecord] = {}
        # `.get()` reads: kept apart, as the engine keeps them (it analyses none of them).
        self.reads: dict[str, ResourceRecord] = {}
        self.pending = PendingWork()
        self.failures: list[str] = []
        self.stack_outputs: dict[str, Any] = {}
        self._stack_urn = ""
        self._default_providers: dict[str, str] = {}
        self._settings_by_provider: dict[str | None, tuple[str, str, Mapping[str, str]]] = {}
        self._urns: set[str] = set()
        self._lock = threading.Lock()
        self.aws_mocks = AwsMocks(self)
        super().__init__(self.aws_mocks)

    # --- URNs and providers -------------------------------------------------------------------

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # Real URNs carry every ancestor's type except the root stack's.
        if parent and parent != self._stack_urn:
            type_ = f"{parent.split('::')[2]}${type_}"
        return f"urn:pulumi:{self.spec.stack}::{self.spec.project}::{type_}::{name}"

    def _provider_inputs(self, ref: str | None) -> Mapping[str, Any]:
        if not ref:
            return {}
        record = self.records.get(ref.rsplit("::", 1)[0])  # a reference is `<urn>::<id>`
        return record.inputs if record else {}

    def _provider_settings(self, ref: str | None) -> tuple[str, str, Mapping[str, str]]:
        """Region, account and default tags of a provider, parsed once per provider (every
        resource asks, and its list and map inputs arrive as JSON strings)."""
        if ref in self._settings_by_provider:
            return self._settings_by_provider[ref]
        inputs = self._provider_inputs(ref)
        accounts = decoded(inputs.get("allowedAccountIds")) or [DEFAULT_ACCOUNT]
        default_tags = decoded(inputs.get("defaultTags")) or {}
        found = (str(inputs.get("region") or DEFAULT_REGION), str(accounts[0]),
                 dict(default_tags.get("tags") or {}))
        if not ref or ref.rsplit("::", 1)[0] in self.records:  # a provider's inputs never change
            self._settings_by_provider[ref] = found
        return found

    def region_and_account(self, provider_ref: str | None) -> tuple[str, str]:
        region, account, _tags = self._provider_settings(provider_ref)
        return region, account

    def default_tags(self, provider_ref: str | None) -> Mapping[str, str]:
        return self._provider_settings(provider_ref)[2]

    def _default_provider_ref(self, package: str) -> str:
        """The engine's default provider for `package`, registered the first time it is needed."""
        if package in self._default_providers:
            return self._default_providers[package]
        if self.spec.config.get("pulumi:disable-default-providers"):
            disabled = decoded(self.spec.config["pulumi:disable-default-providers"]) or []
            if package in disabled or "*" in disabled:
                self._fail(f"a resource uses the default {package} provider, which this stack "
                           "disables (pulumi:disable-default-providers)")
        version = _package_version(package)
        name = f"default_{version.replace('.', '_')}" if version else "default"
        wire_inputs = package_config(self.spec, package)
        if version:
            wire_inputs["version"] = version
        urn = self.make_urn("", f"{PROVIDER_TYPE_PREFIX}{package}", name)
        id_, _ = self.aws_mocks.answer(
            MockResourceArgs(typ=f"{PROVIDER_TYPE_PREFIX}{package}", name=name, inputs=wire_inputs,
                             custom=True), urn)
        inputs = _plain(wire_inputs)  # a provider's outputs are its inputs
        self._add(ResourceRecord(
            urn=urn, id=id_, type=f"{PROVIDER_TYPE_PREFIX}{package}", name=name,
            parent=self._stack_urn, provider="", custom=True, remote=False, inputs=inputs,
            outputs=inputs, options={"default": True}, dependencies=(), property_dependencies={},
            wire_inputs=wire_inputs, wire_outputs=wire_inputs))
        ref = f"{urn}::{id_}"
        self._default_providers[package] = ref
        return ref

    # --- the ResourceMonitor service ----------------------------------------------------------

    def _claim(self, urn: str, type_: str, name: str) -> None:
        with self._lock:  # registrations arrive on several threads at once
            duplicate = urn in self._urns
            self._urns.add(urn)
        if duplicate:
            self._fail(f"duplicate URN {urn}: two resources of type {type_} are named "
                       f"{name!r} under the same parent (the engine refuses this)")

    def RegisterResource(self, request: Any) -> Any:
        self.pending.arrived("resource", request.type, request.name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self._stack_urn = urn
            self._add(_record(request, urn))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._claim(urn, request.type, request.name)
        provider = request.provider
        package = request.type.split(":", 1)[0]
        # As the CLI's resource monitor: custom resources and remote components get a default provider.
        if (request.custom or request.remote) and not provider and not request.type.startswith(PROVIDER_TYPE_PREFIX):
            provider = self._default_provider_ref(package)

        # A resource passed as an input goes on as the CLI sends it (its id, or a component's URN):
        # rehydrating it into a Resource object here, off the program's event loop, fails or hangs.
        wire_inputs = _without_references(json_format.MessageToDict(request.object))
        try:
            timeouts = custom_timeouts(json_format.MessageToDict(request.customTimeouts))
        except ValueError as error:  # the engine refuses the registration
            self._fail(f"{urn}: {error}")
        if self._remediate is not None:
            # Before the resource is created: what would be deployed is the remediated inputs.
            try:
                wire_inputs = dict(self._remediate(_record(
                    request, urn, provider=provider, wire_inputs=wire_inputs, custom_timeouts=timeouts),
                    self.records))
            except PreflightError as error:
                self._fail(str(error))
        if self.spec.dry_run and request.custom and not request.importId:
            # As `pulumi preview` plans a create: the inputs come back, the id and every computed
            # output stay unknown (but `tagsAll`, which the AWS provider plans from the tags).
            resource_id, state = "", dict(wire_inputs)
            if request.type.startswith("aws:") and isinstance(wire_inputs.get("tags", {}), dict):
                state["tagsAll"] = {**self.default_tags(provider), **wire_inputs.get("tags", {})}
            obj_proto = json_format.ParseDict(state, struct_pb2.Struct())
        else:
            inputs = pulumi.runtime.rpc.deserialize_properties(json_format.ParseDict(wire_inputs, struct_pb2.Struct()))
            resource_id, state = self.aws_mocks.answer(MockResourceArgs(
                typ=request.type, name=request.name, inputs=inputs, provider=provider,
                resource_id=request.importId, custom=request.custom), urn)
            if not request.custom:
                resource_id, state = "", {}
            obj_proto = _sync_await(pulumi.runtime.rpc.serialize_properties(state, {}))
        self._add(_record(request, urn, resource_id=resource_id, provider=provider, state=state,
                          wire_inputs=wire_inputs,
                          wire_outputs=json_format.MessageToDict(obj_proto), custom_timeouts=timeouts))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=obj_proto)

    def ReadResource(self, request: Any) -> Any:
        """A `.get()` (or a stack reference): answered like a registration with the given id, and
        recorded as a read, which the engine never sends to a policy pack."""
        self.pending.arrived("read", request.type, request.name)
        urn = self.make_urn(request.parent, request.type, request.name)
        self._claim(urn, request.type, request.name)
        provider = request.provider or self._default_provider_ref(request.type.split(":", 1)[0])
        wire_inputs = _without_references(json_format.MessageToDict(request.properties))
        if request.type == stack_references.STACK_REFERENCE_TYPE:
            state = self._stack_reference(request.id)
        else:
            inputs = pulumi.runtime.rpc.deserialize_properties(
                json_format.ParseDict(wire_inputs, struct_pb2.Struct()))
            _id, state = self.aws_mocks.answer(MockResourceArgs(
                typ=request.type, name=request.name, inputs=inputs, provider=provider,
                resource_id=request.id, custom=True), urn, read=True)
        obj_proto = _sync_await(pulumi.runtime.rpc.serialize_properties(state, {}))
        wire_outputs = json_format.MessageToDict(obj_proto)
        self.reads[urn] = ResourceRecord(
            urn=urn, id=request.id, type=request.type, name=request.name, parent=request.parent,
            provider=provider, custom=True, remote=False, inputs=_plain(wire_inputs),
            outputs=_plain(wire_outputs), options={}, dependencies=tuple(sorted(request.dependencies)),
            property_dependencies={}, wire_inputs=wire_inputs, wire_outputs=wire_outputs)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, request.id, state)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=obj_proto)

    def _stack_reference(self, name: str) -> dict[str, Any]:
        """What the engine's built-in provider reads for `pulumi.StackReference(name)`."""
        if name not in self._references:
            given = ", ".join(sorted(self._references)) or "none"
            self._fail(f"the program reads stack reference {name!r}, which no --stack-reference resolves "
                       f"(given: {given}); pass --stack-reference {name}=FILE with a preflight JSON "
                       "report of that stack or a JSON object of its outputs")
        outputs = dict(self._references[name])
        return {"name": name, "outputs": outputs,
                "secretOutputNames": sorted(key for key, value in outputs.items() if value == SECRET_MASK)}

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn == self._stack_urn:
            self.stack_outputs = _plain(json_format.MessageToDict(request.outputs))
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request: Any) -> Any:
        self.pending.arrived("invoke", request.tok)
        package = request.tok.split(":", 1)[0]
        if not request.provider and request.tok != "pulumi:pulumi:getResource":
            request.provider = self._default_provider_ref(package)
        try:
            return super().Invoke(request)
        except UnansweredInvokeError as error:
            self._fail(str(error))
            raise

    def _add(self, record: ResourceRecord) -> None:
        self.records[record.urn] = record
        if self._on_register is not None:
            self._on_register(record)

    def _fail(self, message: str) -> None:
        self.failures.append(message)
        raise PreflightError(message)


# The engine's packages whose providers run the program's own code (`pulumi.dynamic`).
DYNAMIC_PROVIDER_PACKAGES = ("pulumi-python", "pulumi-nodejs")


def package_config(spec: ProgramSpec, package: str) -> dict[str, Any]:
    """A default provider's inputs, as the engine builds them from the stack config: the
    package's own keys without their namespace, or, for a dynamic provider, every key with its
    namespace; secret values stay secret."""
    dynamic = package in DYNAMIC_PROVIDER_PACKAGES
    inputs: dict[str, Any] = {}
    for key, value in spec.config.items():
        if dynamic or key.startswith(f"{package}:"):
            wire = {SIG_KEY: SECRET_SIG, "value": value} if key in spec.secret_keys else value
            inputs[key if dynamic else key.split(":", 1)[1]] = wire
    return inputs


def _record(request: Any, urn: str, *, resource_id: str = "", provider: str = "",
            state: Mapping[str, Any] | None = None, wire_inputs: Mapping[str, Any] | None = None,
            wire_outputs: Mapping[str, Any] | None = None,
            custom_timeouts: Mapping[str, float] | None = None) -> ResourceRecord:
    if wire_inputs is None:
        wire_inputs = json_format.MessageToDict(request.object)
    property_dependencies = {key: tuple(sorted(value.urns)) for key, value in
                             sorted(request.propertyDependencies.items())}
    implied = {urn for urns in property_dependencies.values() for urn in urns}
    options: dict[str, Any] = {
        "protect": bool(request.protect),
        "ignoreChanges": list(request.ignoreChanges),
        "dependsOn": sorted(dep for dep in request.dependencies if dep not in implied),
        "retainOnDelete": bool(request.retainOnDelete),
        "additionalSecretOutputs": list(request.additionalSecretOutputs),
        "replaceOnChanges": list(request.replaceOnChanges),
        "aliases": [json_format.MessageToDict(alias) for alias in request.aliases],
    }
    if request.deleteBeforeReplaceDefined:
        options["deleteBeforeReplace"] = bool(request.deleteBeforeReplace)
    if request.importId:
        options["import"] = request.importId
    if request.deletedWith:
        options["deletedWith"] = request.deletedWith
    if custom_timeouts:
        options["customTimeouts"] = dict(custom_timeouts)  # seconds, as the engine keeps them
    return ResourceRecord(
        urn=urn, id=resource_id, type=request.type, name=request.name, parent=request.parent,
        provider=provider, custom=bool(request.custom), remote=bool(request.remote),
        inputs=_plain(wire_inputs), outputs=_plain(dict(wire_outputs or {})) if state else {},
        options=options, dependencies=tuple(sorted(request.dependencies)),
        property_dependencies=property_dependencies, wire_inputs=wire_inputs,
        wire_outputs=wire_outputs or {})


def _without_references(value: Any) -> Any:
    """Wire values with every resource reference replaced by its id (a component's: its URN)."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_SIG:
            return value.get("id") or value.get("urn", "")
        return {key: _without_references(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_references(item) for item in value]
    return value


def _asset(value: Mapping[str, Any]) -> dict[str, Any]:
    """An asset or archive as the engine writes it to state: its signature, its source (path,
    text, uri or members) and, for assets whose content is at hand, the SHA-256 of that content."""
    result: dict[str, Any] = {SIG_KEY: value[SIG_KEY]}
    for key in ("path", "text", "uri"):
        if key in value:
            result[key] = value[key]
    if "assets" in value:
        result["assets"] = {name: _plain(member) for name, member in sorted(value["assets"].items())}
    content: bytes | None = None
    if isinstance(value.get("text"), str):
        content = value["text"].encode()
    elif value[SIG_KEY] == ASSET_SIG and isinstance(value.get("path"), str):
        with contextlib.suppress(OSError):
            content = Path(value["path"]).read_bytes()
    if content is not None:
        result["hash"] = hashlib.sha256(content).hexdigest()
    return result


def _plain(value: Any) -> Any:
    """Wire values made JSON-friendly for reports: secrets and unknowns masked, special objects unwrapped."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return SECRET_MASK
        if value.get(SIG_KEY) in (ASSET_SIG, ARCHIVE_SIG):
            return _asset(value)
        if SIG_KEY in value:
            return value.get("urn") or value.get("value") or value.get("path")
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == pulumi.runtime.rpc.UNKNOWN:
        return UNKNOWN_MASK
    return value


# Cached: each lookup scans every sys.path entry, and the gate asks once per resource.
@functools.cache
def _package_version(package: str) -> str:
    try:
        return metadata.version(f"pulumi_{package.replace('-', '_')}")
    except metadata.PackageNotFoundError:
        return ""


@contextlib.contextmanager
def _no_source_positions() -> Iterator[None]:
    """During the run, registrations carry no stack trace or source position. The SDK builds them
    from a whole `traceback.extract_stack()` per resource, a sixth of a run's time, for the CLI's
    display: the analyzer protocol has no field for them, so no pack sees one, and preflight
    names resources by URN."""
    build = sdk_resource._get_stack_trace
    sdk_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = build


@contextlib.contextmanager
def _program_process_state(spec: ProgramSpec) -> Iterator[None]:
    """What `pulumi` sets up for a Python program: its directory as cwd and on sys.path."""
    previous_cwd = os.getcwd()
    previous_modules = set(sys.modules)
    directory = str(spec.directory)
    sys.path.insert(0, directory)
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        with contextlib.suppress(ValueError):
            sys.path.remove(directory)
        # Modules this run imported from the program directory are the program's own: drop them
        # so the next program (another directory, or edited code) is imported afresh.
        for name in set(sys.modules) - previous_modules:
            if _is_program_file(spec, getattr(sys.modules[name], "__file__", None) or ""):
                del sys.modules[name]


def _is_program_file(spec: ProgramSpec, path: str) -> bool:
    """A file of the program itself, not of a virtualenv that happens to live beside it."""
    return path.startswith(f"{spec.directory}{os.sep}") and not path.startswith(
        (f"{sys.prefix}{os.sep}", f"{sys.base_prefix}{os.sep}"))


class _ProgramLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname.lower()}: {record.getMessage()}")

    @property
    def errors(self) -> list[str]:
        return [line for line in self.messages if line.startswith("error:")]


def run_program(spec: ProgramSpec, on_register: Callable[[ResourceRecord], None] | None = None, *,
                remediate: Remediate | None = None, timeout: float | None = None,
                references: Mapping[str, Mapping[str, Any]] | None = None) -> Inventory:
    """Run `spec`'s program once in a fresh root stack; raise PreflightError if it fails, exits,
    logs an error or outlives `timeout` seconds. `on_register` sees each registration as it
    happens (the gate analyzes while the program runs); `remediate` transforms each one's inputs
    first, as the CLI's remediations do; `references` answers stack references (name -> that
    stack's outputs)."""
    sdk_imports.install()
    monitor = RecordingMonitor(spec, on_register, remediate, references)
    log = logging.getLogger(f"preflight.program.{id(monitor)}")
    log.propagate = False
    handler = _ProgramLog()
    log.addHandler(handler)
    deadline = Deadline(timeout)
    with _program_process_state(spec), collector.paced_for_a_run(), _no_source_positions():
        # A fresh root stack per run: without this reset a second program in the same process
        # would be parented to the first one's stack.
        settings.ROOT.set(None)
        settings.configure(MockSettings(
            monitor=monitor, monitor_features=set(
                monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=TrackingEngine(log, monitor.pending), project=spec.project, stack=spec.stack,
            dry_run=spec.dry_run, organization="organization", callbacks=None))
        set_all_config(dict(spec.config), list(spec.secret_keys))
        # The SDK keeps its outstanding tasks and RPCs in context variables that `configure` leaves
        # alone: a run that failed leaves its own behind, bound to its closed loop, and this run
        # would wait on them ("Event loop is closed").
        settings.SETTINGS.outputs.clear()
        settings.SETTINGS.rpc_manager.clear()
        stacks: list[Any] = []  # the root stack, from inside its context (its exports may be pending)

        def program() -> None:
            stacks.append(settings.get_root_resource())
            _run_main(spec.main)

        pending: list[str] = []
        try:
            with _program_event_loops() as runner:
                try:
                    with deadline:
                        runner.run(run_in_stack(program))
                except ProgramTimeout:
                    # Read what was pending before the runner cancels it.
                    pending += [*monitor.pending.describe(),
                                *(f"stack output {name!r}" for name in pending_stack_outputs(*stacks[:1]))]
                    raise
        except ProgramTimeout:
            raise PreflightError(_describe_timeout(spec, deadline, pending)) from None
        except SystemExit as exited:
            raise PreflightError(_describe_exit(spec, exited)) from None
        except Exception as error:  # noqa: BLE001 - every program failure becomes a report
            raise PreflightError(_describe_failure(spec, error, monitor, handler)) from None
        finally:
            settings.ROOT.set(None)
            set_all_config({}, [])
    if monitor.failures:
        raise PreflightError(monitor.failures[0])
    if errors := handler.errors:
        # The engine fails a run whose program logged an error, even if the program carried on.
        raise PreflightError(f"the program logged {len(errors)} error{'s' if len(errors) != 1 else ''} "
                             f"({spec.project}, stack {spec.stack}):\n" + "\n".join(errors))
    return Inventory(project=spec.project, stack=spec.stack,
                     resources=tuple(sorted(monitor.records.values(), key=_inventory_order)),
                     stack_outputs=monitor.stack_outputs,
                     synthesized={"outputs": dict(sorted(monitor.aws_mocks.synthesized_outputs.items())),
                                  "invokes": sorted(monitor.aws_mocks.synthesized_invokes)},
                     warnings=tuple(message.removeprefix("warning: ") for message in handler.messages
                                    if message.startswith("warning: ")),
                     reads=tuple(sorted(monitor.reads.values(), key=lambda record: record.urn)))


@contextlib.contextmanager
def _program_event_loops() -> Iterator[asyncio.Runner]:
    """The event loop the program runs on, and one for each thread of its executor (the SDK sends
    every registration from there, and `_sync_await` there needs a loop of its own): all closed
    when the run ends. An event loop left to the garbage collector is finalized in no set order
    with its self-pipe socket, and when the socket goes first the loop's `__del__` prints
    `ValueError: Invalid file descriptor: -1` on stderr."""
    thread_loops: list[asyncio.AbstractEventLoop] = []

    def give_the_thread_a_loop() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        thread_loops.append(loop)

    def program_loop() -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        loop.set_default_executor(ThreadPoolExecutor(thread_name_prefix="preflight-program",
                                                     initializer=give_the_thread_a_loop))
        return loop

    try:
        # The runner cancels what the program left running, joins the executor's threads and
        # closes the program's loop.
        with asyncio.Runner(loop_factory=program_loop) as runner:
            yield runner
    finally:
        for loop in thread_loops:
            loop.close()


def _inventory_order(record: ResourceRecord) -> tuple[int, str]:
    """Registrations arrive from several threads; the inventory is ordered so that two runs of
    the same program give the same report: the stack, then providers, then resources by URN."""
    rank = 0 if record.type == STACK_TYPE else 1 if record.is_provider else 2
    return rank, record.urn


def _run_main(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")


def _describe_failure(spec: ProgramSpec, error: BaseException, monitor: RecordingMonitor,
                      log: _ProgramLog) -> str:
    if monitor.failures:
        return monitor.failures[0]
    if isinstance(error, pulumi.RunError):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
        frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if _is_program_file(spec, frame.filename)]
        if frames:
            where = frames[-1]
            message += (f"\n  at {Path(where.filename).relative_to(spec.directory)}:{where.lineno}"
                        f" in {where.name}")
    details = "\n".join(log.errors)
    return f"the program failed ({spec.project}, stack {spec.stack}): {message}" + (
        f"\n{details}" if details else "")


def _program_location(spec: ProgramSpec, frame: FrameType | None) -> str | None:
    """`file:line in function` of the innermost frame of the program's own code, if any."""
    while frame is not None:
        if _is_program_file(spec, frame.f_code.co_filename):
            path = Path(frame.f_code.co_filename).relative_to(spec.directory)
            return f"{path}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return None


def _describe_timeout(spec: ProgramSpec, deadline: Deadline, pending: list[str]) -> str:
    message = (f"the program did not finish within {deadline.seconds:g} s (--timeout) "
               f"({spec.project}, stack {spec.stack})")
    if pending:
        message += "; still pending: " + ", ".join(pending)
    if where := _program_location(spec, deadline.where):
        message += f"; the program was running {where}"
    if not pending and not where:
        message += "; nothing was pending: the time went in the SDK or the mocks"
    return message


def _describe_exit(spec: ProgramSpec, exited: SystemExit) -> str:
    """A program that exits stops before registering the rest: never a pass, whatever the code."""
    code = exited.code
    if code is None or isinstance(code, int):
        return (f"the program exited with code {code or 0} ({spec.project}, stack {spec.stack}): "
                "a program must run to its end for preflight to see all of its resources")
    return (f"the program exited with code 1 ({spec.project}, stack {spec.stack}): {code}")
