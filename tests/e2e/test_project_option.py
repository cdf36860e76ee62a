"""Every command finds its project the way Poetry does: `-P/--project` and `-C/--directory`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from support import POETRY, run, widget_kit_files

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import LocalIndex, ProjectFactory
    from support import ReleaseProject


def widget_kit(make_project: ProjectFactory, index: LocalIndex) -> ReleaseProject:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    return make_project(files, tags=("v0.9.0",))


def elsewhere(project: ReleaseProject) -> Path:
    folder = project.root.parent / "elsewhere"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("flag", ["-P", "-C"])
def test_commands_run_on_the_project_named_from_another_folder(
    make_project: ProjectFactory, index: LocalIndex, flag: str
) -> None:
    project = widget_kit(make_project, index)
    built = project.poetry("build", "--output", str(index.packages))  # 0.9.0 is on the index
    assert built.code == 0, built.output
    cwd = elsewhere(project)
    before = project.snapshot()

    def poetry(*args: str) -> str:
        result = run([POETRY, flag, str(project.root), *args], cwd, project.env, 120)
        assert result.code == 0, result.output
        return result.output

    dry_run = poetry("release", "prepare", "patch", "--dry-run", "--offline")
    status = poetry("release", "status", "--offline")
    verified = poetry("release", "verify", "--no-github", "--timeout", "5")
    notes = poetry("release", "notes")

    assert "from 0.9.0 to 0.9.1" in dry_run
    assert "widget_kit/__init__.py" in dry_run
    assert "widget-kit 0.9.0" in status
    assert "0.9.0 is out." in verified
    assert "The wobble in `core`." in notes
    assert project.snapshot() == before
    assert list(cwd.iterdir()) == []


def test_a_folder_without_a_project_is_refused_with_the_option_to_name_one(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    result = run([POETRY, "release", "status"], tmp_path, environment, 60)

    assert result.code == 1
    assert "could not find a pyproject.toml" in result.output
    assert "-P/--project" in result.output
    assert "Traceback" not in result.output


def test_a_project_requiring_another_poetry_is_refused_as_poetry_refuses_it(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry]", '[tool.poetry]\nrequires-poetry = ">=99"', 1
    )
    project = make_project(files, tags=("v0.9.0",))
    before = project.snapshot()

    version = project.poetry("version", "patch", "--dry-run")
    prepare = project.poetry("release", "prepare", "patch", "--dry-run", "--offline")

    assert version.code == 1
    assert "requires Poetry >=99" in version.output
    assert prepare.code == 1
    assert "This project requires Poetry >=99, but this is Poetry 2." in prepare.output
    assert "Traceback" not in prepare.output
    assert project.snapshot() == before
