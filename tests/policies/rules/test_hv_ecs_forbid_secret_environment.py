"""hv-ecs-forbid-secret-environment through the real pack: its passing, failing and near-miss resources."""

from __future__ import annotations

from typing import Any

from tests.policies.rules.support import by_resource

SECRET_ENV = "hv-ecs-forbid-secret-environment"


def test_secret_named_environment_variables_with_literal_values_are_refused(secrets: Any) -> None:
    found = by_resource(secrets, SECRET_ENV)
    # COGNITO_TOKEN_URL, RATE_LIMITS_TABLE, an empty API_KEY and a `secrets` entry all pass.
    assert set(found) == {"leaky-task", "broken-task"}
    assert [message.split(" to a literal")[0] for message in found["leaky-task"]] == [
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'app' sets environment variable "
        "STRIPE_API_KEY",
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'app' sets environment variable "
        "db_password",
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'worker' sets environment variable "
        "GithubToken",
        "aws:ecs/taskDefinition:TaskDefinition 'leaky-task': container 'worker' sets environment variable "
        "AWS_CREDENTIALS"]
    assert found["leaky-task"][0].endswith("Move it to `secrets`: {'name': 'STRIPE_API_KEY', 'valueFrom': "
                                           "<Secrets Manager secret ARN>}.")
    assert found["broken-task"] == [
        "aws:ecs/taskDefinition:TaskDefinition 'broken-task': containerDefinitions is not valid JSON "
        "(Expecting value), so its containers cannot be checked. Pass the definitions as json.dumps([...]) "
        "of container objects."]
