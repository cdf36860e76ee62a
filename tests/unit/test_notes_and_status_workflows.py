"""`notes` and `status` through in-memory adapters: what they read from history, and `next`."""

from __future__ import annotations

import pytest
from fakes import MemoryGit, MemoryGitHub, project

from poetry_release_plugin.adapters.github import GitHubRelease
from poetry_release_plugin.core.github_address import GitHubAddress
from poetry_release_plugin.errors import ReleaseError
from poetry_release_plugin.workflows.notes import release_notes
from poetry_release_plugin.workflows.status import StatusAdapters, release_status

ADDRESS = GitHubAddress("acme", "widget-kit", "https://github.com", "https://api.github.com")

CHANGELOG = """# Changelog

## [Unreleased]

## [1.1.0] - 2026-11-20

### Added

- Widgets, by hand.

## [1.0.0] - 2026-01-01

- First release.
"""


def history() -> MemoryGit:
    """v1.0.0, then a feature, a fix, a docs change and the release commit of 1.1.0 (tagged)."""
    git = MemoryGit()
    git.commit("chore: start")
    git.tags["v1.0.0"] = git.commit("chore: bump version to 1.0.0")
    git.commit("feat: widgets")
    git.commit("fix: the wobble")
    git.commit("docs: a typo")
    git.tags["v1.1.0"] = git.commit("chore: bump version to 1.1.0")
    git.publish()
    return git


def test_notes_come_from_the_changelog_section_when_there_is_one() -> None:
    notes = release_notes(project("1.1.0", changelog=CHANGELOG), history(), "1.1.0", ADDRESS)

    assert notes.source == "changelog"
    assert "Widgets, by hand." in notes.changes
    assert notes.compare_url == "https://github.com/acme/widget-kit/compare/v1.0.0...v1.1.0"
    assert "pip install widget-kit==1.1.0" in notes.render()


def test_notes_without_a_section_are_the_commits_between_the_two_tags() -> None:
    notes = release_notes(project("1.1.0"), history(), "1.1.0", ADDRESS)

    assert notes.source == "commits"
    assert "widgets" in notes.changes
    assert "the wobble" in notes.changes
    assert "typo" not in notes.changes  # docs are left out
    assert "bump version" not in notes.changes
    assert notes.previous_tag == "v1.0.0"


def test_notes_of_an_older_release_stop_at_its_own_tag() -> None:
    git = history()
    git.commit("feat: after 1.1.0")

    notes = release_notes(project("1.1.0"), git, "1.0.0", None)

    assert notes.previous_tag is None
    assert "after 1.1.0" not in notes.changes


def test_notes_of_a_version_nobody_released_are_refused() -> None:
    with pytest.raises(ReleaseError, match="9.9.9 has no tag v9.9.9"):
        release_notes(project("1.1.0"), history(), "9.9.9", None)


def release(tag: str, *, draft: bool = False) -> GitHubRelease:
    return GitHubRelease(1, tag, f"Release {tag}", draft, False, f"https://x/{tag}", "notes")


@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        (lambda git, github: git.tags.pop("v1.1.0"), "cut"),  # prepared, not tagged
        (lambda git, github: git.remote.pop("refs/tags/v1.1.0"), "cut"),  # tagged, not pushed
        (lambda git, github: None, "cut"),  # pushed, no GitHub release
        (lambda git, github: github.releases.append(release("v1.1.0", draft=True)), "cut"),
        (lambda git, github: github.releases.append(release("v1.1.0")), "verify"),
    ],
)
def test_status_next_is_the_command_that_makes_progress(arrange: object, expected: str) -> None:
    git, github = history(), MemoryGitHub()
    arrange(git, github)  # type: ignore[operator]
    adapters = StatusAdapters(git=git, github=lambda: github, index=lambda: None)

    status = release_status(project("1.1.0"), adapters, offline=False)

    assert status.next == expected


def test_status_counts_only_the_changes_since_the_last_release() -> None:
    git = history()
    git.commit("feat: next thing")
    git.commit("ci: cache")
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    status = release_status(project("1.1.0"), adapters, offline=True)

    facts = status.facts
    assert facts.last_release is not None
    assert facts.last_release.name == "v1.1.0"
    assert len(facts.changes_since) == 2
    assert facts.releasable_since
    assert facts.remote_has_tag is None  # offline: not asked


def test_status_never_sends_to_prepare_when_prepare_would_find_nothing_to_release() -> None:
    git, github = history(), MemoryGitHub()  # 1.1.0 tagged and pushed, no GitHub release
    git.commit("update the readme")  # not a conventional commit: nothing to release
    adapters = StatusAdapters(git=git, github=lambda: github, index=lambda: None)

    status = release_status(project("1.1.0"), adapters, offline=False)

    assert not status.facts.releasable_since
    assert status.next == "verify"  # names the missing GitHub release; prepare would refuse


