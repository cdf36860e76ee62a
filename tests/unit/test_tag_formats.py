"""Which tag format a repository's tags follow."""

from __future__ import annotations

import pytest

from poetry_release_plugin.core.tag_formats import (
    AmbiguousTagFormat,
    choose_tag_format,
    names_project,
    tag_version,
)


@pytest.mark.parametrize(
    ("tags", "name", "version", "expected"),
    [
        (["1.2.0", "1.2.1", "1.3.0"], "poetry-plugin-export", "1.3.0", "{version}"),
        (["v0.1.0", "v0.2.0"], "acme", "0.3.0", "v{version}"),
        (["acme-v1.0.0", "other-v2.0.0"], "acme", "1.0.0", "acme-v{version}"),
        (["acme-1.0.0", "acme-1.1.0"], "acme", "1.2.0", "acme-{version}"),
        (["release-2.0", "release-2.1"], "acme", "2.1", "release-{version}"),
        (["widget-kit-v0.9.0"], "Widget_Kit", "0.9.0", "widget-kit-v{version}"),
        (["1!2.0"], "acme", "1!2.0", "{version}"),
    ],
)
def test_the_format_is_inferred_from_the_release_tags(
    tags: list[str], name: str, version: str, expected: str
) -> None:
    choice = choose_tag_format(tags, name, version)
    assert (choice.tag_format, choice.source) == (expected, "inferred")
    assert choice.evidence


def test_the_current_versions_tag_decides_over_older_conventions() -> None:
    choice = choose_tag_format(["v0.9.0", "v1.0.0", "1.1.0", "1.2.0"], "acme", "1.2.0")
    assert choice.tag_format == "{version}"
    assert choice.evidence == ("1.2.0", "1.1.0")
    assert choice.describe() == "{version} (inferred from 1.2.0, 1.1.0)"


def test_without_the_current_versions_tag_the_highest_earlier_release_decides() -> None:
    choice = choose_tag_format(["v0.9.0", "1.0.0", "v3.0.0"], "acme", "1.1.0")
    assert choice.tag_format == "{version}"


def test_a_repository_without_release_tags_gets_v_version() -> None:
    choice = choose_tag_format(["nightly", "stable"], "acme", "0.1.0")
    assert (choice.tag_format, choice.source) == ("v{version}", "default")


def test_two_formats_tagging_the_same_release_are_refused_with_the_candidates() -> None:
    with pytest.raises(AmbiguousTagFormat) as raised:
        choose_tag_format(["v1.0.0", "1.0.0"], "acme", "1.0.0")
    assert set(raised.value.candidates) == {"v{version}", "{version}"}


def test_a_configured_format_matching_no_tag_warns_when_other_release_tags_exist() -> None:
    choice = choose_tag_format(["2.3.1", "2.3.2"], "acme", "2.3.2", configured="v{version}")
    assert choice.tag_format == "v{version}"
    assert (
        choice.warning == "tag-format v{version} matches no tag, but tags follow {version} (2.3.2)"
    )


def test_a_configured_format_with_tags_gives_no_warning() -> None:
    choice = choose_tag_format(["v1.0", "1.0"], "acme", "1.0", configured="v{version}")
    assert choice.warning is None


@pytest.mark.parametrize(
    ("tag_format", "tag", "version"),
    [("{version}", "v1.2", None), ("v{version}", "v1.2", "1.2"), ("{version}", "nightly", None)],
)
def test_a_tag_reads_as_a_version_only_in_its_own_format(
    tag_format: str, tag: str, version: str | None
) -> None:
    found = tag_version(tag_format, tag)
    assert (str(found) if found else None) == version


@pytest.mark.parametrize(
    ("tag_format", "folder", "own"),
    [
        ("pkg-v{version}", "", True),
        ("pkg_{version}", "", True),
        ("pkg-extra-v{version}", "", False),  # a sibling's, though it starts with pkg
        ("extra-pkg-v{version}", "", False),
        ("v{version}", "", False),
        ("{version}", "", False),
        ("release-v{version}", "", False),
        ("libs/pkg/v{version}", "libs/pkg", True),
        ("pkg/v{version}", "libs/pkg", True),
        ("libs/other/v{version}", "libs/pkg", False),
    ],
)
def test_a_tag_format_is_a_projects_own_when_its_prefix_is_the_projects_name_or_folder(
    tag_format: str, folder: str, own: bool
) -> None:
    assert names_project(tag_format, "pkg", folder) is own
