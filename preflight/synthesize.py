"""Values for outputs and invoke results nobody wrote an answer for, from the provider's own types.

The installed provider SDK declares every resource's output properties and every function's
result type (Python type hints on its generated classes). A value is synthesized for each, shaped
by its declared type and its name (ARNs in the provider's region and account, AWS-style ids,
endpoints, DNS names), from a hash of the resource's URN and the property's path, so two runs
give the same report.
"""

from __future__ import annotations

import collections.abc
import contextlib
import functools
import hashlib
import importlib
import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi._types import _py_properties, is_output_type

# Depth past which nested objects are left out: provider types are recursive (WAF statements).
_MAX_DEPTH = 4

# AWS id prefixes by the property (or resource) kind they name.
_ID_PREFIXES = {
    "vpc": "vpc", "subnet": "subnet", "securityGroup": "sg", "image": "ami", "ami": "ami",
    "instance": "i", "internetGateway": "igw", "natGateway": "nat", "routeTable": "rtb",
    "networkInterface": "eni", "volume": "vol", "snapshot": "snap", "allocation": "eipalloc",
    "association": "eipassoc", "vpcEndpoint": "vpce", "transitGateway": "tgw", "networkAcl": "acl",
    "launchTemplate": "lt", "keyPair": "key", "prefixList": "pl", "egressOnlyInternetGateway": "eigw",
    "dhcpOptions": "dopt", "vpcPeeringConnection": "pcx", "customerGateway": "cgw",
    "vpnGateway": "vgw", "vpnConnection": "vpn", "placementGroup": "pg", "eip": "eipalloc",
    "flowLog": "fl", "ownerAccount": "", "defaultSecurityGroup": "sg", "mainRouteTable": "rtb",
    "defaultRouteTable": "rtb", "defaultNetworkAcl": "acl", "hostedZone": "Z", "zone": "Z",
}
_ACCOUNT_NAMES = {"ownerId", "accountId", "registryId", "awsAccountId", "callerAccount", "owner"}


@dataclass(frozen=True)
class Scope:
    """Where a synthesized value lives: its resource (or invoke), region and account."""

    seed: str
    service: str
    kind: str
    name: str
    region: str
    account: str

    def digest(self, path: str, length: int) -> str:
        return hashlib.sha256(f"{self.seed}|{path}".encode()).hexdigest()[:length]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@functools.cache
def _module_fqns() -> Mapping[str, str]:
    """`<pkg>:<mod>` -> the Python package holding it, from the SDK's own module registry."""
    fqns: dict[str, str] = {}
    for modules in pulumi.runtime.rpc._RESOURCE_MODULES.values():
        for module in modules:
            info = getattr(module, "mod_info", None)
            if isinstance(info, dict):
                fqns[f"{info['pkg']}:{info['mod'].split('/')[0]}"] = info["fqn"]
    return fqns


def _token_parts(token: str) -> tuple[str, str, str] | None:
    parts = token.split(":")
    if len(parts) != 3:
        return None
    return parts[0], parts[1].split("/")[0], parts[2]


def _import_sdk(package: str) -> None:
    with contextlib.suppress(ImportError, AttributeError):
        importlib.import_module(f"pulumi_{package.replace('-', '_')}")


@functools.cache
def resource_class(token: str) -> type | None:
    """The SDK's resource class for a type token (`aws:ec2/vpc:Vpc`), or None if unknown."""
    parts = _token_parts(token)
    if parts is None:
        return None
    package, module, name = parts
    _import_sdk(package)
    # The SDK registers each resource module under `<pkg>:<mod path>`: a direct look-up.
    registered = pulumi.runtime.rpc._RESOURCE_MODULES.get(token.rsplit(":", 1)[0], [])
    fqn = next((info["fqn"] for info in (getattr(m, "mod_info", None) for m in registered)
                if isinstance(info, dict)), None) or _module_fqns().get(f"{package}:{module}")
    if fqn is None and module == "index":
        fqn = f"pulumi_{package.replace('-', '_')}"
    if fqn is None:
        return None
    with contextlib.suppress(ImportError, AttributeError):
        cls = getattr(importlib.import_module(fqn), name, None)
        return cls if isinstance(cls, type) else None
    return None


