"""ECS task definitions as the rules read them: `containerDefinitions` is a JSON string of containers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


class InvalidContainerDefinitions(ValueError):
    pass


def container_definitions(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The task definition's containers; a definition that is not a JSON list of objects raises."""
    value = props.get("containerDefinitions")
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise InvalidContainerDefinitions(
                f"containerDefinitions is not valid JSON ({error.msg})") from None
    if isinstance(value, str) or not isinstance(value, Sequence) or \
            not all(isinstance(c, Mapping) for c in value):
        raise InvalidContainerDefinitions("containerDefinitions is not a list of container objects")
    return list(value)


def container_name(container: Mapping[str, Any], index: int) -> str:
    return str(container.get("name") or f"#{index}")


def read_containers(resource: str, props: Mapping[str, Any],
                    report_violation: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(name, container) pairs; a definition that cannot be read is reported, never skipped."""
    try:
        containers = container_definitions(props)
    except InvalidContainerDefinitions as error:
        report_violation(f"{resource}: {error}, so its containers cannot be checked. Pass the "
                         "definitions as json.dumps([...]) of container objects.")
        return []
    return [(container_name(container, index), container) for index, container in enumerate(containers)]
