"""The change review: this run against a base report, as Markdown for a pull request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from preflight.cli import main
from preflight.review import changed_keys


def test_review_lists_changes_by_pillar_violations_cost_delta_and_diagram(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", str(tmp_path / "head.json")]) == 0
    base = json.loads((tmp_path / "head.json").read_text())
    by_name = {r["name"]: r for r in base["resources"]}
    base["resources"].remove(by_name["hub-v2-web-service"])      # so head adds it
    by_name["data-postgres"]["inputs"]["instanceClass"] = "db.t4g.small"  # head shrinks it
    by_name["data-redis"]["inputs"]["authToken"] = "[secret]"  # unchanged secret: not listed
    gone = dict(by_name["clawbot-logs"], urn=by_name["clawbot-logs"]["urn"] + "-old", name="clawbot-logs-old")
    base["resources"].append(gone)                                # head removes it
    resolved = dict(base["violations"][0], policy="hv-old-rule")
    base["violations"] = [*base["violations"][1:], resolved]     # one new, one resolved
    (tmp_path / "base.json").write_text(json.dumps(base))

    assert main(["--base", str(tmp_path / "base.json"), "--markdown", str(tmp_path / "review.md")]) == 0
    text = (tmp_path / "review.md").read_text()
    assert "### Resources: 1 added, 1 removed, 1 changed" in text
    aws, hub = text.index("**aws**"), text.index("**hub-v2**")
    assert aws < text.index("`instanceClass`: \"db.t4g.small\" → \"db.t4g.micro\"") < hub
    assert text.index("- added `aws:ecs/service:Service` **hub-v2-web-service**") > hub
    assert "- removed `aws:cloudwatch/logGroup:LogGroup` **clawbot-logs-old**" in text
    assert "### Violations: 1 new, 1 resolved" in text and "resolved `hv-old-rule`" in text
    # Postgres db.t4g.small → micro saves (0.032 - 0.016) × 730; the web service adds Fargate.
    aws_row = next(line for line in text.splitlines() if line.startswith("| aws |"))
    assert aws_row.endswith("| -11.68 |")
    hub_row = next(line for line in text.splitlines() if line.startswith("| hub-v2 |"))
    assert hub_row.endswith("| +7.21 |")  # (0.25 × 0.03238 + 0.5 × 0.00356) × 730
    assert "```mermaid" in text and "flowchart" in text
    assert "authToken" not in text


def test_secret_inputs_are_withheld() -> None:
    old = {"a": "[secret]", "b": 1, "c": {"k": "[secret]"}, "tagsAll": {}}
    new = {"a": "plain", "b": 2, "c": {"k": "other"}, "tagsAll": {"x": 1}}
    assert changed_keys(old, new) == ["`a` (secret, value withheld)", "`b`: 1 → 2", "`c` (secret, value withheld)"]


def test_base_and_markdown_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--markdown", "x.md"])
    assert exit_.value.code == 2
    assert "--base and --markdown go together" in capsys.readouterr().err


def test_an_unreadable_base_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base.json").write_text('{"stack": "dev"}')
    assert main(["--base", str(tmp_path / "base.json"), "--markdown", str(tmp_path / "r.md")]) == 2
    assert "has no `resources` list" in capsys.readouterr().err
