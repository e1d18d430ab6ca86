"""The rules of the hv-foundation pack, discovered from this package: one rule per module.

A rule module defines exactly one module-level `policy` (a ResourceValidationPolicy or a
StackValidationPolicy) whose name, with `-` for `_`, is the module's name. Adding a rule is adding
a file (and its tests); nothing else registers it.
"""

from __future__ import annotations

import importlib
import pkgutil

from pulumi_policy import Policy

PACK_NAME = "hv-foundation"


def rule_module_names() -> list[str]:
    return sorted(module.name for module in pkgutil.iter_modules(__path__)
                  if module.name.startswith("hv_"))


def all_policies() -> list[Policy]:
    policies = []
    for module_name in rule_module_names():
        module = importlib.import_module(f"{__name__}.{module_name}")
        policy = getattr(module, "policy", None)
        if not isinstance(policy, Policy):
            raise TypeError(f"{module.__name__} defines no module-level `policy`")
        policies.append(policy)
    return policies
