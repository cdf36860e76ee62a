"""`cut --publish --rehearse`: the release's very files go to a second pypiserver standing in
for TestPyPI and install from it before anything is tagged; then the same bytes go to the
real index."""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

import pytest
from conftest import INDEX_PASSWORD, INDEX_USER, LocalIndex, github_environment
from support import PackageIndexServer, build, widget_kit_files
from test_cut import prepared

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject, Run

WHEEL, SDIST = "widget_kit-0.9.1-py3-none-any.whl", "widget_kit-0.9.1.tar.gz"


@pytest.fixture
def rehearsal_index(tmp_path: Path) -> Iterator[LocalIndex]:
    """A second pypiserver: the rehearsal repository."""
    packages = tmp_path / "rehearsal-index"
    with PackageIndexServer(packages, INDEX_USER, INDEX_PASSWORD) as server:
        yield LocalIndex(server.url, server.root_url, packages)


def digests(index: LocalIndex) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in index.packages.iterdir()
    }


def rehearsed_cut(
    project: ReleaseProject, github: GitHubStandIn, index: LocalIndex, rehearsal: LocalIndex
) -> Run:
    return project.poetry(
        "release",
        "cut",
        "--publish",
        "-r",
        "demo",
        "--rehearse=rehearsal",
        "--json",
        extra_env={
            **github_environment(github),
            **index.poetry_environment("demo"),
            **rehearsal.poetry_environment("rehearsal"),
        },
        timeout=600,
    )


def nothing_irreversible(project: ReleaseProject, github: GitHubStandIn, index: LocalIndex) -> None:
    assert project.git("tag", "-l", "v0.9.1") == ""
    assert "v0.9.1" not in project.remote_tags()
    assert github.releases == []
    assert list(index.packages.iterdir()) == []


def test_the_rehearsed_bytes_are_the_ones_released(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    rehearsal_index: LocalIndex,
) -> None:
    project = prepared(make_project)

    result = rehearsed_cut(project, github, index, rehearsal_index)

    assert result.code == 0, result.output
    steps = [(s["name"], s["result"]) for s in result.json()["steps"]]
    assert steps[0] == ("rehearsal", "done")
    assert [name for name, _ in steps[1:]] == [
        "tag",
        "push",
        "github release",
        "publish",
        "assets",
        "release published",
    ]
    assert "installed from it" in result.json()["steps"][0]["detail"]
    assert sorted(digests(rehearsal_index)) == [WHEEL, SDIST]
    assert digests(rehearsal_index) == digests(index)


def test_a_rehearsal_rerun_finds_the_same_bytes_and_goes_on(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    rehearsal_index: LocalIndex,
    tmp_path: Path,
) -> None:
    project = prepared(make_project)
    for path in build(project, tmp_path / "built"):  # the rehearsal of a run that then failed
        shutil.copy(path, rehearsal_index.packages)

    result = rehearsed_cut(project, github, index, rehearsal_index)

    assert result.code == 0, result.output
    assert "there already, the same bytes" in result.json()["steps"][0]["detail"]
    assert digests(rehearsal_index) == digests(index)


def test_other_bytes_on_the_rehearsal_index_stop_before_the_tag(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    rehearsal_index: LocalIndex,
    tmp_path: Path,
) -> None:
    project = prepared(make_project)
    extra = project.root / "widget_kit" / "extra.py"
    extra.write_text("EXTRA = 1\n")  # an earlier rehearsal of other work: same names
    for path in build(project, tmp_path / "other"):
        shutil.copy(path, rehearsal_index.packages)
    extra.unlink()

    result = rehearsed_cut(project, github, index, rehearsal_index)

    assert result.code == 1
    assert "found other files of 0.9.1 there" in result.output
    assert digests(rehearsal_index)[WHEEL] in result.output
    assert "poetry release prepare 0.9.1.dev1" in result.output
    nothing_irreversible(project, github, index)


def test_a_rehearsal_that_does_not_install_stops_before_the_tag(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    rehearsal_index: LocalIndex,
) -> None:
    files = widget_kit_files()
    files["widget_kit/__init__.py"] = '__version__ = "0.9.0"\nimport widget_kit_missing_part\n'
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    result = rehearsed_cut(project, github, index, rehearsal_index)

    assert result.code == 1
    assert "The rehearsal on rehearsal does not install" in result.output
    assert "widget_kit_missing_part" in result.output
    nothing_irreversible(project, github, index)
    assert sorted(digests(rehearsal_index)) == [WHEEL, SDIST]  # the rehearsal itself went up


def test_the_real_index_under_another_name_is_no_rehearsal(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)

    result = rehearsed_cut(project, github, index, index)  # "rehearsal" is demo's URL

    assert result.code == 1
    assert "is the index demo is, under another name" in result.output
    nothing_irreversible(project, github, index)


def test_rehearse_without_publish_is_refused(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)

    result = project.poetry(
        "release", "cut", "--rehearse=testpypi", extra_env=github_environment(github)
    )

    assert result.code == 1
    assert "add --publish, or drop --rehearse" in result.output
    assert project.git("tag", "-l", "v0.9.1") == ""
