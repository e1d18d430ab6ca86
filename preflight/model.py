"""What preflight collects and judges: resources, violations, the report and its verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policies.hv_rules.conventions import EXCEPTION_PREFIX

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"

EXIT_PASSED, EXIT_VIOLATIONS, EXIT_FAILED = 0, 1, 2


class PreflightError(Exception):
    """The program, its config or a policy pack could not be run: exit 2, no traceback."""


@dataclass(frozen=True)
class ResourceRecord:
    """One registration, as the engine would have seen it."""

    urn: str
    id: str
    type: str
    name: str
    parent: str
    provider: str
    custom: bool
    remote: bool
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    options: Mapping[str, Any]
    dependencies: tuple[str, ...]
    property_dependencies: Mapping[str, tuple[str, ...]]
    # Inputs in the wire form (secrets still wrapped), for the analyzer protocol.
    wire_inputs: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
    # Outputs in the wire form, for AnalyzeStack (the CLI sends outputs there).
    wire_outputs: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_TYPE_PREFIX)

    @property
    def package(self) -> str:
        if self.is_provider:
            return self.type[len(PROVIDER_TYPE_PREFIX):]
        return self.type.split(":", 1)[0]

    @property
    def tags(self) -> Mapping[str, str]:
        tags = self.inputs.get("tags")
        return tags if isinstance(tags, Mapping) else {}

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn, "id": self.id, "type": self.type, "name": self.name,
            "parent": self.parent, "provider": self.provider, "custom": self.custom,
            "remote": self.remote, "inputs": dict(self.inputs), "outputs": dict(self.outputs),
            "options": dict(self.options), "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
        }


@dataclass(frozen=True)
class Inventory:
    """Everything one run of a program registered, in registration order."""

    project: str
    stack: str
    resources: tuple[ResourceRecord, ...]
    stack_outputs: Mapping[str, Any]
    # Answers assumed from the provider's declared types rather than written by hand:
    # {"outputs": {urn: [output names]}, "invokes": [tokens]}, for a reviewer to see.
    synthesized: Mapping[str, Any] = field(default_factory=dict)
    # What the program logged as warnings (`pulumi.log.warn`), as the CLI would show them.
    warnings: tuple[str, ...] = ()
    # `.get()` reads and stack references: resources the program looked up, not manages.
    reads: tuple[ResourceRecord, ...] = ()

    def by_urn(self) -> dict[str, ResourceRecord]:
        return {resource.urn: resource for resource in self.resources}

    def of_type(self, type_: str) -> list[ResourceRecord]:
        return [resource for resource in self.resources if resource.type == type_]

    def named(self, name: str) -> ResourceRecord:
        matches = [resource for resource in self.resources if resource.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources are named {name!r}")
        return matches[0]

    def children_of(self, parent: ResourceRecord) -> list[ResourceRecord]:
        return [resource for resource in self.resources if resource.parent == parent.urn]


@dataclass(frozen=True)
class Violation:
    policy_pack: str
    policy: str
    enforcement_level: str
    urn: str
    message: str

    @property
    def detail(self) -> str:
        """The rule's own words about this resource (the pack prefixes the rule's description)."""
        return self.message.split("\n", 1)[-1]

    @property
    def mandatory(self) -> bool:
        return self.enforcement_level == "mandatory"

    def to_json(self) -> dict[str, str]:
        return {"policyPack": self.policy_pack, "policy": self.policy,
                "enforcementLevel": self.enforcement_level, "urn": self.urn,
                "message": self.message}


@dataclass(frozen=True)
class NotApplicable:
    policy_pack: str
    policy: str
    urn: str
    reason: str

    @property
    def by_exception(self) -> bool:
        return self.reason.startswith(EXCEPTION_PREFIX)


@dataclass(frozen=True)
class PropertyChange:
    """One input a remediation changed: its dotted path, and its value before and after
    (`None` where it was absent; secrets masked)."""

    property: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"property": self.property, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Remediation:
    """A remediate-level rule's transformation of one resource's inputs, which the CLI would deploy."""

    policy_pack: str
    policy: str
    urn: str
    changes: tuple[PropertyChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {"policyPack": self.policy_pack, "policy": self.policy, "urn": self.urn,
                "changes": [change.to_json() for change in self.changes]}


@dataclass(frozen=True)
class BlindSpot:
    """A mandatory rule that could not judge a resource at preview, because a value it reads
    would only be known once the resource exists."""

    policy_pack: str
    policy: str
    urn: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"policyPack": self.policy_pack, "policy": self.policy, "urn": self.urn, "reason": self.reason}


@dataclass(frozen=True)
class Report:
    """The outcome of one preflight run; it alone decides the exit code."""

    project: str
    stack: str
    inventory: Inventory | None
    violations: tuple[Violation, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()
    error: str | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    # For the console only: what the run could not check, and the program's warnings.
    notes: tuple[str, ...] = ()
    remediations: tuple[Remediation, ...] = ()
    # Only in a --preview run (the program saw unknowns, as `pulumi preview` does).
    preview: bool = False
    blind_spots: tuple[BlindSpot, ...] = ()

    @property
    def mandatory_violations(self) -> list[Violation]:
        return [violation for violation in self.violations if violation.mandatory]

    @property
    def passed(self) -> bool:
        return self.error is None and not self.mandatory_violations

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_FAILED
        return EXIT_VIOLATIONS if self.mandatory_violations else EXIT_PASSED