@functools.cache
def function_result_class(token: str) -> type | None:
    """The SDK's result class for a function token (`aws:ec2/getAmi:getAmi`), or None."""
    parts = _token_parts(token)
    if parts is None:
        return None
    package, module, name = parts
    _import_sdk(package)
    root = f"pulumi_{package.replace('-', '_')}"
    # Modules with functions only (pricing, vpn) are missing from the resource registry.
    candidates = [root] if module == "index" else [
        _module_fqns().get(f"{package}:{module}", f"{root}.{module}"), f"{root}.{module}_"]
    for fqn in candidates:
        with contextlib.suppress(ImportError, AttributeError):
            source = importlib.import_module(f"{fqn}.{_snake(name)}")
            cls = getattr(source, f"{name[:1].upper()}{name[1:]}Result", None)
            return cls if isinstance(cls, type) else None
    return None


@functools.cache
def declared_properties(cls: type) -> tuple[tuple[str, Any], ...]:
    """(wire name, type hint) of every property `cls` declares."""
    return _hinted(cls, lambda wire: True)


def _hinted(cls: type, wanted: Callable[[str], bool]) -> tuple[tuple[str, Any], ...]:
    """(wire name, type hint) of the `wanted` properties of `cls`; resolving a hint is the costly
    part (forward references are evaluated), so only those asked for are."""
    result = []
    for _python_name, wire_name, prop in _py_properties(cls):
        if not wanted(wire_name):
            continue
        hint = getattr(prop.fget, "__annotations__", {}).get("return", Any)
        if _has_forward_reference(hint):
            try:
                hint = typing.get_type_hints(prop.fget).get("return", Any)
            except (NameError, TypeError, AttributeError):
                continue
        result.append((wire_name, hint))
    return tuple(result)


def _has_forward_reference(hint: Any) -> bool:
    """Whether `hint` names a type by string (`'outputs.ClusterVpcConfig'`): only those need the
    costly `get_type_hints`; most outputs are a plain `Output[str]`."""
    if isinstance(hint, (str, typing.ForwardRef)):
        return True
    return any(_has_forward_reference(arg) for arg in typing.get_args(hint))


def unwrap(hint: Any) -> Any:
    """The value type under Output[...] / Input[...] / Optional[...]."""
    while True:
        origin = typing.get_origin(hint)
        if origin is pulumi.Output or hint is pulumi.Output:
            args = typing.get_args(hint)
            hint = args[0] if args else Any
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(hint) if arg is not type(None)
                       and typing.get_origin(arg) is not pulumi.Output
                       and typing.get_origin(arg) is not collections.abc.Awaitable]
            hint = members[0] if members else Any
        else:
            return hint


def synthesize(hint: Any, name: str, scope: Scope, path: str = "", depth: int = 0) -> Any:
    """A value of type `hint` for the property `name`, deterministic in `scope` and `path`."""
    hint = unwrap(hint)
    path = f"{path}.{name}"
    origin = typing.get_origin(hint)
    if hint is str:
        return _string(name, scope, path)
    if hint is bool:
        return False
    if hint is int:
        return int(scope.digest(path, 3), 16) % 100 + 1
    if hint is float:
        return float(int(scope.digest(path, 3), 16) % 100 + 1)
    if origin in (list, collections.abc.Sequence, typing.Sequence, tuple):
        args = typing.get_args(hint)
        if depth >= _MAX_DEPTH or not args:
            return []
        return [synthesize(args[0], _singular(name), scope, f"{path}[0]", depth + 1)]
    if origin in (dict, collections.abc.Mapping, typing.Mapping):
        return {}
    if isinstance(hint, type) and is_output_type(hint):
        if depth >= _MAX_DEPTH:
            return {}
        return {wire: synthesize(sub, wire, scope, path, depth + 1)
                for wire, sub in declared_properties(hint)}
    if isinstance(hint, type) and issubclass(hint, str):  # enums are str subclasses
        members = list(getattr(hint, "__members__", {}).values())
        return str(members[0].value) if members else _string(name, scope, path)
    return None


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _string(name: str, scope: Scope, path: str) -> str:
    lower = name.lower()
    if name == "arn" or name.endswith("Arn"):
        kind = _snake(name[:-3]).replace("_", "-") if name != "arn" else scope.kind
        return (f"arn:aws:{scope.service}:{scope.region}:{scope.account}:"
                f"{kind}/{scope.name}-{scope.digest(path, 8)}")
    if name in _ACCOUNT_NAMES:
        return scope.account
    if lower.endswith(("cidrblock", "cidr")):
        octet = int(scope.digest(path, 2), 16)
        return f"2600:1f16:{octet:x}00::/56" if "ipv6" in lower else f"10.{octet}.0.0/16"
    if lower == "region":
        return scope.region
    if name == "name" or (name.endswith("Name") and not lower.endswith(("dnsname", "domainname"))):
        return f"{scope.name}-{scope.digest(path, 7)}"
    if lower.endswith(("endpoint", "url", "uri")):
        return f"https://{scope.digest(path, 10)}.{scope.service}.{scope.region}.amazonaws.com"
    if lower.endswith(("dnsname", "domainname", "fqdn", "hostname", "address")):
        return f"{scope.digest(path, 10)}.{scope.service}.{scope.region}.amazonaws.com"
    if name == "id" or name.endswith("Id"):
        return aws_id(name[:-2] or scope.kind, scope, path)
    return f"{scope.name}-{name}-{scope.digest(path, 8)}"


