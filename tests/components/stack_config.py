"""The smallest valid stack config (a dev stack): config tests change it one key at a time."""

from __future__ import annotations

import json
from typing import Any

MINIMAL_DEV_CONFIG: dict[str, Any] = {
    "aws:region": "us-east-2",
    "aws:allowedAccountIds": '["891377221201"]',
    "hv-foundation:environment": "dev",
    "hv-foundation:domain": "dev.happen.ventures",
    "hv-foundation:network": json.dumps({"cidr": "10.20.0.0/16"}),
}
