"""A release-notes file (`RELEASE.md`): its release type and prose, and the `release-file`
setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from poetry_release_plugin.config import parse_settings
from poetry_release_plugin.core.changelog import add_unreleased_prose
from poetry_release_plugin.core.release_notes_file import ReleaseNotes, parse_release_notes
from poetry_release_plugin.errors import ConfigError, ProjectError

STRAWBERRY = Path(__file__).parent.parent / "fixtures" / "strawberry"


def test_a_release_type_line_gives_the_rule_and_the_rest_is_the_prose() -> None:
    notes = parse_release_notes("Release type: minor\n\nAdds `strawberry.Lazy`.\n\nMore.\n")
    assert notes == ReleaseNotes("minor", "Adds `strawberry.Lazy`.\n\nMore.\n")


@pytest.mark.parametrize(
    "first",
    ["Release type: PATCH", "release type: patch", "Release_type:patch  ", "\nRelease type: patch"],
)
def test_the_release_type_line_is_read_however_it_is_spelled(first: str) -> None:
    assert parse_release_notes(f"{first}\n\nFixes it.\n").rule == "patch"


def test_strawberry_front_matter_gives_the_rule_and_its_other_keys_are_left_out() -> None:
    notes = parse_release_notes((STRAWBERRY / "RELEASE.0.324.0.md").read_text(encoding="utf-8"))
    assert notes.rule == "minor"
    assert notes.prose.startswith("This release adds support for Django 6.0 and 6.1")
    assert "social_messages" not in notes.prose
    assert notes.prose.endswith("fixes.\n")


def test_crlf_notes_are_read_as_lines() -> None:
    assert parse_release_notes("Release type: major\r\n\r\nBreaks it.\r\n").prose == "Breaks it.\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just notes.\n", "does not say its release type"),
        (
            "Release type: huge\n\nNotes.\n",
            "'Release type: huge', which is not major, minor or patch",
        ),
        ("Release type: minor\n\n", "holds no notes"),
        ("---\nrelease type: minor\n\nNotes.\n", "front matter .* never closes"),
        ("---\nfoo: bar\n---\n\nNotes.\n", "does not say its release type"),
    ],
)
def test_a_release_file_that_does_not_say_what_it_must_is_refused(text: str, message: str) -> None:
    with pytest.raises(ProjectError, match=message):
        parse_release_notes(text)


def test_release_file_setting_takes_a_path_or_false() -> None:
    assert parse_settings({"release-file": "docs/RELEASE.md"}).release_file == "docs/RELEASE.md"
    settings = parse_settings({"release-file": False})
    assert settings.release_file is None
    assert "release-file" in settings.explicit_keys
    assert parse_settings(None).release_file is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (3, "release-file must be a file name .* not an integer"),
        (True, "release-file must be a file name"),
        ("", "release-file must be a file name"),
        ("../RELEASE.md", "outside the project"),
        ("/tmp/RELEASE.md", "outside the project"),
    ],
)
def test_release_file_setting_refuses_what_is_not_a_project_file(
    value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings({"release-file": value})


def test_the_notes_go_first_in_unreleased_above_its_entries() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A thing.\n\n## [1.0.0] - 2026-01-01\n"
    assert add_unreleased_prose(text, "Why it matters.\n") == (
        "# Changelog\n\n## [Unreleased]\n\nWhy it matters.\n\n### Added\n\n- A thing.\n\n"
        "## [1.0.0] - 2026-01-01\n"
    )
