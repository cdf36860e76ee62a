"""Adopting a project as it is: its tag format, its release commit, its released versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from github_standin import GitHubStandIn


def test_tags_without_v_are_inferred_and_followed_by_cut(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("0.8.0", "0.9.0"))

    status = project.poetry("release", "status", "--offline", "--json")
    assert status.code == 0, status.output
    assert (status.json()["tag"], status.json()["tag_format"]) == ("0.9.0", "{version}")
    assert "tag format: {version} (inferred from 0.9.0, 0.8.0)" in status.stderr

    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert project.git("tag", "-l", "--format=%(contents:subject)", "0.9.1") == "Release 0.9.1"
    assert project.git("tag", "--list", "v*") == ""
    assert [(r["tag_name"], r["name"]) for r in github.releases] == [("0.9.1", "Release 0.9.1")]


def test_two_tag_formats_for_one_release_are_refused_naming_the_key(
    make_project: ProjectFactory,
) -> None:
    project = make_project(widget_kit_files(), tags=("0.9.0", "v0.9.0"))

    result = project.poetry("release", "status", "--offline")

    assert result.code == 1
    assert "Cannot tell the release tag format" in result.stderr
    assert "set tag-format in [tool.poetry-release]" in result.stderr
