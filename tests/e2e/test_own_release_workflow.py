"""A project whose own workflow makes the GitHub release (and uploads) when a tag is pushed:
`cut` leaves the release to it instead of making one its run would fail on, `cut --publish`
is refused before the tag, and verify does not ask for files only `cut --publish` attaches.
The workflows are the real ones of pendulum and tomlkit (tests/fixtures/*/release.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import widget_kit_files
from test_cut import cut, cut_publish
from test_release_files import verify

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

FIXTURES = Path(__file__).parent.parent / "fixtures"
WORKFLOWS = {
    "pendulum": (FIXTURES / "pendulum" / "release.yml").read_text(encoding="utf-8"),
    "tomlkit": (FIXTURES / "tomlkit" / "release.yml").read_text(encoding="utf-8"),
}


def prepared_with(make_project: ProjectFactory, workflow: str) -> ReleaseProject:
    files = {**widget_kit_files(), ".github/workflows/release.yml": WORKFLOWS[workflow]}
    project = make_project(files, tags=("v0.9.0",))
    result = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")
    assert result.code == 0, result.output
    return project


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_cut_leaves_the_github_release_to_the_projects_own_workflow(
    make_project: ProjectFactory, github: GitHubStandIn, workflow: str
) -> None:
    project = prepared_with(make_project, workflow)

    result = cut(project, github)

    assert result.code == 0, result.output
    assert project.git("ls-remote", "--tags", "origin", "v0.9.1")  # tagged and pushed
    assert github.releases == []  # its "Create Release" step would fail on one made already
    assert (
        "The GitHub release is left to .github/workflows/release.yml, which creates it when "
        "the tag is pushed, and uploads."
    ) in result.output


def test_cut_publish_is_refused_before_the_tag_when_the_workflow_uploads_too(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared_with(make_project, "pendulum")

    result = cut_publish(project, github, index)

    assert result.code == 1
    assert (
        ".github/workflows/release.yml creates the GitHub release and uploads to the index "
        "when v0.9.1 is pushed"
    ) in result.output
    assert "run plain poetry release cut" in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert github.releases == []
    assert list(index.packages.iterdir()) == []


def test_a_workflow_that_only_uploads_gets_the_release_made_by_cut(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    uploads_only = WORKFLOWS["tomlkit"].replace("uses: ncipollo/release-action@v1", "if: false")
    project = make_project(
        {**widget_kit_files(), ".github/workflows/release.yml": uploads_only}, tags=("v0.9.0",)
    )
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    result = cut(project, github)

    assert result.code == 0, result.output
    assert [release["tag_name"] for release in github.releases] == ["v0.9.1"]
    assert github.releases[0]["draft"] is False
    assert (
        "The upload is left to .github/workflows/release.yml, which runs when the tag is pushed."
    ) in result.output


def test_verify_does_not_ask_for_files_the_projects_own_workflow_attaches(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared_with(make_project, "tomlkit")
    assert cut(project, github).code == 0
    built = project.poetry("build", "--output", str(index.packages))  # the workflow's upload
    assert built.code == 0, built.output
    github.add_release("v0.9.1", draft=False)  # the workflow's release, with its own files

    result = verify(project, github, index)

    rows = {row["name"]: row for row in result.json()["checks"]}
    assert rows["assets"]["result"] == "skipped"
    assert rows["assets"]["detail"] == (
        ".github/workflows/release.yml makes the release and its files on the tag"
    )


def test_cut_publish_without_a_github_release_uploads_when_the_workflow_only_makes_it(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    release_only = WORKFLOWS["tomlkit"].replace("run: poetry publish", "run: echo no upload")
    project = make_project(
        {**widget_kit_files(), ".github/workflows/release.yml": release_only}, tags=("v0.9.0",)
    )
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    refused = cut_publish(project, github, index)
    result = cut_publish(project, github, index, "--no-github-release")

    assert refused.code == 1
    assert "(or cut --publish --no-github-release)" in refused.output
    assert result.code == 0, result.output
    assert sorted(path.name for path in index.packages.iterdir()) == [
        "widget_kit-0.9.1-py3-none-any.whl",
        "widget_kit-0.9.1.tar.gz",
    ]
    assert github.releases == []  # the workflow makes it
