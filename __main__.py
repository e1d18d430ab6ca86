"""hv-foundation: Happen Ventures' AWS foundation, one stack per environment."""

import pulumi

from components.config import load_from_pulumi
from components.config_reader import ConfigError
from components.foundation import build_foundation

try:
    # Validated whole before any resource exists: a bad stack file registers nothing.
    config = load_from_pulumi()
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

for name, value in build_foundation(config).outputs().items():
    pulumi.export(name, value)
