"""One preflight run: load the program, record it, run the policy packs, return the Report."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from . import opaque, stack_references
from .deadline import DEFAULT_TIMEOUT
from .engine import run_program
from .gate import PackSession, finish_sessions
from .model import PreflightError, Report, ResourceRecord
from .pack_process import running_packs
from .project import ProgramSpec, load_program
from .remediation import Remediator
from .unknowns import blind_spots

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICY_PACK = REPO_ROOT / "policies"


def pack_configs(packs: Sequence[Path], configs: Sequence[Path], stack: str) -> list[Path | None]:
    """Config files paired with packs by position, as the CLI pairs its flags. Without any, the
    default pack uses its `config.<stack>.json`."""
    if len(configs) > len(packs):
        raise PreflightError(f"{len(configs)} --policy-pack-config for {len(packs)} --policy-pack "
                             "(pair each config with the pack of the same position)")
    if not configs:
        return [pack / f"config.{stack}.json" if (pack / f"config.{stack}.json").is_file() else None
                for pack in packs]
    return [*configs, *[None] * (len(packs) - len(configs))]


def encrypted_notes(spec: ProgramSpec) -> tuple[str, ...]:
    return tuple(f"{path}: encrypted (secure:), not checkable offline; the program got a placeholder"
                 for path in spec.encrypted_paths)


def preflight(cwd: str | Path = ".", stack: str = "dev",
              policy_packs: Sequence[str | Path] = (),
              policy_pack_configs: Sequence[str | Path] = (), *, cli_compatible: bool = False,
              stack_tags: Mapping[str, str] | None = None, preview: bool = False,
              timeout: float | None = DEFAULT_TIMEOUT, references: Sequence[tuple[str, str | Path]] = (),
              allow_opaque_components: bool = False) -> Report:
    """One run. `preview`: as `pulumi preview` on a first deployment (outputs of resources being
    created unknown, packs told dry-run is on); otherwise every output known, as after a deployment.
    `timeout` bounds the program (None: no limit); `references` are the `--stack-reference NAME=FILE`
    pairs."""
    started = time.perf_counter()
    project = "?"
    spec: ProgramSpec | None = None
    try:
        spec = load_program(cwd, stack)
        outputs_by_reference = stack_references.load(references)
        if stack_tags:
            spec = replace(spec, stack_tags={**spec.stack_tags, **stack_tags})
        spec = replace(spec, dry_run=preview)
        project = spec.project
        packs = [Path(p) for p in policy_packs] or [DEFAULT_POLICY_PACK]
        configs = pack_configs(packs, [Path(c) for c in policy_pack_configs], stack)
        with running_packs(packs, spec) as processes:
            sessions = [PackSession(pack, spec, config, cli_compatible)
                        for pack, config in zip(processes, configs, strict=True)]

            def analyze(resource: ResourceRecord) -> None:
                for session in sessions:
                    session.submit(resource)

            remediator = Remediator(sessions, cli_compatible)
            inventory = run_program(spec, on_register=analyze, remediate=remediator, timeout=timeout,
                                    references=outputs_by_reference)
            program_done = time.perf_counter()
            violations, not_applicable = finish_sessions(sessions, inventory)
            violations += sorted(remediator.violations, key=lambda v: (v.policy_pack, v.policy, v.urn))
            violations += opaque.findings(inventory, allowed=allow_opaque_components)
            unjudged = blind_spots(processes, violations)
    except PreflightError as error:
        return Report(project=project, stack=stack, inventory=None, error=str(error),
                      notes=encrypted_notes(spec) if spec else (), preview=preview)
    finished = time.perf_counter()
    return Report(project=spec.project, stack=stack, inventory=inventory,
                  violations=tuple(violations), not_applicable=tuple(not_applicable),
                  notes=(*encrypted_notes(spec), *(f"warning: {w}" for w in inventory.warnings)),
                  timings={"program": program_done - started, "gate": finished - program_done,
                           "total": finished - started},
                  remediations=remediator.sorted_remediations(), preview=preview, blind_spots=unjudged)
