"""Plain `poetry version RULE` also rewrites the version files (sync-on-version)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from support import GUIDE_VERSION_FILE, POETRY, guide_layout, run

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import ProjectFactory


def test_poetry_version_patch_updates_the_version_file(make_project: ProjectFactory) -> None:
    project = make_project()

    result = project.poetry("version", "patch")

    assert result.code == 0, result.output
    assert "Updated arshai/_version.py" in result.stdout
    assert project.read("arshai/_version.py") == GUIDE_VERSION_FILE.replace(
        '"1.5.4"', '"1.5.5"'
    ).replace("(1, 5, 4)", "(1, 5, 5)")


def test_sync_on_version_false_leaves_the_version_file_alone(make_project: ProjectFactory) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", "[tool.poetry-release]\nsync-on-version = false\n"
    )
    project = make_project(files)

    result = project.poetry("version", "patch")

    assert result.code == 0, result.output
    assert project.read("arshai/_version.py") == GUIDE_VERSION_FILE
    assert 'version = "1.5.5"' in project.read("pyproject.toml")


@pytest.mark.parametrize(
    "args", [("version",), ("version", "minor", "--dry-run"), ("version", "--short")]
)
def test_showing_or_dry_running_the_version_touches_nothing(
    make_project: ProjectFactory, args: tuple[str, ...]
) -> None:
    project = make_project()
    before = project.snapshot()

    result = project.poetry(*args)

    assert result.code == 0, result.output
    assert project.snapshot() == before


def test_short_prints_exactly_the_new_version_on_stdout(make_project: ProjectFactory) -> None:
    project = make_project()

    result = project.poetry("version", "patch", "--short")

    assert result.code == 0, result.output
    assert result.stdout == "1.5.5\n"  # what NEW=$(poetry version patch --short) captures
    assert "Updated arshai/_version.py" in result.stderr
    assert '__version__ = "1.5.5"' in project.read("arshai/_version.py")


def test_quiet_prints_nothing_and_still_syncs(make_project: ProjectFactory) -> None:
    project = make_project()

    result = project.poetry("version", "minor", "-q")

    assert (result.code, result.stdout, result.stderr) == (0, "", "")
    assert '__version__ = "1.6.0"' in project.read("arshai/_version.py")


@pytest.mark.parametrize(
    ("release_table", "message"),
    [
        (
            'tag-fromat = "v{version}"',
            "Unknown key 'tag-fromat' in [tool.poetry-release] (did you mean tag-format?)",
        ),
        (
            'version-files = ["arshai/missing.py"]',
            "version-files names arshai/missing.py, which does not exist",
        ),
    ],
)
def test_a_configuration_problem_is_one_warning_and_poetry_versions_as_without_the_plugin(
    make_project: ProjectFactory, release_table: str, message: str
) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", f"[tool.poetry-release]\n{release_table}\n"
    )
    project = make_project(files)

    result = project.poetry("version", "patch")

    assert result.code == 0, result.output
    assert result.stdout == "Bumping version from 1.5.4 to 1.5.5\n"
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1, result.stderr
    assert message in warnings[0]
    assert "the version files were not updated" in warnings[0]
    assert 'version = "1.5.5"' in project.read("pyproject.toml")  # Poetry's own result
    assert project.read("arshai/_version.py") == files["arshai/_version.py"]


DYNAMIC = """\
[project]
name = "dyn"
dynamic = ["version"]
requires-python = ">=3.10"

[tool.poetry]
version = "1.2.3"
package-mode = false
"""
NAMELESS = """\
[tool.poetry]
package-mode = false
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.10"
"""
# meltano/sdk's shape: poetry-dynamic-versioning sets the version from the tags at build
# time, pyproject.toml holds a placeholder, the real version lives in commitizen's places.
DYNAMIC_VERSIONING = """\
[tool.poetry]
name = "singer-sdk"
version = "0.0.0"

[tool.commitizen]
version = "0.43.1"
tag_format = "v$version"
version_files = ["pkg/__init__.py"]

[tool.poetry-dynamic-versioning]
enable = true

[build-system]
requires = ["poetry-core>=1.0.0", "poetry-dynamic-versioning"]
build-backend = "poetry_dynamic_versioning.backend"
"""
NOT_TOML_ENOUGH = """\
[project]
name = "odd"
version = "1.0.0"

[tool.poetry]
packages = "not a list"
"""


@pytest.mark.parametrize(
    "pyproject",
    [DYNAMIC, NAMELESS, NOT_TOML_ENOUGH, DYNAMIC_VERSIONING],
    ids=["dynamic", "nameless", "odd", "dynamic-versioning"],
)
@pytest.mark.parametrize("args", [("patch",), ("minor", "--short"), ()], ids=str)
def test_poetry_version_is_poetrys_own_on_projects_that_never_configured_the_plugin(
    tmp_path: Path, environment: dict[str, str], pyproject: str, args: tuple[str, ...]
) -> None:
    outcomes = []
    for flags in ((), ("--no-plugins",)):
        root = tmp_path / ("without" if flags else "with")
        root.mkdir()
        (root / "pyproject.toml").write_text(pyproject)
        (root / "pkg").mkdir()
        (root / "pkg" / "__init__.py").write_text('__version__ = "0.43.1"\n')
        result = run([POETRY, *flags, "version", *args], root, environment, 120)
        files = [(root / p).read_text() for p in ("pyproject.toml", "pkg/__init__.py")]
        outcomes.append((result.code, result.stdout, result.stderr, files))

    with_plugin, without = outcomes
    assert with_plugin == without


def test_a_place_that_disagreed_before_is_left_alone_and_said(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "pkg"\nversion = "4.10.1"\n\n'
        '[tool.commitizen]\nversion = "4.9.0"\nversion_files = ["pkg/__init__.py"]\n'
    )
    (root / "pkg" / "__init__.py").write_text('__version__ = "4.10.1"\n')

    result = run([POETRY, "version", "patch"], root, environment, 120)

    assert result.code == 0, result.output
    assert "Updated pkg/__init__.py" in result.stdout
    assert (root / "pkg" / "__init__.py").read_text() == '__version__ = "4.10.2"\n'
    pyproject = (root / "pyproject.toml").read_text()
    assert 'version = "4.10.2"' in pyproject
    assert 'version = "4.9.0"' in pyproject  # commitizen's own, which disagreed already
    assert (
        "pyproject.toml:tool.commitizen.version holds 4.9.0, not 4.10.1 as pyproject.toml "
        "did: left as it is"
    ) in result.stderr


def test_a_dynamic_versioning_placeholder_is_refused_by_the_release_commands(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text(DYNAMIC_VERSIONING)
    (root / "pkg" / "__init__.py").write_text('__version__ = "0.43.1"\n')

    result = run([POETRY, "release", "status"], root, environment, 120)

    assert result.code == 1
    assert "pyproject.toml's version 0.0.0 is a placeholder: poetry-dynamic-versioning" in (
        result.stderr
    )
    assert "Traceback" not in result.output
