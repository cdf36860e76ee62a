"""A changelog's own voice: its subsections for each kind of change, its entry shape; and
only the commits that belong in it."""

from __future__ import annotations

import pytest

from poetry_release_plugin.core.changelog import changelog_voice
from poetry_release_plugin.core.commits import (
    DEFAULT_VOICE,
    Commit,
    changes_only,
    group_changes,
    render_sections,
)

COMMITS = [
    Commit("a" * 40, "feat(cli): add a flag"),
    Commit("b" * 40, "fix: a crash"),
    Commit("c" * 40, "refactor(core): tidy"),
    Commit("d" * 40, "docs: explain"),
    Commit("e" * 40, "Some plain message (#12)"),
    Commit("f" * 40, "feat!: drop python 3.9"),
    Commit("1" * 40, "build(deps): bump requests from 2.31 to 2.32"),
]

COMMITIZEN = """## v4.10.0 (2025-11-10)

### Feat

- **conventional_commits**: allow exclamation in title on BC

### Fix

- **commands/version**: add missing return

### Refactor

- **bump**: cleanup related to update_version_file
"""
KEEP_A_CHANGELOG = """# Changelog

## [Unreleased]

## [1.0.0] - 2020-01-01

### Added

- A thing.

### Changed

- Another thing.

### Fixed

- A bug.
"""
HASHED = "## 1.0.0\n\n### Bug Fixes\n\n* a bug ([1a2b3c4](https://github.com/o/r/commit/1a2b3c4))\n"


def linked(digit: str) -> str:
    """A commit of COMMITS (its hash all one digit) as HASHED's entries link theirs."""
    return f"([{digit * 7}](https://github.com/o/r/commit/{digit * 7}))"


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        (
            COMMITIZEN,  # commitizen's own BREAKING CHANGE section joins the file's
            "### BREAKING CHANGE\n\n- drop python 3.9\n\n### Feat\n\n- **cli**: add a flag\n\n"
            "### Fix\n\n- a crash\n\n### Refactor\n\n- **core**: tidy",
        ),
        (
            KEEP_A_CHANGELOG,
            "### Added\n\n- **cli:** add a flag\n- **BREAKING:** drop python 3.9\n\n"
            "### Changed\n\n- **core:** tidy\n- Some plain message (#12)\n\n"
            "### Fixed\n\n- a crash",
        ),
        (
            HASHED,  # release-please's: conventional-changelog's names, `*`, commit links
            f"### BREAKING CHANGES\n\n* drop python 3.9 {linked('f')}\n\n"
            f"### Features\n\n* **cli:** add a flag {linked('a')}\n\n"
            f"### Bug Fixes\n\n* a crash {linked('b')}",
        ),
    ],
    ids=["commitizen", "keep-a-changelog", "hashes"],
)
def test_a_section_is_written_in_the_files_own_voice(text: str, rendered: str) -> None:
    voice = changelog_voice(text)

    assert render_sections(group_changes(COMMITS, voice)) == rendered


def test_a_file_with_no_release_yet_gets_the_built_in_voice() -> None:
    assert changelog_voice("# Changelog\n\n## [Unreleased]\n") == DEFAULT_VOICE


def test_fixups_and_a_commit_with_its_revert_are_left_out() -> None:
    commits = [
        Commit("9" * 40, 'Revert "feat: a flag"\n\nThis reverts commit ' + "a" * 40 + "."),
        Commit("8" * 40, "fixup! fix: a crash"),
        Commit("7" * 40, "squash! feat: a flag"),
        Commit("6" * 40, "amend! fix: a crash"),
        *COMMITS[:2],
    ]

    kept = changes_only(commits, lambda subject: False)

    assert [c.sha[0] for c in kept] == ["b"]


def test_changelog_exclude_leaves_out_what_it_matches() -> None:
    grouped = group_changes(COMMITS, DEFAULT_VOICE, exclude=[r"^build\(deps\)"])

    assert "Dependencies" not in dict(grouped.ordered())


def test_a_file_whose_newest_releases_only_fixed_things_still_has_room_for_features() -> None:
    voice = changelog_voice("## [1.0.1] - 2020-01-02\n\n### Fixed\n\n- A bug.\n")

    assert [name for name, _kinds in voice.sections] == ["Added", "Fixed"]


