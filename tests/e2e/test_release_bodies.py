"""Release notes that can be corrected, and no notes for a version that never was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from github_standin import GitHubStandIn


def test_cut_points_out_a_stale_body_and_notes_update_rewrites_it(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    env = github_environment(github)
    assert project.poetry("release", "cut", "--no-github-release", extra_env=env).code == 0
    stale = github.add_release("v0.9.1")  # made elsewhere, with an empty body
    stale["body"] = "No notable changes.\n"

    cut = project.poetry("release", "cut", extra_env=env)
    update = project.poetry("release", "notes", "0.9.1", "--update", extra_env=env)
    again = project.poetry("release", "cut", extra_env=env)

    assert cut.code == 0, cut.output
    assert "its body differs from the notes of 0.9.1" in cut.stdout
    assert "poetry release notes 0.9.1 --update" in cut.stdout
    assert update.code == 0, update.output
    assert github.release("v0.9.1")["body"] == update.stdout  # type: ignore[index]
    assert "- A `widgets` module." in update.stdout
    assert "Updated the body of" in update.stderr
    assert [r.method for r in github.requests].count("PATCH") == 1
    assert again.code == 0, again.output
    assert "differs" not in again.stdout
    assert len(github.releases) == 1
    assert github.violations == []


def test_notes_update_without_a_release_refuses(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))

    result = project.poetry(
        "release", "notes", "0.9.0", "--update", extra_env=github_environment(github)
    )

    assert result.code == 1, result.output
    assert "GitHub has no release for v0.9.0 to update" in result.stderr
    assert "poetry release cut" in result.stderr


def test_notes_of_a_version_that_never_was_are_refused(make_project: ProjectFactory) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))

    result = project.poetry("release", "notes", "9.9.9")

    assert result.code == 1, result.output
    assert "widget-kit 9.9.9 has no tag v9.9.9, no section in CHANGELOG.md" in result.stderr
    assert "No notable changes" not in result.output
    assert "Traceback" not in result.output


def test_notes_update_without_a_token_says_how_to_give_one_and_asks_nothing(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    env = github_environment(github)
    del env["GITHUB_TOKEN"]

    result = project.poetry(
        "release", "notes", "0.9.0", "--update", extra_env={**env, "PATH": "/usr/bin:/bin"}
    )

    assert result.code == 1, result.output
    assert "No GitHub token" in result.stderr
    assert "export GITHUB_TOKEN" in result.stderr
    assert "--no-github-release" not in result.stderr  # notes has no such option
    assert result.stdout == ""
    assert github.requests == []
