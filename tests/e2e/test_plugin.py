"""The plugin as Poetry loads it: registered through its entry point, and cheap to load."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import GIT, POETRY, run

from poetry_release_plugin.plugin import COMMANDS

if TYPE_CHECKING:
    from conftest import ProjectFactory


# Runs Poetry's own entry point, then writes the names of the loaded modules to a file.
MODULES_AT_EXIT = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["poetry", "--version"]
from poetry.console.application import main
sys.exit(main())
"""


def test_poetry_version_imports_no_command_module_and_no_httpx(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    modules_file = tmp_path / "modules.json"
    result = run(
        [sys.executable, "-c", MODULES_AT_EXIT, str(modules_file)], tmp_path, environment, 60
    )

    assert result.code == 0, result.output
    assert "Poetry (version" in result.stdout
    imported = set(json.loads(modules_file.read_text()))
    assert "poetry_release_plugin.plugin" in imported  # the plugin did load
    ours = {name for name in imported if name.startswith("poetry_release_plugin")}
    assert ours == {
        "poetry_release_plugin",
        "poetry_release_plugin._version",
        "poetry_release_plugin.plugin",
    }
    assert "httpx" not in imported


def test_release_commands_are_listed_by_poetry(make_project: ProjectFactory) -> None:
    project = make_project()

    result = project.poetry("list")

    assert result.code == 0, result.output
    assert "release prepare" in result.stdout


def test_release_prepare_help_documents_its_options(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    result = run([POETRY, "release", "prepare", "--help"], tmp_path, environment, 60)

    assert result.code == 0, result.output
    for option in (
        "--dry-run",
        "--no-commit",
        "--allow-dirty",
        "--offline",
        "--repository",
        "--json",
        "--no-checks",
        "--skip-check",
        "--next-phase",
        "--fail-fast",
    ):
        assert option in result.stdout


def test_this_project_releases_itself_with_its_own_configuration(
    environment: dict[str, str], tmp_path: Path
) -> None:
    # A clone of this repository's committed state, on the release branch whatever branch or
    # worktree the tests run from.
    root = tmp_path / "self"
    source = Path(__file__).resolve().parents[2]
    assert (
        run([GIT, "clone", "--quiet", str(source), str(root)], tmp_path, environment, 120).code == 0
    )
    assert run([GIT, "checkout", "--quiet", "-B", "main"], root, environment, 60).code == 0

    # a rule: whether a version is prepared and not yet cut (0.1.0 is), the next one is made
    result = run(
        [POETRY, "release", "prepare", "patch", "--dry-run", "--offline", "--json"],
        root,
        environment,
        120,
    )

    assert result.code == 0, result.output
    payload = json.loads(result.stdout)
    assert (
        payload["previous_version"]
        == run([POETRY, "version", "--short"], root, environment, 60).stdout.strip()
    )
    assert "pyproject.toml" in payload["files"]
    assert "poetry_release_plugin/_version.py" in payload["files"]


# Every release command, and the description its class gives (what `poetry release` shows).
RELEASE_COMMANDS = {
    name: getattr(importlib.import_module(module), attribute).description
    for name, (module, attribute) in COMMANDS.items()
    if name != "release"
}
HEADING = 'Available commands for the "release" namespace:'


def test_every_release_command_is_known_to_these_tests() -> None:
    assert sorted(RELEASE_COMMANDS) == [
        "release cut",
        "release init-ci",
        "release notes",
        "release prepare",
        "release recover",
        "release status",
        "release verify",
    ]
    assert all(RELEASE_COMMANDS.values())


def listed_under_heading(text: str) -> dict[str, str]:
    """The commands listed below the release namespace's heading: name and description."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == HEADING) + 1
    listed = {}
    for line in lines[start:]:
        if not line.strip():
            break
        namespace, name, description = line.split(None, 2)
        listed[f"{namespace} {name}"] = description
    return listed


@pytest.mark.floor
def test_poetry_release_alone_lists_the_release_commands_as_poetry_list_release(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    # Outside any project: listing needs none.
    result = run([POETRY, "release"], tmp_path, environment, 60)

    assert result.code == 0, result.output
    assert result.stderr == ""
    assert listed_under_heading(result.stdout) == RELEASE_COMMANDS
    assert "does not exist" not in result.output
    assert "python-poetry.org/docs" not in result.output
    listed = run([POETRY, "list", "release"], tmp_path, environment, 60)
    assert listed.code == 0, listed.output
    assert result.stdout == listed.stdout


@pytest.mark.floor
@pytest.mark.parametrize("argv", [["release", "--help"], ["help", "release"]])
def test_help_for_release_lists_the_release_commands(
    tmp_path: Path, environment: dict[str, str], argv: list[str]
) -> None:
    result = run([POETRY, *argv], tmp_path, environment, 60)

    assert result.code == 0, result.output
    assert "poetry release COMMAND --help" in result.stdout
    assert listed_under_heading(result.stdout) == RELEASE_COMMANDS
    assert "does not exist" not in result.output


@pytest.mark.floor
@pytest.mark.parametrize("name", sorted(RELEASE_COMMANDS))
def test_each_release_command_still_resolves_to_itself(
    tmp_path: Path, environment: dict[str, str], name: str
) -> None:
    result = run([POETRY, *name.split(), "--help"], tmp_path, environment, 60)

    assert result.code == 0, result.output
    assert f"  {name} [options]" in result.stdout  # its own usage line
    assert RELEASE_COMMANDS[name] in result.stdout
    assert HEADING not in result.stdout


@pytest.mark.floor
def test_a_misspelt_release_command_is_refused_naming_the_one_meant(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    # The option belongs to the command meant: the misspelling is what the user hears about.
    result = run([POETRY, "release", "prepair", "--dry-run"], tmp_path, environment, 60)

    assert result.code == 1, result.output
    assert result.stdout == ""
    assert "The requested command release prepair does not exist." in result.stderr
    suggested = [line.strip() for line in result.stderr.splitlines() if line.startswith("    ")]
    assert suggested == [f"release prepare: {RELEASE_COMMANDS['release prepare']}"]
    assert "--dry-run" not in result.stderr


@pytest.mark.floor
def test_poetry_list_and_version_are_poetrys_own_plus_the_release_commands(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    with_plugin = run([POETRY, "list"], tmp_path, environment, 60)
    without = run([POETRY, "--no-plugins", "list"], tmp_path, environment, 60)

    assert with_plugin.code == 0, with_plugin.output
    assert without.code == 0, without.output
    lines = [" ".join(line.split()) for line in with_plugin.stdout.splitlines()]
    heading = lines.index("release")
    block = lines[heading + 1 : heading + 1 + len(RELEASE_COMMANDS)]
    assert [line.split()[:2] for line in block] == [
        name.split() for name in sorted(RELEASE_COMMANDS)
    ]
    # Without the namespace's block (and the blank line above it), exactly Poetry's own list:
    # no `release` command of its own shows.
    assert lines[heading - 1] == ""
    rest = lines[: heading - 1] + lines[heading + 1 + len(RELEASE_COMMANDS) :]
    assert rest == [" ".join(line.split()) for line in without.stdout.splitlines()]

    version = run([POETRY, "--version"], tmp_path, environment, 60)
    plain = run([POETRY, "--no-plugins", "--version"], tmp_path, environment, 60)
    assert version.code == 0, version.output
    assert version.stdout.startswith("Poetry (version ")
    assert (version.stdout, version.stderr) == (plain.stdout, plain.stderr)
