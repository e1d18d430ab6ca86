"""Entry point the Pulumi CLI runs. Constructing the PolicyPack serves gRPC and blocks forever,
so everything else lives in importable modules (hv_rules)."""

from hv_rules import PACK_NAME, all_policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name=PACK_NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=all_policies())
