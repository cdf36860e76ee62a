"""A private index that needs credentials for everything, through Poetry's own configuration;
and `verify --install` taking the dependencies from the project's Poetry sources."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from support import PackageIndexServer, build, widget_kit_files

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import ProjectFactory
    from support import ReleaseProject

USER = "reader"
PASSWORD = "private-Pa55word-never-shown"
WRONG = "wrong-Pa55word-never-shown"


@pytest.fixture
def private(tmp_path: Path) -> Iterator[PackageIndexServer]:
    """pypiserver asking for credentials to list, download and upload."""
    with PackageIndexServer(
        tmp_path / "private", USER, PASSWORD, authenticate="list,download,update"
    ) as server:
        yield server


@pytest.fixture
def deps_index(tmp_path: Path) -> Iterator[PackageIndexServer]:
    """A second, open pypiserver serving the project's dependency."""
    with PackageIndexServer(tmp_path / "deps", "nobody", "unused") as server:
        yield server


def configured(project: ReleaseProject, server: PackageIndexServer) -> None:
    """Poetry's own config: repositories.private and http-basic.private. (Any
    POETRY_REPOSITORIES_*_URL variable hides every repository of the config file from Poetry's
    credential look-up, so the suite's usual one goes.)"""
    project.env.pop("POETRY_REPOSITORIES_PYPI_URL", None)
    for args in (
        ("config", "repositories.private", server.root_url),
        ("config", "http-basic.private", USER, PASSWORD),
    ):
        result = project.poetry(*args)
        assert result.code == 0, result.output


