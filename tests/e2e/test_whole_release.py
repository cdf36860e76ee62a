"""A whole release, prepare (with the build and install checks), cut --publish, verify --install,
on the Poetry under test. CI also runs this file's tests (marker `floor`) on the lowest Poetry
that `dependencies` allows, in its own venv (`RELEASE_TEST_POETRY`, see .ci/run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn


@pytest.mark.floor
def test_prepare_cut_publish_and_verify_a_release(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nchecks = ["build", "install"]\n'
    project = make_project(files, tags=("v0.9.0",))
    env = {**github_environment(github), **index.poetry_environment("demo")}

    prepared = project.poetry("release", "prepare", "patch", "--json", extra_env=env)
    cut = project.poetry("release", "cut", "--publish", "-r", "demo", "--json", extra_env=env)
    verified = project.poetry(
        "release", "verify", "-r", "demo", "--install", "--timeout", "30", extra_env=env
    )

    assert prepared.code == 0, prepared.output
    assert [(c["name"], c["ok"]) for c in prepared.json()["checks"]] == [
        ("build", True),
        ("install", True),
    ]
    assert cut.code == 0, cut.output
    assert {path.name for path in index.packages.iterdir()} == {
        "widget_kit-0.9.1-py3-none-any.whl",
        "widget_kit-0.9.1.tar.gz",
    }
    assert github.release("v0.9.1") is not None
    assert verified.code == 0, verified.output
    assert "widget_kit.__version__ == 0.9.1" in verified.output
