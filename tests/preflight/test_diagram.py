from __future__ import annotations

from preflight.diagram import render
from preflight.model import Inventory


def edges(inventory: Inventory) -> set[str]:
    return {line for line in render(inventory).splitlines() if "-->" in line or "-.->" in line}


def test_dev_diagram_draws_the_contract_matrix(dev: Inventory) -> None:
    drawn = edges(dev)
    assert {"R53 --> ALB", "ALB --> HUB_V2_API", "ALB --> HUB_V2_WEB", "ALB --> CLAWBOT",
            "HUB_V2_API --> PG", "HUB_V2_API --> RED", "HUB_V2_WEB --> RED", "CLAWBOT --> RED",
            "HUB_V2_API -.-> SEC", "CLAWBOT -.-> SEC", "HUB_V2_WEB -.-> CW"} <= drawn
    assert 'CLAWBOT -- "hv-dev-dedup, hv-dev-locks, hv-dev-rate-limits" --> DDB' in drawn
    assert "CLAWBOT --> PG" not in drawn and "HUB_V2_WEB --> PG" not in drawn
    assert not any(edge.startswith("HUB_V2_WEB") and "DDB" in edge for edge in drawn)
    assert {'HUB_V2_API -- "SSE" --> BR', "GOO -.-> COG", "COG -.-> HUB_V2_API", "COG -.-> HUB_V2_WEB",
            "CP -.-> COMPUTE"} <= drawn
    assert [edge for edge in drawn if edge.endswith("--> BR")] == ['HUB_V2_API -- "SSE" --> BR']


def test_edges_follow_the_grants_not_a_list(run_stack, stack_services) -> None:  # type: ignore[no-untyped-def]
    services = stack_services("dev")
    services["hub-v2-web"]["uses"] = ["redis", "postgres"]
    services["clawbot"]["uses"] = ["cognito-m2m"]
    drawn = edges(run_stack("dev", services=services))
    assert "HUB_V2_WEB --> PG" in drawn
    assert "CLAWBOT --> RED" not in drawn
    assert not any(edge.startswith("CLAWBOT --") and "DDB" in edge for edge in drawn)
