"""The plugin as Poetry loads it: registered through its entry point, and cheap to load."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from support import GIT, POETRY, run

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

    result = run(
        [POETRY, "release", "prepare", "--dry-run", "--offline", "--json"],
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