# tomlkit's CHANGELOG.md (github.com/python-poetry/tomlkit) at 0.15.1, its five newest releases
# with their entries cut to one each: no release lists all its subsections, yet together they
# say Changed, then Added, then Fixed (0.15.1: Changed before Fixed; 0.14.0: Changed before
# Added, and its stray "## Fixed"; 0.13.3: Added before Fixed).
TOMLKIT = """# Change Log

## [0.15.1] - 2026-07-17

### Changed

- Speed up membership tests. ([#483](https://github.com/python-poetry/tomlkit/issues/483))

### Fixed

- Fix `string()` dropping a leading newline of a multiline string on round-trip.

## [0.15.0] - 2026-05-10

### Changed

- Update parser to support TOML spec v1.1.0. ([#456](https://github.com/python-poetry/tomlkit/pull/456))

## [0.14.0] - 2026-01-13

### Changed

- Drop support for Python older than 3.9. Remove 3.8 from the CI matrix.

### Added

- Add `String.type` property to get the string type. ([#443](https://github.com/python-poetry/tomlkit/issues/443))

## Fixed

- Fixed `tomlkit.boolean()` API to correctly handle boolean inputs. ([#442](https://github.com/python-poetry/tomlkit/issues/442))

## [0.13.3] - 2025-06-05

### Added

- Add `.item()` method to array and tables to retrieve an item by key. ([#390](https://github.com/python-poetry/tomlkit/issues/390))

### Fixed

- Fix serialization of a nested dotted key table. ([#411](https://github.com/python-poetry/tomlkit/issues/411))

## [0.13.2] - 2024-08-14

### Fixed

- Fix deleting keys from an out-of-order table does not remove all table parts. ([#379](https://github.com/python-poetry/tomlkit/issues/379))
"""


def test_the_subsections_come_in_the_order_the_releases_agree_on() -> None:
    voice = changelog_voice(TOMLKIT)

    assert [name for name, _kinds in voice.sections] == ["Changed", "Added", "Fixed"]


@pytest.mark.parametrize(
    ("releases", "order"),
    [
        (["### Fixed\n\n- a\n\n### Added\n\n- b\n"] * 2, ["Fixed", "Added"]),  # the file's way
        (["### Fixed\n\n- a\n", "### Added\n\n- b\n"], ["Added", "Fixed"]),  # as first seen
    ],
)
def test_an_order_the_file_keeps_wins_and_the_first_seen_decides_the_rest(
    releases: list[str], order: list[str]
) -> None:
    text = "".join(
        f"## [1.0.{n}] - 2020-01-0{n + 1}\n\n{body}\n" for n, body in enumerate(reversed(releases))
    )

    voice = changelog_voice(text)

    assert [name for name, _kinds in voice.sections][:2] == order


GIT_CHGLOG = """<a name="unreleased"></a>
## [Unreleased]


<a name="v1.2.0"></a>
## [v1.2.0] - 2020-03-01
### Bug Fixes
- **api:** a leak
- **cli:** a crash

### Chore
- **deps:** bump a library
- **tools:** pin poetry

### Features
- **api:** a route


<a name="v1.1.0"></a>
## [v1.1.0] - 2020-02-01
### Bug Fixes
- **api:** a typo
- **core:** a race

### Code Refactoring
- **core:** tidy

### Features
- **cli:** a flag
"""


def test_a_git_chglog_file_gets_its_order_its_chore_section_and_no_blank_lines() -> None:
    commits = [
        Commit("1" * 40, "chore(deps): bump requests"),
        Commit("2" * 40, "refactor(core): split"),
        Commit("3" * 40, "fix(cli): b"),
        Commit("4" * 40, "fix(api): a"),
        Commit("5" * 40, "chore: tidy"),
        Commit("6" * 40, "ci: cache"),
    ]

    rendered = render_sections(group_changes(commits, changelog_voice(GIT_CHGLOG)))

    assert rendered == (
        "### Bug Fixes\n- **api:** a\n- **cli:** b\n\n"
        "### Chore\n- tidy\n- **deps:** bump requests\n\n"
        "### Code Refactoring\n- **core:** split"
    )
