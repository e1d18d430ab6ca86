"""A policy pack's process: started as the CLI starts it, its port read, its output kept, stopped.

Each pack is started like `pulumi-analyzer-policy-python` starts it (its directory as cwd,
`python -u -m pulumi.policy <engine> .` with its logging sent to stderr, PULUMI_CONFIG/PROJECT/
STACK/DRY_RUN set, the port read from stdout, then stdout read to its end).

Preflight's own command may fork the pack instead (`allow_forking`): the child sets up exactly
that (cwd, argv, environment, stdin/stdout/stderr, an unbuffered stdout) and runs the same boot
code, but finds gRPC, pulumi and pulumi_policy already imported and shares their pages with the
stack's process. Each pack then costs a fraction of an interpreter's memory and no start-up time.
Only a process that has no other thread and has made no gRPC object may fork (gRPC's core does not
survive a fork), which the command knows and a library caller does not: the default is to spawn.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import grpc
from pulumi.runtime.proto import analyzer_pb2_grpc

from . import forking, pack_boot
from .model import PreflightError
from .pack_config import PolicyMeta
from .project import ProgramSpec, read_yaml
from .sdk_imports import ServicePackageFinder

PORT_TIMEOUT_SECONDS = 60.0
CALL_TIMEOUT_SECONDS = 60.0


class PackChild(Protocol):
    """What is used of a pack's process, spawned (`subprocess.Popen`) or forked (`ForkedPack`)."""

    @property
    def stdout(self) -> IO[bytes] | None: ...
    @property
    def returncode(self) -> int | Any: ...
    def poll(self) -> int | None: ...
    def kill(self) -> None: ...
    def wait(self) -> int: ...


@dataclass
class PolicyPackProcess:
    """One running pack and the client talking to it."""

    directory: Path
    process: PackChild
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
            # Every answer is in and the pack keeps nothing worth a clean shutdown (its output is
            # read, its stderr is a file of ours): killing it saves its gRPC server's stop and its
            # interpreter's teardown, a third of a second.
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


# `python -m pulumi.policy`, and what pack_boot adds to it.
_BOOT = Path(pack_boot.__file__).read_text(encoding="utf-8")


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
    python = pack_python(pack_dir)
    process: PackChild
    if _forking_allowed and python == sys.executable and threading.active_count() == 1:
        process = _fork_pack(pack_dir, env, stderr)
    else:
        process = subprocess.Popen(
            [python, "-u", "-c", _BOOT, *_PACK_ARGS],
            cwd=pack_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
    return PolicyPackProcess(directory=pack_dir, process=process, stderr=stderr)


# The engine address the pack is given (port 0: it picks one and prints it) and its directory.
_PACK_ARGS = ("127.0.0.1:0", ".")
_forking_allowed = False


def allow_forking() -> None:
    """Packs whose interpreter is this one are forked from now on: the caller promises that this
    process has made no gRPC channel or server (its packs are then started before its first)."""
    global _forking_allowed  # noqa: PLW0603 - one switch, set once by preflight's command
    _forking_allowed = True


class ForkedPack:
    """A pack forked from this process: the part of Popen's interface the pack is handled with."""

    def __init__(self, pid: int, stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def _fork_pack(pack_dir: Path, env: dict[str, str], stderr: IO[bytes]) -> ForkedPack:
    read_end, write_end = os.pipe()

    def pack() -> int:
        os.close(read_end)
        _become_pack(pack_dir, env, write_end, stderr)
        exec(_BOOT, {"__name__": "__main__"})  # the boot code a spawned pack runs
        return 0

    pid = forking.fork(pack, failed=1)  # 1, as the interpreter exits on an uncaught exception
    os.close(write_end)
    return ForkedPack(pid, os.fdopen(read_end, "rb"))


def _become_pack(pack_dir: Path, env: dict[str, str], stdout: int, stderr: IO[bytes]) -> None:
    """What `python -u -c BOOT 127.0.0.1:0 .` in the pack's directory would start with."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(stdout, 1)
    os.dup2(stderr.fileno(), 2)
    for descriptor in (devnull, stdout):
        os.close(descriptor)
    os.chdir(pack_dir)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["-c", *_PACK_ARGS]
    sys.path[0] = ""  # `-c`: the working directory, that is the pack's
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, ServicePackageFinder)]
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True,
                                  errors="backslashreplace")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _read_port(process: PackChild, stderr: IO[bytes], pack_dir: Path,
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
