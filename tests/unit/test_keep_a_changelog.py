"""Keep a Changelog: promote Unreleased, update links, extract sections; never lose a line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import CHANGELOG

from poetry_release_plugin.core.changelog import (
    changelog_style,
    extract_section,
    fold_unreleased_into,
    has_unreleased_entries,
    promote_unreleased,
    withdraw_section,
)
from poetry_release_plugin.errors import ProjectError

KAC = """\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added

- Widgets.

## [0.9.0] - 2026-01-02

### Fixed

- The wobble.

## [0.8.0] - 2025-12-01

- First release.

[unreleased]: https://github.com/acme/widgets/compare/v0.9.0...HEAD
[0.9.0]: https://github.com/acme/widgets/compare/v0.8.0...v0.9.0
[0.8.0]: https://github.com/acme/widgets/releases/tag/v0.8.0
"""


def promote(text: str, generated: str = "") -> str:
    return promote_unreleased(
        text, "0.10.0", "2026-11-24", generated=generated, tag="v0.10.0", previous_tag="v0.9.0"
    )


def test_unreleased_entries_move_under_the_new_version_and_links_follow() -> None:
    result = promote(KAC)
    assert result == KAC.replace(
        "## [Unreleased]\n\n### Added",
        "## [Unreleased]\n\n## [0.10.0] - 2026-11-24\n\n### Added",
    ).replace(
        "[unreleased]: https://github.com/acme/widgets/compare/v0.9.0...HEAD\n",
        "[unreleased]: https://github.com/acme/widgets/compare/v0.10.0...HEAD\n"
        "[0.10.0]: https://github.com/acme/widgets/compare/v0.9.0...v0.10.0\n",
    )
    assert extract_section(result, "0.10.0") == "### Added\n\n- Widgets."
    assert not has_unreleased_entries(result)


def test_empty_unreleased_takes_the_generated_sections() -> None:
    empty = KAC.replace("### Added\n\n- Widgets.\n\n", "")
    result = promote(empty, generated="### New Features\n\n- add widgets (1234567)")
    assert extract_section(result, "0.10.0") == "### New Features\n\n- add widgets (1234567)"
    assert extract_section(result, "0.9.0") == extract_section(KAC, "0.9.0")


def test_crlf_files_stay_crlf() -> None:
    crlf = KAC.replace("\n", "\r\n")
    result = promote(crlf)
    assert result == promote(KAC).replace("\n", "\r\n")


def test_other_heading_styles_are_recognised() -> None:
    text = "# Changelog\n\n## 1.0.0 (2020-01-01)\n\n- first\n\n## [0.9.0] – 2019-12-01\n\n- zero\n"  # noqa: RUF001 - an en dash, as real changelogs have
    assert extract_section(text, "1.0.0") == "- first"
    assert extract_section(text, "0.9.0") == "- zero"
    result = promote_unreleased(
        text, "1.1.0", "2026-11-24", generated="- y", tag="v1.1.0", previous_tag="v1.0.0"
    )
    assert result == text.replace(
        "## 1.0.0 (2020-01-01)", "## 1.1.0 (2026-11-24)\n\n- y\n\n## 1.0.0 (2020-01-01)"
    )


def test_headings_inside_code_fences_are_not_sections() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n- Docs:\n\n```\n## [0.1.0] - not a heading\n```\n"
    result = promote_unreleased(
        text, "0.2.0", "2026-11-24", generated="", tag="v0.2.0", previous_tag=None
    )
    assert "```\n## [0.1.0] - not a heading\n```" in (extract_section(result, "0.2.0") or "")


entry = st.text(
    st.characters(whitelist_categories=("Ll", "Lu", "Nd", "Zs")), min_size=1, max_size=20
).map(lambda text: f"- {text.strip() or 'x'}")
section = st.lists(entry, min_size=1, max_size=4)


@given(
    unreleased=st.lists(entry, max_size=4),
    releases=st.lists(section, min_size=0, max_size=4),
    links=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_no_line_is_lost_and_older_sections_stay_byte_for_byte(
    unreleased: list[str], releases: list[list[str]], links: bool, newline: str
) -> None:
    lines = ["# Changelog", "", "## [Unreleased]", "", *unreleased]
    versions = [f"0.{9 - index}.0" for index in range(len(releases))]
    for version, entries in zip(versions, releases, strict=True):
        lines += ["", f"## [{version}] - 2026-01-01", "", *entries]
    if links:
        lines += ["", "[unreleased]: https://github.com/o/r/compare/v0.9.0...HEAD"]
        lines += [f"[{v}]: https://github.com/o/r/compare/v0.0.1...v{v}" for v in versions]
    text = newline.join(lines) + newline

    result = promote_unreleased(
        text, "1.0.0", "2026-11-24", generated="- generated", tag="v1.0.0", previous_tag="v0.9.0"
    )

    kept = [line for line in text.split(newline) if not line.startswith("[unreleased]:")]
    remaining = iter(result.split(newline))
    assert all(any(line == candidate for candidate in remaining) for line in kept)
    if links:
        assert "[unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD" in result
        assert "[1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0" in result
    for version in versions:
        assert extract_section(result, version) == extract_section(text, version)
    assert extract_section(result, "1.0.0") == (
        "\n".join(unreleased) if unreleased else "- generated"
    )
    assert not has_unreleased_entries(result)
    assert ("\r\n" in result) == (newline == "\r\n")


# The shape of poetry-core's and poetry-plugin-export's CHANGELOG.md (MIT, python-poetry).
POETRY_STYLE = """\
# Change Log


