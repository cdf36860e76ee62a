"""Where releases really run: shallow CI checkouts, detached at a tag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import github_environment
from support import guide_layout

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

NO_CHECKS = "--no-checks"


def breaking_history(make_project: ProjectFactory, local_index: LocalIndex) -> ReleaseProject:
    """arshai 1.0.0 tagged v1.0.0, then a breaking feature and a fix, pushed."""
    files = {
        path: text.replace("1.5.4", "1.0.0").replace("(1, 5, 4)", "(1, 0, 0)")
        for path, text in guide_layout(local_index.url).items()
    }
    project = make_project(files, tags=("v1.0.0",))
    project.write("arshai/core.py", "SUPPORTED = (3, 10)\n")
    project.commit_all("feat!: drop python 3.9")
    project.write("arshai/core.py", "SUPPORTED = (3, 10, 3, 11)\n")
    project.commit_all("fix: small thing")
    project.git("push", "--quiet", "origin", "main")
    return project


def test_prepare_in_a_shallow_clone_fetches_the_history_and_decides_the_major(
    make_project: ProjectFactory, local_index: LocalIndex, github: GitHubStandIn, tmp_path: Path
) -> None:
    clone = breaking_history(make_project, local_index).clone(tmp_path / "ci", "--depth", "1")
    assert clone.git("rev-parse", "--is-shallow-repository") == "true"

    prepared = clone.poetry("release", "prepare", NO_CHECKS)
    cut = clone.poetry("release", "cut", extra_env=github_environment(github))

    assert prepared.code == 0, prepared.output
    assert "shallow clone: fetching the full history and tags from origin" in prepared.stdout
    assert "from 1.0.0 to 2.0.0" in prepared.stdout
    assert clone.git("rev-parse", "--is-shallow-repository") == "false"
    assert cut.code == 0, cut.output
    body = github.release("v2.0.0")["body"]  # type: ignore[index]
    assert "drop python 3.9" in body
    assert "small thing" in body


def test_offline_a_shallow_clone_is_refused_naming_fetch_depth(
    make_project: ProjectFactory, local_index: LocalIndex, tmp_path: Path
) -> None:
    clone = breaking_history(make_project, local_index).clone(tmp_path / "ci", "--depth", "1")
    before = clone.snapshot()

    result = clone.poetry("release", "prepare", "--offline", NO_CHECKS)

    assert result.code == 1, result.output
    assert "shallow clone" in result.stderr
    assert "the new version" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    assert clone.snapshot() == before