def test_status_releasable_follows_prepares_rule() -> None:
    git = history()
    git.commit("feat!: a breaking widget")
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    assert release_status(project("1.1.0"), adapters, offline=True).facts.releasable_since
    git.tags["v1.2.0"] = git.commit("chore: bump version to 1.2.0")
    git.commit("build: a new lock file")
    assert not release_status(project("1.2.0"), adapters, offline=True).facts.releasable_since


def test_status_off_a_release_branch_says_cut_is_blocked_until_one_is_checked_out() -> None:
    git = history()
    git.tags.pop("v1.1.0")  # prepared, not tagged: cut would be next on main
    git.branch = "feature/widgets"
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    status = release_status(project("1.1.0"), adapters, offline=True)

    assert status.next == "cut"  # one of DESIGN's values, never the branch
    assert status.blocked == (
        "on branch feature/widgets, which is not a release branch (main): cut runs only on one"
    )
    assert any(
        "feature/widgets" in note and "not a release branch" in note for note in status.notes
    )


@pytest.mark.parametrize(
    ("branch", "blocked"),
    [("main", False), ("hotfix/1.1", False), ("feature/widgets", True)],
)
def test_only_a_branch_that_is_not_a_release_branch_blocks_the_next_step(
    branch: str, blocked: bool
) -> None:
    git = history()
    git.tags.pop("v1.1.0")  # prepared, not tagged: cut is next on any branch
    git.branch = branch
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)
    released = project("1.1.0", release='branch = ["main", "hotfix/*"]\n')

    status = release_status(released, adapters, offline=True)

    assert status.next == "cut"
    assert (status.blocked is not None) == blocked
    assert status.facts.release_branch.patterns == ("main", "hotfix/*")


def test_a_finished_release_is_not_blocked_off_a_release_branch() -> None:
    git = history()
    git.branch = "feature/widgets"
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    status = release_status(project("1.1.0"), adapters, offline=True)

    assert (status.next, status.blocked) == ("verify", None)  # verify runs on any branch


def test_status_points_a_version_below_the_newest_release_tag_to_prepare() -> None:
    git = history()
    git.tags["v1.5.0"] = git.commit("chore: bump version to 1.5.0")
    git.commit("chore: set the version back to 1.1.1")  # committed, never tagged: cut refuses
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    status = release_status(project("1.1.1"), adapters, offline=True)

    assert status.next == "prepare"
    assert status.facts.higher_in_history is not None
    assert status.facts.higher_in_history.name == "v1.5.0"
    assert any("1.1.1 is not above v1.5.0" in note for note in status.notes)


def test_status_past_an_untagged_release_by_docs_only_names_the_rule_prepare_needs() -> None:
    git = MemoryGit()
    git.tags["v1.0.0"] = git.commit("chore: start", pyproject='[project]\nversion = "1.0.0"\n')
    git.commit("docs: the manual")
    git.commit("set 1.1.0 by hand", pyproject='[project]\nversion = "1.1.0"\n')
    git.commit("docs: later")  # 1.1.0 never tagged, and nothing since v1.0.0 calls for a release
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    status = release_status(project("1.1.0"), adapters, offline=True)

    assert status.next == "prepare"
    assert status.facts.pending is None  # not a release commit: just the current version
    assert any("poetry release prepare patch" in note for note in status.notes)


def test_status_says_a_prepared_version_with_commits_after_it_is_folded_in_by_prepare() -> None:
    git = MemoryGit()
    git.tags["v1.0.0"] = git.commit("chore: start", pyproject='[project]\nversion = "1.0.0"\n')
    git.commit("fix: a crash")
    prepared = git.commit(
        "chore: bump version to 1.0.1", pyproject='[project]\nversion = "1.0.1"\n'
    )
    git.commit("docs: later")
    adapters = StatusAdapters(git=git, github=lambda: None, index=lambda: None)

    status = release_status(project("1.0.1"), adapters, offline=True)

    assert status.next == "prepare"
    assert status.facts.pending is not None
    assert status.facts.pending.sha == prepared
    assert any(
        f"1.0.1 prepared at {prepared[:10]} (chore: bump version to 1.0.1), 1 commit(s) since: "
        "run prepare to fold them into 1.0.1" in note
        for note in status.notes
    )


@pytest.mark.parametrize(
    ("changelog", "said"),
    [
        (
            "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2020-01-01\n\n- First.\n",
            "Unreleased's entries in CHANGELOG.md, else the commits since the last tag",
        ),
        (
            "# Changelog\n\n## [1.0.0] - 2020-01-01\n\n- First.\n",
            "the commits since the last tag (no Unreleased in CHANGELOG.md)",
        ),
        (None, "the commits since the last tag (no changelog)"),
    ],
)
def test_status_names_unreleased_as_a_source_only_where_the_changelog_has_one(
    changelog: str | None, said: str
) -> None:
    from fakes import project

    assert project(changelog=changelog).section_source == ("commits", said)