def aws_id(kind: str, scope: Scope, path: str) -> str:
    """An id shaped like AWS's for a resource kind (`vpc` -> `vpc-0123…`)."""
    prefix = _ID_PREFIXES.get(kind[:1].lower() + kind[1:])
    if prefix == "Z":
        return f"Z{scope.digest(path, 20).upper()}"
    if prefix:
        return f"{prefix}-{scope.digest(path, 17)}"
    return scope.digest(path, 17) if prefix == "" else f"{kind.lower()}-{scope.digest(path, 12)}"


def resource_outputs(token: str, scope: Scope, known: Mapping[str, Any], *,
                     whole_state: bool = False) -> dict[str, Any]:
    """Synthesized values for the computed outputs of `token` not in `known` (with `whole_state`,
    for a read: every declared property not in `known`)."""
    cls = resource_class(token)
    if cls is None:
        return {}
    properties = declared_properties(cls) if whole_state else computed_outputs(cls)
    return {wire: synthesize(hint, wire, scope) for wire, hint in properties
            if wire not in known and wire != "id"}


@functools.cache
def computed_outputs(cls: type) -> tuple[tuple[str, Any], ...]:
    """(wire name, type hint) of the outputs only the provider sets: declared, not an input, not
    the id. Inputs are left alone when unset, so a policy never sees a setting the program did
    not make. Worked out once per resource type: it is the costly part of a resource's answer."""
    inputs = _input_names(cls)
    return _hinted(cls, lambda wire: wire not in inputs and wire != "id")


@functools.cache
def _input_names(cls: type) -> frozenset[str]:
    """Properties the program may set."""
    args = getattr(sys.modules.get(cls.__module__), f"{cls.__name__}Args", None)
    if not isinstance(args, type):
        return frozenset()
    return frozenset(wire for _python, wire, _prop in _py_properties(args))


def invoke_result(token: str, scope: Scope, known: Mapping[str, Any]) -> dict[str, Any] | None:
    """A synthesized result for the function `token` (the arguments echoed where declared)."""
    cls = function_result_class(token)
    if cls is None:
        return None
    result = {}
    for wire, hint in declared_properties(cls):
        result[wire] = known[wire] if known.get(wire) is not None else synthesize(hint, wire, scope)
    return result


def matches(value: Any, hint: Any, depth: int = 0) -> bool:
    """Whether `value` is of the declared type `hint` (None stands for a pruned nested object)."""
    hint = unwrap(hint)
    origin = typing.get_origin(hint)
    if value is None:
        return True
    if hint is Any:
        return True
    if hint is bool:
        return isinstance(value, bool)
    if hint in (int, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(hint, type) and issubclass(hint, str):
        return isinstance(value, str)
    if origin in (list, collections.abc.Sequence, typing.Sequence, tuple):
        args = typing.get_args(hint)
        return isinstance(value, list) and all(matches(item, args[0] if args else Any, depth + 1)
                                               for item in value)
    if origin in (dict, collections.abc.Mapping, typing.Mapping):
        return isinstance(value, dict)
    if isinstance(hint, type) and is_output_type(hint):
        declared = dict(declared_properties(hint))
        return isinstance(value, dict) and set(value) <= set(declared) and all(
            matches(item, declared[key], depth + 1) for key, item in value.items())
    return False
