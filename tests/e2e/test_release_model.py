"""Where a release stands, through the real tools: a prepared version is prepared again (never
skipped), a version released under another spelling is refused, and the release branch is the
remote's default branch when none is configured."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from conftest import github_environment
from support import CHANGELOG, widget_kit_files

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

NO_CHECKS = ("--offline", "--no-checks")


def widget_kit(make_project: ProjectFactory, changelog: str = CHANGELOG) -> ReleaseProject:
    return make_project(widget_kit_files(changelog), tags=("v0.9.0",))


def test_a_prepared_version_with_a_commit_after_it_is_prepared_again_not_skipped(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = widget_kit(make_project)
    first = project.poetry("release", "prepare", "patch", *NO_CHECKS)
    assert first.code == 0, first.output
    prepared_at = project.git("rev-parse", "HEAD")
    project.write("docs/usage.md", "How to use widgets.\n")
    project.commit_all("docs: how to use widgets")

    status = project.poetry("release", "status", "--offline", "--json")
    again = project.poetry("release", "prepare", *NO_CHECKS, "--json")
    cut = project.poetry("release", "cut", "--dry-run", extra_env=github_environment(github))

    assert status.code == 0, status.output
    assert status.json()["next"] == "prepare"
    assert status.json()["prepared"] == {
        "version": "0.9.1",
        "commit": prepared_at,
        "commits_since": 1,
    }
    assert (
        f"0.9.1 prepared at {prepared_at[:10]} (chore: bump version to 0.9.1), 1 commit(s) "
        "since: run prepare to fold them into 0.9.1, or cut refuses"
    ) in status.stderr
    assert again.code == 0, again.output
    assert (again.json()["version"], again.json()["previous_version"]) == ("0.9.1", "0.9.1")
    assert "0.9.1 was prepared and not cut" in again.stderr
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"
    assert project.git("rev-parse", "HEAD~1") != prepared_at  # a new commit, nothing amended
    changelog = project.read("CHANGELOG.md")
    today = datetime.date.today().isoformat()
    assert changelog.count("## [0.9.1]") == 1
    assert f"## [0.9.1] - {today}\n\n### Added\n\n- A `widgets` module.\n" in changelog
    assert changelog.count("[0.9.1]: ") == 1
    assert '__version__ = "0.9.1"' in project.read("widget_kit/__init__.py")
    assert cut.code == 0, cut.output
    assert "annotated tag v0.9.1" in cut.output  # on HEAD: the new release commit
    assert "v0.9.2" not in project.git("tag", "--list")


def test_a_prepared_version_without_a_changelog_gets_an_empty_release_commit_again(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    del files["CHANGELOG.md"]
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", *NO_CHECKS).code == 0
    project.write("docs/usage.md", "How to use widgets.\n")
    project.commit_all("fix: how widgets are counted")

    again = project.poetry("release", "prepare", *NO_CHECKS)
    status = project.poetry("release", "status", "--offline", "--json")

    assert again.code == 0, again.output
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"
    assert project.head_files() == []  # empty: the version is the same
    assert status.json()["next"] == "cut"


def test_a_prepared_version_with_nothing_after_it_is_cut_not_prepared_again(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    assert project.poetry("release", "prepare", "patch", *NO_CHECKS).code == 0
    head = project.git("rev-parse", "HEAD")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 1
    assert "0.9.1 is prepared at" in again.stderr
    assert "run poetry release cut" in again.stderr
    assert project.git("rev-parse", "HEAD") == head


def test_a_version_released_under_another_spelling_is_refused_naming_the_tag(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = widget_kit(make_project)
    project.git("tag", "v0.9.1-rc.1")
    project.git("push", "--quiet", "origin", "v0.9.1-rc.1")

    prepare = project.poetry("release", "prepare", "0.9.1rc1", "--no-checks")

    assert prepare.code == 1
    assert "Tag v0.9.1-rc.1 already exists" in prepare.stderr
    assert project.git("log", "-1", "--format=%s") == "Initial commit"


def test_the_release_branch_is_the_remotes_default_when_none_is_configured(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    project.git("branch", "--move", "main", "develop")
    project.git("push", "--quiet", "origin", "develop")
    project.git("symbolic-ref", "HEAD", "refs/heads/develop", cwd=project.remote)
    project.git("push", "--quiet", "origin", "--delete", "main")
    project.git("branch", "--set-upstream-to", "origin/develop")

    status = project.poetry("release", "status", "--json")
    prepare = project.poetry("release", "prepare", "patch", "--no-checks", "--dry-run")

    assert status.code == 0, status.output
    assert status.json()["release_branch"] == ["develop"]
    assert status.json()["release_branch_source"] == "the default branch: the HEAD of origin"
    assert status.json()["blocked"] is None
    assert prepare.code == 0, prepare.output
    assert "It would commit: chore: bump version to 0.9.1" in prepare.output


def test_a_section_written_ahead_for_the_new_version_is_kept_not_written_twice(
    make_project: ProjectFactory,
) -> None:
    written_ahead = CHANGELOG.replace(
        "## [Unreleased]\n\n### Added\n\n- A `widgets` module.\n",
        "## [0.9.1] - 2026-03-29\n\n### Fixed\n\n- Written by hand before the release.\n",
    )
    project = widget_kit(make_project, written_ahead)

    result = project.poetry("release", "prepare", "patch", *NO_CHECKS)

    assert result.code == 0, result.output
    assert project.read("CHANGELOG.md") == written_ahead
    assert '__version__ = "0.9.1"' in project.read("widget_kit/__init__.py")


def prepared_from_a_generated_section(make_project: ProjectFactory) -> ReleaseProject:
    """widget-kit 0.9.1 prepared from one fix, its changelog section generated (Unreleased
    was empty)."""
    project = widget_kit(
        make_project, CHANGELOG.replace("### Added\n\n- A `widgets` module.\n", "")
    )
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")
    assert project.poetry("release", "prepare", *NO_CHECKS).code == 0
    return project


def test_a_prepared_section_edited_by_hand_is_kept_when_prepared_again(
    make_project: ProjectFactory,
) -> None:
    project = prepared_from_a_generated_section(make_project)
    edited = project.read("CHANGELOG.md").replace(
        "- the wobble", "- The wobble in `core`, for good."
    )
    assert edited != project.read("CHANGELOG.md")
    project.write("CHANGELOG.md", edited)
    project.commit_all("docs: the changelog in our words")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 0, again.output
    changelog = project.read("CHANGELOG.md")
    assert changelog.count("## [0.9.1]") == 1
    assert changelog.count("[0.9.1]: ") == 1
    assert "- The wobble in `core`, for good." in changelog
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"


def test_a_generated_prepared_section_is_generated_anew_with_the_commits_since(
    make_project: ProjectFactory,
) -> None:
    project = prepared_from_a_generated_section(make_project)
    project.write("widget_kit/more.py", "MORE = True\n")
    project.commit_all("fix: the rattle")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 0, again.output
    changelog = project.read("CHANGELOG.md")
    assert changelog.count("## [0.9.1]") == 1
    section = changelog.split("## [0.9.1]", 1)[1].split("## [0.9.0]", 1)[0]
    assert "the wobble" in section
    assert "the rattle" in section
