"""Real stack files: duplicate keys, `secure:` values with their secrets provider, sibling stacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from components.config import load_stack_config
from components.config_reader import ENCRYPTED_OFFLINE, ConfigError
from preflight.cli import main
from preflight.model import PreflightError
from preflight.project import ENCRYPTED_OFFLINE as preflight_placeholder
from preflight.project import load_program
from preflight.runner import REPO_ROOT

ENCRYPTED_KEY = "AQICAHhgZ3ZmYWtlLWVuY3J5cHRlZC1rZXktZm9yLXRlc3Rz"


def copy_project(directory: Path, **stack_files: str) -> Path:
    """This repo's program in `directory`, with the given stack files (`dev=<yaml text>`)."""
    for name in ("Pulumi.yaml", "__main__.py"):
        (directory / name).write_text((REPO_ROOT / name).read_text())
    (directory / "components").symlink_to(REPO_ROOT / "components")
    for stack, text in stack_files.items():
        (directory / f"Pulumi.{stack}.yaml").write_text(text)
    return directory


def dev_file() -> str:
    return (REPO_ROOT / "Pulumi.dev.yaml").read_text()


def test_a_duplicate_top_level_key_names_the_key_and_both_lines(tmp_path: Path) -> None:
    text = dev_file()
    lines = text.splitlines()
    first = lines.index("  hv-foundation:services:") + 1
    text += "  hv-foundation:services:\n    robin: {pillar: hub-v2, port: 80, host: robin, priority: 40}\n"
    second = len(lines) + 1
    copy_project(tmp_path, dev=text)
    with pytest.raises(PreflightError) as caught:
        load_program(tmp_path, "dev")
    assert str(caught.value) == (
        f"{tmp_path / 'Pulumi.dev.yaml'}: key 'hv-foundation:services' appears twice, on line {first} and "
        f"line {second} (the second would silently replace the first: merge them into one)")


def test_a_duplicate_nested_key_is_an_error_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = dev_file().replace("      port: 8000\n", "      port: 8000\n      port: 8080\n")
    port_lines = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("      port: 80")]
    copy_project(tmp_path, dev=text)
    assert main(["--cwd", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"key 'port' appears twice, on line {port_lines[0]} and line {port_lines[1]}" in out
    assert "Inventory" not in out  # nothing ran, nothing registered


def test_pack_files_are_read_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\nname: other\n")
    with pytest.raises(PreflightError, match="key 'name' appears twice, on line 1 and line 3"):
        load_program(tmp_path, "dev")


def encrypted_dev_file() -> str:
    """The dev stack file as `pulumi stack init --secrets-provider awskms://…` and
    `pulumi config set --secret --path identity.googleClientId` leave it."""
    text = dev_file().replace(
        "    googleClientId: 104837201465-hvdevhub.apps.googleusercontent.com\n",
        f"    googleClientId:\n      secure: v1:{ENCRYPTED_KEY[:24]}:c2VjcmV0LWNsaWVudC1pZA==\n")
    return ("secretsprovider: awskms://alias/hv-pulumi-secrets?region=us-east-2\n"
            f"encryptedkey: {ENCRYPTED_KEY}\n" + text)


def test_a_real_stack_file_with_secure_values_loads(tmp_path: Path) -> None:
    copy_project(tmp_path, dev=encrypted_dev_file())
    spec = load_program(tmp_path, "dev")
    assert spec.encrypted_paths == ("hv-foundation:identity.googleClientId",)
    assert spec.secret_keys == ("hv-foundation:identity",)
    config = load_stack_config(spec.config, spec.project, spec.stack)
    assert config.identity is not None and config.identity.google_client_id == ENCRYPTED_OFFLINE


def test_an_encrypted_value_is_still_checked_when_decrypted() -> None:
    """Outside preflight the program gets the decrypted text, and checks it."""
    spec = load_program(REPO_ROOT, "dev").with_config(identity={"googleClientId": "not-a-client-id"})
    with pytest.raises(ConfigError, match="googleClientId: 'not-a-client-id' is not valid"):
        load_stack_config(spec.config, spec.project, spec.stack)


def test_preflight_runs_an_encrypted_stack_and_notes_what_it_could_not_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prod_range = "10.30.0.0/16"
    copy_project(tmp_path, dev=encrypted_dev_file().replace("cidr: 10.20.0.0/16", f"cidr: {prod_range}"),
                 prod=(REPO_ROOT / "Pulumi.prod.yaml").read_text())
    assert main(["--cwd", str(tmp_path), "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert ("  hv-foundation:identity.googleClientId: encrypted (secure:), not checkable offline; "
            "the program got a placeholder") in out
    assert (f"  warning: hv-foundation:network.cidr {prod_range} of stack 'dev' overlaps {prod_range} of stack "
            "'prod' (Pulumi.prod.yaml): give each stack its own range") in out
    assert out.rstrip().splitlines()[-1].startswith("PASSED")


def test_preflight_hands_the_program_the_placeholder_its_config_reader_accepts() -> None:
    assert preflight_placeholder == ENCRYPTED_OFFLINE


def test_preflight_itself_imports_no_module_of_the_program() -> None:
    """A program's own `components` package must not be shadowed by ours in preflight's process."""
    result = subprocess.run([sys.executable, "-c", "import sys, preflight.cli; "
                             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'components'))"],
                            capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"
