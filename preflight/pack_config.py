"""Policy config reconciled as the Pulumi CLI does it, because the Python policy server does none
of it (and would treat a policy sent without a level as advisory): schema defaults, the pack's
initial config, then the config file (`all` first, then per policy), then JSON-schema validation.

`apply_config_file` is also how `policies/catalog.py` computes each stack's levels, so the
catalogue and the gate cannot disagree on what a config file means.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from policies.hv_rules.conventions import CONTRACT, EXCEPTIONS_KEY

from .model import PreflightError

LEVELS = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory",
          analyzer_pb2.DISABLED: "disabled", analyzer_pb2.REMEDIATE: "remediate"}
LEVEL_CODES = {name: code for code, name in LEVELS.items()}
STRICTER = "the CLI would accept this; preflight refuses it because"

# policy name → {"enforcementLevel": level, "properties": {...}}, what `Configure` sends.
PolicyConfigs = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class PolicyMeta:
    """A policy as the pack describes it in `GetAnalyzerInfo`."""

    name: str
    level: str
    tags: tuple[str, ...]
    schema: Mapping[str, Any]
    required: tuple[str, ...]


def reconcile_config(pack_name: str, policies: Mapping[str, PolicyMeta],
                     initial_config: Mapping[str, analyzer_pb2.PolicyConfig], config_file: Path | None,
                     cli_compatible: bool = False) -> PolicyConfigs:
    """Each policy's final level and properties, as the CLI would send them in Configure. Like the
    CLI, every error of every policy is collected ("<policy>: <error>") and all are reported."""
    config: PolicyConfigs = {}
    for meta in policies.values():
        defaults = {key: spec["default"] for key, spec in meta.schema.items()
                    if isinstance(spec, dict) and "default" in spec}
        config[meta.name] = {"enforcementLevel": meta.level, "properties": defaults}
    for name, initial in initial_config.items():
        if name in config:
            config[name]["enforcementLevel"] = LEVELS[initial.enforcementLevel]
            config[name]["properties"].update(json_format.MessageToDict(initial.properties))
    errors: list[str] = []
    if config_file is not None:
        unknown = apply_config_file(config, config_file)
        if not cli_compatible:
            # The CLI keeps such an entry and the pack never uses it.
            errors += [f"{name!r} is not a policy of pack {pack_name} ({STRICTER} a config for a policy "
                       f"that does not exist configures nothing; policies: {', '.join(sorted(config))})"
                       for name in unknown]
    for name, entry in config.items():
        errors += _policy_errors(policies[name], entry, cli_compatible)
    if errors:
        where = str(config_file) if config_file else f"policy pack {pack_name}"
        raise PreflightError(f"{where}: policy config of pack {pack_name} is invalid:\n"
                             + "\n".join(f"  - {error}" for error in errors))
    return config


def _policy_errors(meta: PolicyMeta, entry: Mapping[str, Any], cli_compatible: bool) -> list[str]:
    errors = []
    name = meta.name
    if CONTRACT in meta.tags and entry["enforcementLevel"] != "mandatory":
        errors.append(f"{name} is a contract rule and must stay mandatory "
                      f"(the config makes it {entry['enforcementLevel']})")
    if CONTRACT in meta.tags and EXCEPTIONS_KEY in entry["properties"]:
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
    return errors


def apply_config_file(config: PolicyConfigs, path: Path) -> list[str]:
    """Apply a config file to `config` as the CLI does: `all` first (its level to every policy),
    then each policy's level and properties. Returns the names that are not policies of `config`."""
    try:
        document = json.loads(path.read_text())
    except OSError as error:
        raise PreflightError(f"--policy-pack-config {path}: cannot be read ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise PreflightError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise PreflightError(f"{path}: expected a JSON object of policy names")
    unknown = []
    for name, value in sorted(document.items(), key=lambda item: item[0] != "all"):
        level, properties = _split_entry(path, name, value)
        if name != "all" and name not in config:
            unknown.append(name)
            continue
        for target in (list(config) if name == "all" else [name]):
            if level is not None:
                config[target]["enforcementLevel"] = level
            if name != "all":
                config[target]["properties"].update(properties)
    return unknown


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