def test_a_private_index_is_asked_with_poetrys_credentials(
    make_project: ProjectFactory, private: PackageIndexServer, tmp_path: Path
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    configured(project, private)
    # 0.9.1 is on the private index already (a file named so is enough to be listed).
    for path in build(project, tmp_path / "built"):
        shutil.copy(path, private.packages / path.name.replace("0.9.0", "0.9.1"))

    refused = project.poetry("release", "prepare", "patch", "-r", "private", "--no-checks")

    assert refused.code == 1, refused.output
    assert "0.9.1" in refused.output
    assert "already" in refused.output
    for path in private.packages.iterdir():
        path.unlink()

    prepared = project.poetry("release", "prepare", "patch", "-r", "private", "--no-checks")
    cut = project.poetry("release", "cut", "--publish", "-r", "private", "--no-github-release")
    status = project.poetry("release", "status", "-r", "private", "--json")
    verified = project.poetry(
        "release", "verify", "-r", "private", "--install", "--no-github", "--timeout", "30"
    )

    assert prepared.code == 0, prepared.output
    assert cut.code == 0, cut.output
    assert status.code == 0, status.output
    assert status.json()["on_index"] is True
    assert verified.code == 0, verified.output
    assert "widget_kit.__version__ == 0.9.1" in verified.output
    for run in (prepared, cut, status, verified):
        assert PASSWORD not in run.output


@pytest.mark.faults
def test_wrong_credentials_are_named_as_refused_never_shown(
    make_project: ProjectFactory, private: PackageIndexServer
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    configured(project, private)
    wrong = {"POETRY_HTTP_BASIC_PRIVATE_PASSWORD": WRONG}

    prepare = project.poetry(
        "release", "prepare", "patch", "-r", "private", "--no-checks", "--dry-run", extra_env=wrong
    )
    status = project.poetry("release", "status", "-r", "private", extra_env=wrong)
    verify = project.poetry(
        "release", "verify", "-r", "private", "--no-github", "--timeout", "5", extra_env=wrong
    )

    assert (prepare.code, status.code, verify.code) == (1, 0, 1), prepare.output
    for run in (prepare, status, verify):
        assert "refused the credentials for repository private" in run.output, run.output
        assert WRONG not in run.output
        assert PASSWORD not in run.output
        assert "Traceback" not in run.output


DEPENDENT = """\
[project]
name = "widget-kit"
version = "0.9.0"
requires-python = ">=3.10"
dependencies = ["tiny-dep>=1.0"]

[tool.poetry]
packages = [{ include = "widget_kit" }]

[[tool.poetry.source]]
name = "deps"
url = "DEPS_URL"
priority = "primary"
"""


def dependent_project(
    make_project: ProjectFactory, source_url: str, release: str = "", source: str = "deps"
) -> ReleaseProject:
    """widget-kit importing `tiny-dep`, which it takes from the Poetry source `source`."""
    files = widget_kit_files()
    text = DEPENDENT.replace("DEPS_URL", source_url).replace('"deps"', f'"{source}"')
    files["pyproject.toml"] = text + release
    files["widget_kit/__init__.py"] = 'from tiny_dep import ANSWER\n\n__version__ = "0.9.0"\n'
    return make_project(files, tags=("v0.9.0",))


def build_tiny_dep(project: ReleaseProject, folder: Path, into: Path) -> None:
    """tiny-dep 1.0's sdist and wheel, built by Poetry into `into`."""
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "tiny-dep"\nversion = "1.0"\n\n'
        '[tool.poetry]\npackages = [{ include = "tiny_dep" }]\n'
    )
    (folder / "tiny_dep").mkdir()
    (folder / "tiny_dep" / "__init__.py").write_text("ANSWER = 42\n")
    built = project.poetry("-P", str(folder), "build", "--output", str(into))
    assert built.code == 0, built.output


def test_verify_install_takes_dependencies_from_poetrys_sources(
    make_project: ProjectFactory,
    private: PackageIndexServer,
    deps_index: PackageIndexServer,
    tmp_path: Path,
) -> None:
    project = dependent_project(make_project, deps_index.url)
    build_tiny_dep(project, tmp_path / "tiny-dep", deps_index.packages)
    configured(project, private)
    build(project, private.packages)

    verified = project.poetry(
        "release", "verify", "-r", "private", "--install", "--no-github", "--timeout", "30"
    )
    alone = project.poetry(
        "release",
        "verify",
        "-r",
        "private",
        "--install",
        "--no-deps",
        "--no-github",
        "--timeout",
        "30",
    )

    assert verified.code == 0, verified.output
    assert "dependencies from Poetry's sources" in verified.output
    assert alone.code == 1, alone.output  # the package alone cannot import its dependency
    assert "No module named 'tiny_dep'" in alone.output


INSTALL_CHECK = '\n[tool.poetry-release]\nchecks = ["install"]\n'


def test_the_install_check_takes_dependencies_from_poetrys_sources_with_their_credentials(
    make_project: ProjectFactory, private: PackageIndexServer, tmp_path: Path
) -> None:
    project = dependent_project(make_project, private.url, INSTALL_CHECK, source="private")
    build_tiny_dep(project, tmp_path / "tiny-dep", private.packages)
    configured(project, private)  # http-basic.private: the source's credentials

    result = project.poetry("release", "prepare", "patch", "--offline", "-v")

    assert result.code == 0, result.output
    assert "dependencies from Poetry's sources; widget_kit.__version__ == 0.9.1" in result.output
    assert PASSWORD not in result.output


def test_the_install_check_never_takes_dependencies_from_the_users_pip_configuration(
    make_project: ProjectFactory, deps_index: PackageIndexServer, tmp_path: Path
) -> None:
    project = dependent_project(make_project, deps_index.url, INSTALL_CHECK)
    wheels = tmp_path / "wheels"
    build_tiny_dep(project, tmp_path / "tiny-dep", wheels)  # offered by pip's config alone
    before = project.snapshot()

    result = project.poetry(
        "release", "prepare", "patch", "--offline", extra_env={"PIP_FIND_LINKS": str(wheels)}
    )

    assert result.code == 1, result.output
    assert "installing the dependencies failed" in result.output
    assert "tiny-dep" in result.output
    assert project.snapshot() == before