## [2.3.2] - 2026-03-29

### Fixed

- Fix an issue ([#930](https://github.com/python-poetry/poetry-core/pull/930)).


## [2.3.1] - 2026-02-01

### Changed

- Update list of supported licenses.


[Unreleased]: https://github.com/python-poetry/poetry-core/compare/2.3.2...main
[2.3.2]: https://github.com/python-poetry/poetry-core/releases/tag/2.3.2
[2.3.1]: https://github.com/python-poetry/poetry-core/releases/tag/2.3.1
"""


def test_a_file_without_unreleased_gets_a_section_in_its_own_style() -> None:
    result = promote_unreleased(
        POETRY_STYLE,
        "2.3.3",
        "2026-11-25",
        generated="### Fixed\n\n- a fix",
        tag="2.3.3",
        previous_tag="2.3.2",
    )
    assert result == POETRY_STYLE.replace(
        "## [2.3.2]", "## [2.3.3] - 2026-11-25\n\n### Fixed\n\n- a fix\n\n\n## [2.3.2]"
    ).replace(
        "[Unreleased]: https://github.com/python-poetry/poetry-core/compare/2.3.2...main\n",
        "[Unreleased]: https://github.com/python-poetry/poetry-core/compare/2.3.3...main\n"
        "[2.3.3]: https://github.com/python-poetry/poetry-core/releases/tag/2.3.3\n",
    )


def test_style_is_read_from_heading_gaps_and_links() -> None:
    style = changelog_style(POETRY_STYLE)
    assert (style.heading, style.gap, style.link, style.angle) == (
        "## [{version}] - {date}",
        2,
        "tag",
        False,
    )
    dashed = "## 1.0.0 - 2020-01-01\n\n- a\n\n## 0.9.0 - 2019-01-01\n\n- b\n"
    assert changelog_style(dashed).heading == "## {version} - {date}"
    en_dash = "## [v1.0.0] \u2013 2020-01-01\n\n- a\n"
    assert changelog_style(en_dash).heading == "## [v{version}] \u2013 {date}"


def test_angle_bracket_links_stay_in_angle_brackets_and_a_second_release_compares() -> None:
    text = (
        "## [Unreleased]\n\n- new\n\n## [1.0.0] - 2020-01-01\n\n- a\n\n"
        "[Unreleased]: <https://github.com/o/r/compare/v1.0.0...HEAD>\n"
        "[1.0.0]: <https://github.com/o/r/releases/tag/v1.0.0>\n"
    )
    result = promote_unreleased(
        text, "1.1.0", "2026-11-25", generated="", tag="v1.1.0", previous_tag="v1.0.0"
    )
    assert "[Unreleased]: <https://github.com/o/r/compare/v1.1.0...HEAD>\n" in result
    # Keep a Changelog: the first release links to its tag, every later one to a comparison
    assert "[1.1.0]: <https://github.com/o/r/compare/v1.0.0...v1.1.0>\n" in result


def test_setext_headings_are_sections_and_are_copied() -> None:
    text = "Changelog\n=========\n\n1.0.0 (2020-01-01)\n------------------\n\n- a\n"
    result = promote_unreleased(
        text, "1.1.0", "2026-11-25", generated="- b", tag="1.1.0", previous_tag="1.0.0"
    )
    assert result == text.replace(
        "1.0.0 (2020-01-01)", "1.1.0 (2026-11-25)\n------------------\n\n- b\n\n1.0.0 (2020-01-01)"
    )
    assert extract_section(result, "1.0.0") == "- a"


def test_a_fence_holding_other_fence_markers_hides_its_headings() -> None:
    text = (
        "## [Unreleased]\n\n````md\n```\n## [0.5.0] - fake\n```\n````\n\n"
        "## [0.4.0] - 2020-01-01\n\n- a\n"
    )
    result = promote_unreleased(
        text, "0.5.0", "2026-11-25", generated="", tag="v0.5.0", previous_tag="v0.4.0"
    )
    assert "## [0.5.0] - 2026-11-25\n\n````md\n```\n## [0.5.0] - fake" in result


def test_a_fence_that_never_closes_is_refused_with_its_line() -> None:
    text = "## [Unreleased]\n\n- a\n\n```\n## [0.4.0] - 2020-01-01\n"
    with pytest.raises(ProjectError, match="CHANGELOG.md line 5 opens a code fence"):
        promote_unreleased(
            text, "0.5.0", "2026-11-25", generated="", tag="v0.5.0", previous_tag=None
        )


def test_a_fence_that_never_closes_is_refused_by_every_question_not_only_the_first() -> None:
    text = "# Changelog\n\n```\n## [Unreleased]\n\n- a\n\n## [0.4.0] - 2020-01-01\n"
    for _ in range(2):  # the second question reads the same (cached) scan
        with pytest.raises(ProjectError, match="CHANGELOG.md line 3 opens a code fence"):
            has_unreleased_entries(text)
    with pytest.raises(ProjectError, match="line 3 opens a code fence"):
        promote_unreleased(
            text, "0.5.0", "2026-11-25", generated="- b", tag="v0.5.0", previous_tag="v0.4.0"
        )


def test_a_fence_left_open_in_an_old_section_does_not_stop_the_release() -> None:
    text = (
        "## [Unreleased]\n\n- a\n\n## [0.4.0] - 2020-01-01\n\n- b\n\n"
        "## [0.3.0] - 2019-01-01\n\n```\nnever closed\n"
    )
    result = promote_unreleased(
        text, "0.5.0", "2026-11-25", generated="", tag="v0.5.0", previous_tag="v0.4.0"
    )
    assert result.startswith("## [Unreleased]\n\n## [0.5.0] - 2026-11-25\n\n- a\n\n## [0.4.0]")
    assert result.endswith("```\nnever closed\n")


def test_a_section_prepared_again_is_withdrawn_with_its_link_to_be_generated_anew() -> None:
    prepared = promote_unreleased(
        CHANGELOG, "0.9.1", "2026-12-06", generated="", tag="v0.9.1", previous_tag="v0.9.0"
    )

    withdrawn = withdraw_section(prepared, "0.9.1")

    assert "## [0.9.1]" not in withdrawn
    assert "[0.9.1]:" not in withdrawn
    assert "A `widgets` module" not in withdrawn
    assert "## [0.9.0] - 2026-01-02" in withdrawn


def test_unreleased_entries_join_a_section_written_ahead_for_the_version() -> None:
    prepared = promote_unreleased(
        CHANGELOG, "0.9.1", "2026-12-06", generated="", tag="v0.9.1", previous_tag="v0.9.0"
    )
    more = prepared.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- A leak.\n", 1)

    folded = fold_unreleased_into(more, "0.9.1")

    assert folded.count("## [0.9.1]") == 1
    assert folded.count("- A leak.") == 1
    unreleased = folded.split("## [Unreleased]\n", 1)[1].split("## [0.9.1]", 1)[0]
    assert unreleased.strip() == ""
    section = folded.split("## [0.9.1] - 2026-12-06\n", 1)[1].split("## [0.9.0]", 1)[0]
    assert section == "\n### Added\n\n- A `widgets` module.\n\n### Fixed\n\n- A leak.\n\n"
    assert fold_unreleased_into(prepared, "0.9.1") == prepared  # nothing to fold


@pytest.mark.parametrize(
    ("links", "written"),
    [
        # only the first release linked, to its tag: the second compares (Keep a Changelog)
        ("[0.9.0]: https://github.com/o/r/releases/tag/v0.9.0\n",
         "[0.10.0]: https://github.com/o/r/compare/v0.9.0...v0.10.0\n"),
        # later releases linked to their tags: the file's own way, kept
        ("[0.9.1]: https://github.com/o/r/releases/tag/v0.9.1\n"
         "[0.9.0]: https://github.com/o/r/releases/tag/v0.9.0\n",
         "[0.10.0]: https://github.com/o/r/releases/tag/v0.10.0\n"),
        # later releases compared, the first tagged
        ("[0.9.1]: https://github.com/o/r/compare/v0.9.0...v0.9.1\n"
         "[0.9.0]: https://github.com/o/r/releases/tag/v0.9.0\n",
         "[0.10.0]: https://github.com/o/r/compare/v0.9.1...v0.10.0\n"),
    ],
)  # fmt: skip
def test_the_first_release_links_to_its_tag_and_later_ones_compare(
    links: str, written: str
) -> None:
    previous = "v0.9.1" if "0.9.1" in links else "v0.9.0"
    text = "## [0.9.1] - 2020-01-02\n\n- b\n\n## [0.9.0] - 2020-01-01\n\n- a\n\n" + links
    if "0.9.1" not in links:
        text = "## [0.9.0] - 2020-01-01\n\n- a\n\n" + links

    result = promote_unreleased(
        text, "0.10.0", "2026-12-06", generated="- c", tag="v0.10.0", previous_tag=previous
    )

    assert written in result


def test_a_stray_trailing_space_of_a_heading_is_not_copied() -> None:
    text = "## [1.0.0] - 2020-01-01 \n\n- a\n"

    result = promote_unreleased(
        text, "1.1.0", "2026-12-06", generated="- b", tag="v1.1.0", previous_tag="v1.0.0"
    )

    assert result.startswith("## [1.1.0] - 2026-12-06\n\n- b\n\n## [1.0.0] - 2020-01-01 \n")


GIT_CHGLOG = """<a name="unreleased"></a>
## [Unreleased]

<a name="v4.0.0-rc.2"></a>
## [v4.0.0-rc.2] - 2021-01-02
### Features
- a thing


[Unreleased]: https://github.com/o/r/compare/v4.0.0-rc.2...HEAD
[v4.0.0-rc.2]: https://github.com/o/r/compare/v4.0.0-rc.1...v4.0.0-rc.2
"""


def test_an_anchor_above_a_heading_moves_with_it_and_is_no_unreleased_entry() -> None:
    assert not has_unreleased_entries(GIT_CHGLOG)

    result = promote_unreleased(
        GIT_CHGLOG, "4.0.0", "2021-02-01", generated="### Features\n- more",
        tag="v4.0.0", previous_tag="v4.0.0-rc.2",
    )  # fmt: skip

    assert (
        '## [Unreleased]\n\n<a name="v4.0.0"></a>\n## [v4.0.0] - 2021-02-01\n'
        '### Features\n- more\n\n<a name="v4.0.0-rc.2"></a>\n## [v4.0.0-rc.2]'
    ) in result
    assert "[v4.0.0]: https://github.com/o/r/compare/v4.0.0-rc.2...v4.0.0\n" in result


def test_an_old_unreleased_heading_below_the_releases_is_history() -> None:
    text = "## [1.1.0] - 2020-02-01\n\n- b\n\n## [unreleased]\n\n- old\n\n## [1.0.0] - 2020-01-01\n"

    result = promote_unreleased(
        text, "1.2.0", "2026-12-06", generated="- c", tag="v1.2.0", previous_tag="v1.1.0"
    )

    assert result.startswith("## [1.2.0] - 2026-12-06\n\n- c\n\n## [1.1.0]")


def test_a_link_in_the_heading_names_the_new_release_and_the_one_before() -> None:
    text = (
        "## [0.9.0](https://github.com/o/r/compare/v0.8.5...v0.9.0) (2024-01-02)\n\n- b\n\n"
        "## [0.8.5](https://github.com/o/r/compare/v0.8.4...v0.8.5) (2024-01-01)\n\n- a\n"
    )

    result = promote_unreleased(
        text, "0.10.0", "2026-12-06", generated="- c", tag="v0.10.0", previous_tag="v0.9.0"
    )

    assert result.startswith(
        "## [0.10.0](https://github.com/o/r/compare/v0.9.0...v0.10.0) (2026-12-06)\n\n- c\n\n"
    )


def test_a_project_that_renames_unreleased_at_each_release_gets_it_renamed() -> None:
    text = "# Changelog\n\n## Unreleased\n\n### Fixed\n\n- a thing\n\n## [1.0.0] - 2020-01-01\n"

    renamed = promote_unreleased(
        text, "1.1.0", "2026-12-06", generated="", tag="v1.1.0", previous_tag="v1.0.0",
        keep_unreleased=False,
    )  # fmt: skip

    assert renamed == text.replace("## Unreleased", "## [1.1.0] - 2026-12-06")
