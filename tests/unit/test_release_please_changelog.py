"""A release-please changelog, from real files: the new section copies the heading's shape (a
compare link in it, the date in parentheses, `###` for a patch where the file does so), the
blank lines under headings and between subsections, the entries' commit and pull request
links, their sentence case and their order (by scope, then text).

The texts are the heads of real changelogs release-please wrote: micropy-cli's (a Poetry
project, MIT, © 2019 Braden Mars; the file as its 4.2.1 release left it, the fixture's),
practice-release-please's (a Python project of hamakou108, its 0.3.2 and 0.3.1 releases) and
release-please's own (Apache-2.0, © Google LLC): its 16.0.0 and 15.13.0 releases of 2023, a
breaking change among them, and its 1.6.1 and 1.6.0 of 2019, when it wrote patch releases
under `###` and short hashes in commit links, each below the file's title)."""

from __future__ import annotations

from pathlib import Path

from poetry_release_plugin.core.changelog import changelog_voice, promote_unreleased
from poetry_release_plugin.core.commits import Commit, group_changes, render_sections

MICROPY = "https://github.com/BradenM/micropy-cli"
FIXTURES = Path(__file__).parent.parent / "fixtures"
MICROPY_CLI = (FIXTURES / "micropy-cli-release-please" / "CHANGELOG.4.2.1.md").read_text()
PRACTICE = "https://github.com/hamakou108/practice-release-please"
PRACTICE_RELEASE_PLEASE = f"""# Changelog

## [0.3.2]({PRACTICE}/compare/v0.3.1...v0.3.2) (2023-03-09)


### Bug Fixes

* fix ci ([#43]({PRACTICE}/issues/43)) ([94039cb]({PRACTICE}/commit/94039cb148de84d90dda507b1d0d1d908a421e45))

## [0.3.1]({PRACTICE}/compare/v0.3.0...v0.3.1) (2023-03-09)


### Bug Fixes

* fix ci ([#41]({PRACTICE}/issues/41)) ([b6e392e]({PRACTICE}/commit/b6e392e24db77e2e5fe8b8ecd7f887d696013e40))
"""
RP = "https://www.github.com/googleapis/release-please"
RELEASE_PLEASE_2019 = f"""# Changelog

### [1.6.1]({RP}/compare/v1.6.0...v1.6.1) (2019-05-20)


### Bug Fixes

* extend release notes regex to support patches ([#142]({RP}/issues/142)) ([e887626]({RP}/commit/e887626))
* force update branch rather than closing and reopening PRs ([#152]({RP}/issues/152)) ([b0db15f]({RP}/commit/b0db15f)), closes [#141]({RP}/issues/141) [#128]({RP}/issues/128)

## [1.6.0]({RP}/compare/v1.5.1...v1.6.0) (2019-05-19)


### Features

* BREAKING CHANGE moved to top of template ([#137]({RP}/issues/137)) ([3a92b99]({RP}/commit/3a92b99))
"""
SHA = "0123456789abcdef0123456789abcdef01234567"


def prepared(text: str, version: str, previous: str, *subjects: str) -> str:
    commits = [Commit(SHA, subject) for subject in subjects]
    section = render_sections(group_changes(commits, changelog_voice(text)))
    return promote_unreleased(
        text, version, "2026-12-07", generated=section, tag=f"v{version}", previous_tag=previous
    )


def test_the_heading_link_date_blank_lines_and_commit_links_are_the_files() -> None:
    result = prepared(
        MICROPY_CLI, "4.2.2", "v4.2.1", "fix(deps): update dependency typer", "fix(cli): a bug"
    )

    assert result == MICROPY_CLI.replace(
        "## [4.2.1]",
        f"## [4.2.2]({MICROPY}/compare/v4.2.1...v4.2.2) (2026-12-07)\n\n\n"
        "### Bug Fixes\n\n"
        f"* **cli:** A bug ([0123456]({MICROPY}/commit/{SHA}))\n"
        f"* **deps:** Update dependency typer ([0123456]({MICROPY}/commit/{SHA}))\n\n"
        "## [4.2.1]",
        1,
    )


def test_two_kinds_of_change_are_two_blank_lines_apart_as_in_the_file() -> None:
    result = prepared(MICROPY_CLI, "4.3.0", "v4.2.1", "docs: say more", "feat(app): a command")

    assert "\n\n\n### Features\n\n* **app:** A command ([0123456]" in result.split("## [4.2.1]")[0]
    assert "\n\n\n### Documentation\n\n* Say more ([0123456]" in result.split("## [4.2.1]")[0]


