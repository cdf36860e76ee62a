"""Two real public Poetry projects whose last release tag is not on the branch they release from
(tests/fixtures), read as a user would, with no [tool.poetry-release] table:

- powertools-lambda-python releases from `develop`, the remote's default branch: its CI tags
  each release on a "chore: version bump" commit made on top of a `develop` commit and never
  merged back (`develop` gets the same change in a pull request of its own);
- pendulum released 3.0.0b1 from a pull request whose only commit is tagged, then squash-merged
  into `master`, so `master` never reaches the tag (3.0.0a1, tagged on a release branch merged
  later, is the last tag `master` reaches).

status names that tag as the last release, counts the commits since it, and prepare makes the
version each project really released next, its changelog section holding only those commits,
on the remote's default branch without any `branch` configured."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from conftest import github_environment
from support import GIT, run

if TYPE_CHECKING:
    from conftest import LocalIndex, RealProjectFactory
    from github_standin import GitHubStandIn
    from support import Run

EXPECTED: dict[str, dict[str, Any]] = {
    "powertools-lambda-python": {
        "branch": "develop",
        "version": "2.39.1",
        "last_tag": "v2.39.1",
        # `git rev-list --count v2.39.1..HEAD` is 35: `develop` after cb1b194a5 (v2.39.1's
        # parent) up to c50941256, pull requests squash-merged, no merge commit. One of them is
        # not a change since the release but the release itself landing on `develop`:
        # "chore(ci): bump version to 2.39.1 (#4503)", the very patch of the tagged "chore:
        # version bump" (same parent, same patch-id). 35 - 1 = 34, as `git rev-list --count
        # --no-merges --cherry-pick --right-only v2.39.1...HEAD` says.
        "commits_since": 34,
        # Releasable commits since the release: prepare (offline, the index is not asked
        # whether v2.39.1 reached it; known missing, verify would come first).
        "next": "prepare",
        # Its next release was v2.40.0 (2024-06-27): a minor one, for the
        # "feat(validation): support JSON Schema referencing in validation utils (#4508)" commit
        # since v2.39.1 (and the fix:es beside it).
        "released_next": "2.40.0",
        "in_section": "support JSON Schema referencing in validation utils",
        "not_in_section": (
            "regression making pydantic required",  # v2.39.1's fix (#4500)
            "do not skip middleware and exception handlers on 404 error",  # v2.39.0's (#4492)
        ),
    },
    "pendulum": {
        "branch": "master",
        "version": "3.0.0b1",
        "last_tag": "3.0.0b1",
        # `git rev-list --count 3.0.0b1..HEAD` is 4: "Bump version to 3.0.0b1 (#756)", "fix:
        # rename period to interval in repr and tests (#757)", "Update README.rst fix small
        # typo. (#748)", "Remove upper bounds dependency constraints (#760)", no merge commit.
        # The first is the release itself, squash-merged: the tagged commit's patch on the same
        # parent (same patch-id). 4 - 1 = 3, as `git rev-list --count --no-merges --cherry-pick
        # --right-only 3.0.0b1...HEAD` says.
        "commits_since": 3,
        "next": "prepare",  # as above
        # Its next release was 3.0.0 (2023-12-16); the one Conventional Commit since 3.0.0b1 is
        # the fix: above, a patch: from a pre-release, 3.0.0.
        "released_next": "3.0.0",
        "in_section": "rename period to interval in repr and tests",
        "not_in_section": (
            "handle DST folded dates with start/end_of",  # a fix: of 3.0.0b1 (#713)
            "Bump version to 3.0.0b1",  # the 3.0.0b1 release itself, squash-merged
        ),
    },
}

pytestmark = pytest.mark.parametrize("name", sorted(EXPECTED))


def added_changelog_lines(result: Run) -> list[str]:
    """The lines the dry run's diff of CHANGELOG.md adds (its stderr in --json mode)."""
    diff = result.stderr.split("--- a/CHANGELOG.md\n", 1)
    assert len(diff) == 2, result.output
    block = diff[1].split("\n--- a/", 1)[0]
    return [
        line[1:]
        for line in block.splitlines()
        if line.startswith("+") and not line.startswith("++")
    ]


def test_the_rebuilt_history_has_the_real_shape(name: str, real: RealProjectFactory) -> None:
    project = real(name)
    branch = EXPECTED[name]["branch"]

    assert "[tool.poetry-release]" not in project.read("pyproject.toml")
    assert project.git("symbolic-ref", "--short", "HEAD") == branch
    assert f"ref: refs/heads/{branch}\tHEAD" in project.git("ls-remote", "--symref", "origin")
    assert (
        project.git("symbolic-ref", "refs/remotes/origin/HEAD") == f"refs/remotes/origin/{branch}"
    )
    tag = EXPECTED[name]["last_tag"]

    def is_ancestor(commit: str) -> bool:
        found = run(
            [GIT, "merge-base", "--is-ancestor", commit, "HEAD"], project.root, project.env, 60
        )
        assert found.code in (0, 1), found.output
        return found.code == 0

    assert not is_ancestor(tag)  # the last release is not on the branch
    assert is_ancestor(f"{tag}^{{commit}}^1")  # the commit it was made on is
    since = ("--no-merges", "--cherry-pick", "--right-only", f"{tag}...HEAD")
    assert int(project.git("rev-list", "--count", *since)) == EXPECTED[name]["commits_since"]


def test_status_names_the_release_tagged_off_the_branch(
    name: str, real: RealProjectFactory
) -> None:
    project = real(name)
    expected = EXPECTED[name]

    result = project.poetry("release", "status", "--offline", "--json")

    assert result.code == 0, result.output
    status = result.json()
    assert status["version"] == expected["version"]
    assert (status["last_tag"], status["commits_since"]) == (
        expected["last_tag"],
        expected["commits_since"],
    )
    assert status["next"] == expected["next"]


def test_prepare_makes_the_version_released_next_from_the_commits_since_that_tag(
    name: str, real: RealProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = real(name)
    expected = EXPECTED[name]
    head = project.git("rev-parse", "HEAD")
    env = {**github_environment(github), **index.poetry_environment("demo")}

    result = project.poetry(
        "release", "prepare", "--dry-run", "--offline", "--no-checks", "--json", extra_env=env
    )

    assert result.code == 0, result.output  # on develop / master: no `branch` configured
    assert "not a release branch" not in result.stderr
    prepared = result.json()
    assert (prepared["previous_version"], prepared["version"]) == (
        expected["version"],
        expected["released_next"],
    )
    added = "\n".join(added_changelog_lines(result))
    assert expected["in_section"] in added
    for earlier in expected["not_in_section"]:
        assert earlier not in added
    assert project.git("rev-parse", "HEAD") == head
    assert project.git("status", "--porcelain") == ""
