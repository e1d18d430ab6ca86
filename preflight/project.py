"""Reading a Pulumi project directory and one of its stacks' config, as the CLI would."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .model import PreflightError

# What a program sees for a `secure:` value preflight cannot decrypt. Our program's config reader
# accepts exactly this text unchecked (`components.config_reader.ENCRYPTED_OFFLINE`; a test keeps
# the two equal): preflight must not import the program's modules, or a program's own package of
# the same name would be shadowed by ours.
ENCRYPTED_OFFLINE = "[encrypted: not checkable offline]"


@dataclass(frozen=True)
class ProgramSpec:
    """A program directory, the stack to run it as, and that stack's config as Pulumi passes it."""

    directory: Path
    project: str
    stack: str
    main: Path
    config: Mapping[str, str]
    secret_keys: tuple[str, ...] = ()
    # Where the stack file holds `secure:` values, as key paths (`demo:db.password`): encrypted,
    # so the program sees a placeholder and nothing offline can check them.
    encrypted_paths: tuple[str, ...] = ()
    stack_tags: Mapping[str, str] = field(default_factory=dict)
    # As `pulumi preview` (unknown outputs) rather than as a deployment; the packs are told which.
    dry_run: bool = False

    def with_config(self, **updates: Any) -> ProgramSpec:
        """A copy with some config keys replaced (`None` removes a key); values as in YAML."""
        config = dict(self.config)
        for key, value in updates.items():
            full_key = qualify(self.project, key.replace("__", ":"))
            if value is None:
                config.pop(full_key, None)
            else:
                config[full_key] = config_value(value)
        return replace(self, config=config)


def qualify(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def config_value(value: Any) -> str:
    """The string form Pulumi hands a program: structured values as JSON, scalars as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


class _DuplicateKey(Exception):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping: PyYAML would keep the second and
    silently drop the first (e.g. a second `hv-foundation:services:` block)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                earlier = first_line.setdefault(key, line)
            except TypeError:  # an unhashable key: PyYAML's own error names it
                continue
            if earlier != line:
                raise _DuplicateKey(f"key {key!r} appears twice, on line {earlier} and line {line} "
                                    "(the second would silently replace the first: merge them into one)")
        return super().construct_mapping(node, deep)


def read_yaml(path: Path) -> Any:
    """A YAML file of the project or a pack; a broken one is a PreflightError naming the file."""
    try:
        return yaml.load(path.read_text(), Loader=_UniqueKeyLoader) or {}
    except _DuplicateKey as error:
        raise PreflightError(f"{path}: {error}") from None
    except yaml.YAMLError as error:
        raise PreflightError(f"{path}: not valid YAML ({error})") from None


def load_program(directory: str | Path, stack: str) -> ProgramSpec:
    """The program in `directory` as stack `stack`: project file, entry point, stack config."""
    root = Path(directory).resolve()
    if not root.is_dir():
        raise PreflightError(f"--cwd {directory}: no such directory")
    project_file = next((root / name for name in ("Pulumi.yaml", "Pulumi.yml")
                         if (root / name).is_file()), None)
    if project_file is None:
        raise PreflightError(f"{root}: no Pulumi.yaml here (is --cwd a Pulumi project directory?)")
    project = read_yaml(project_file)
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name:
        raise PreflightError(f"{project_file}: `name` is missing")
    runtime = project.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PreflightError(f"{project_file}: runtime {runtime_name!r} is not supported "
                             "(preflight runs Python programs)")
    main = root / str(project.get("main", "."))
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise PreflightError(f"{project_file}: the program entry point {main} does not exist")

    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise PreflightError(f"{stack_file}: no such stack config "
                             f"(stacks here: {', '.join(known) or 'none'})")
    stack_doc = read_yaml(stack_file)
    config, secret_keys, encrypted = _stack_config(name, project, stack_doc, stack_file)
    return ProgramSpec(directory=root, project=name, stack=stack, main=main, config=config,
                       secret_keys=tuple(secret_keys), encrypted_paths=tuple(encrypted))


def _stack_config(project_name: str, project: Mapping[str, Any], stack_doc: Any,
                  stack_file: Path) -> tuple[dict[str, str], list[str], list[str]]:
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    encrypted: list[str] = []
    # Project-level defaults first (`config: {key: {default: …}}` in Pulumi.yaml), then the stack.
    for key, declared in (project.get("config") or {}).items():
        if isinstance(declared, dict) and "default" in declared:
            config[qualify(project_name, key)] = config_value(declared["default"])
        elif not isinstance(declared, dict):
            config[qualify(project_name, key)] = config_value(declared)
    if not isinstance(stack_doc, dict):
        raise PreflightError(f"{stack_file}: expected a mapping with a `config` key")
    values = stack_doc.get("config") or {}
    if not isinstance(values, dict):
        raise PreflightError(f"{stack_file}: `config` must be a mapping")
    for key, value in values.items():
        full_key = qualify(project_name, str(key))
        found: list[str] = []
        # Preflight has no key to decrypt with; programs see a placeholder marked secret.
        config[full_key] = config_value(_without_secure(value, full_key, found))
        if found:
            secret_keys.append(full_key)
            encrypted += found
    return config, secret_keys, encrypted


def _without_secure(value: Any, path: str, found: list[str]) -> Any:
    """`value` with each `{secure: …}` replaced by the placeholder; their paths go to `found`."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            found.append(path)
            return ENCRYPTED_OFFLINE
        return {k: _without_secure(v, f"{path}.{k}", found) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secure(v, f"{path}[{index}]", found) for index, v in enumerate(value)]
    return value