def test_a_pull_request_a_subject_ends_with_is_linked_as_the_file_links_them() -> None:
    result = prepared(PRACTICE_RELEASE_PLEASE, "0.3.3", "v0.3.2", "fix: fix the build (#45)")

    assert result.startswith(
        f"# Changelog\n\n## [0.3.3]({PRACTICE}/compare/v0.3.2...v0.3.3) (2026-12-07)\n\n\n"
        f"### Bug Fixes\n\n* fix the build ([#45]({PRACTICE}/issues/45)) "
        f"([0123456]({PRACTICE}/commit/{SHA}))\n\n## [0.3.2]"
    )


def test_a_patch_release_gets_the_level_3_heading_of_the_files_patch_releases() -> None:
    patch = prepared(RELEASE_PLEASE_2019, "1.6.2", "v1.6.1", "fix: a crash (#160)")
    minor = prepared(RELEASE_PLEASE_2019, "1.7.0", "v1.6.1", "feat: a flag")

    head = RELEASE_PLEASE_2019.split("### [1.6.1]")[0]
    assert patch.startswith(
        f"{head}### [1.6.2]({RP}/compare/v1.6.1...v1.6.2) (2026-12-07)\n\n\n"
        f"### Bug Fixes\n\n* a crash ([#160]({RP}/issues/160)) ([0123456]({RP}/commit/0123456))"
        "\n\n### [1.6.1]"
    )
    assert minor.startswith(
        f"{head}## [1.7.0]({RP}/compare/v1.6.1...v1.7.0) (2026-12-07)\n\n\n### Features"
    )


GH = "https://github.com/googleapis/release-please"
RELEASE_PLEASE_2023 = f"""# Changelog

## [16.0.0]({GH}/compare/v15.13.0...v16.0.0) (2023-09-18)


### ⚠ BREAKING CHANGES

* require node 18+ ([#2069]({GH}/issues/2069))

### Features

* Fallback to root package version if package ignores github release ([#1935]({GH}/issues/1935)) ([0e11d4c]({GH}/commit/0e11d4c019f1e33cd713a237e037f31397d5371a))
* Require node 18+ ([#2069]({GH}/issues/2069)) ([5a50247]({GH}/commit/5a5024727b93d0ba557b6f7ee5c6c1bab8d723d6))
* Support pnpm workspaces ([#2058]({GH}/issues/2058)) ([13cba14]({GH}/commit/13cba14225cb836c74199d726a996f83122fab07))
* Use default updaters based on file extension ([#2072]({GH}/issues/2072)) ([1ee162b]({GH}/commit/1ee162b3344e986afd09275f6762624e4a49faae))


### Bug Fixes

* **deps:** Bump semver dependency version ([#2068]({GH}/issues/2068)) ([cd0bd85]({GH}/commit/cd0bd853ac23087e5d5348c22f032fe0e533451d))
* **deps:** Replace lerna dependency with lerna-lite ([13cba14]({GH}/commit/13cba14225cb836c74199d726a996f83122fab07))
* **deps:** Upgrade http-proxy-agent to v7 ([#2071]({GH}/issues/2071)) ([cc50a34]({GH}/commit/cc50a34dee16115c07e574b05552678108f9e0c3))
* **deps:** Upgrade https-proxy-agent to v7 ([cc50a34]({GH}/commit/cc50a34dee16115c07e574b05552678108f9e0c3))

## [15.13.0]({GH}/compare/v15.12.0...v15.13.0) (2023-08-18)


### Features

* Adds metadata versioning for terraform modules ([#2041]({GH}/issues/2041)) ([49b33c7]({GH}/commit/49b33c73b2571699ad8362f8b6b934154a6ce375))
"""


def test_a_breaking_change_is_a_note_first_then_its_commit_under_its_type() -> None:
    result = prepared(
        RELEASE_PLEASE_2023, "17.0.0", "v16.0.0", "feat!: drop node 18 (#2100)", "fix: a bug"
    )

    link = f"([0123456]({GH}/commit/{SHA}))"
    assert result.startswith(
        f"# Changelog\n\n## [17.0.0]({GH}/compare/v16.0.0...v17.0.0) (2026-12-07)\n\n\n"
        f"### ⚠ BREAKING CHANGES\n\n* drop node 18 ([#2100]({GH}/issues/2100))\n\n"
        f"### Features\n\n* Drop node 18 ([#2100]({GH}/issues/2100)) {link}\n\n\n"
        f"### Bug Fixes\n\n* A bug {link}\n\n## [16.0.0]"
    )
