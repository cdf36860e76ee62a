"""Shallow clones are made whole before commits decide anything, or refused offline."""

from __future__ import annotations

import pytest
from fakes import MemoryGit, Said, project

from poetry_release_plugin.errors import ShallowClone
from poetry_release_plugin.workflows.full_history import ensure_full_history
from poetry_release_plugin.workflows.prepare import PrepareRequest, ensure_prepare_history

CHANGELOG_WITH_ENTRIES = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Widgets.\n"


def shallow() -> MemoryGit:
    git = MemoryGit()
    git.commit("fix: small thing")
    git.shallow = True
    return git


def test_a_full_clone_fetches_nothing() -> None:
    git, said = MemoryGit(), Said()
    git.commit("feat: widgets")

    assert ensure_full_history(git, "origin", said, purpose="the new version") is False
    assert said.infos == []


def test_a_shallow_clone_fetches_its_history_and_says_so() -> None:
    git, said = shallow(), Said()

    assert ensure_full_history(git, "origin", said, purpose="the new version") is True
    assert git.shallow is False
    assert said.infos == [
        "This is a shallow clone: fetching the full history and tags from origin "
        "to decide the new version"
    ]


@pytest.mark.parametrize(
    ("offline", "remote", "reason"),
    [
        (True, "origin", "--offline forbids fetching them"),
        (False, "upstream", "the remote upstream to fetch them from is not configured"),
    ],
)
def test_a_shallow_clone_that_may_not_fetch_is_refused_naming_fetch_depth(
    offline: bool, remote: str, reason: str
) -> None:
    git = shallow()

    with pytest.raises(ShallowClone) as refused:
        ensure_full_history(git, remote, Said(), purpose="the new version", offline=offline)

    assert reason in refused.value.what
    assert "fetch-depth: 0" in refused.value.fix
    assert git.shallow is True


@pytest.mark.parametrize(
    ("rule", "changelog", "refused"),
    [
        (None, CHANGELOG_WITH_ENTRIES, "the new version"),
        ("patch", "# Changelog\n\n## [Unreleased]\n", "the changelog section"),
        ("patch", CHANGELOG_WITH_ENTRIES, None),
    ],
)
def test_offline_prepare_refuses_only_what_commits_would_decide(
    rule: str | None, changelog: str, refused: str | None
) -> None:
    git = shallow()
    request = PrepareRequest(rule=rule, offline=True)

    if refused is None:
        ensure_prepare_history(project(changelog=changelog), request, git, Said())
        assert git.shallow is True  # an explicit rule and written entries need no history
    else:
        with pytest.raises(ShallowClone, match=refused):
            ensure_prepare_history(project(changelog=changelog), request, git, Said())
