"""`[tool.poetry-release]` validation."""

from __future__ import annotations

import pytest

from poetry_release_plugin.config import CheckSpec, ReleaseSettings, parse_settings
from poetry_release_plugin.errors import ConfigError


def test_absent_table_gives_the_documented_defaults() -> None:
    settings = parse_settings(None)
    assert settings == ReleaseSettings()
    assert settings.tag_for("1.2.3") == "v1.2.3"
    assert settings.commit_message == "chore: bump version to {version}"
    assert settings.changelog == "CHANGELOG.md"


def test_unknown_key_suggests_the_closest_known_key() -> None:
    with pytest.raises(ConfigError, match="Unknown key 'tag-fromat'.*did you mean tag-format"):
        parse_settings({"tag-fromat": "v{version}"})


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"checks": 5}, "checks must be a list of command strings .* not an integer"),
        ({"sign-tags": "yes"}, "sign-tags must be true or false, not a string"),
        ({"branch": 3}, "branch must be a string or a list of strings"),
        ({"tag-format": "release"}, "tag-format must contain {version}"),
        ({"tag-format": "v{ver}"}, "tag-format = 'v{ver}' is not a valid template"),
        ({"github-repository": "just-a-name"}, "not an owner/name pair"),
        ({"checks": [{"name": "x"}]}, "a check table needs run"),
        ({"checks": ["pytest", "pytest"]}, "more than one check named pytest"),
        (
            {"checks": ["make lint", {"name": "make lint", "run": "x"}, "make test"]},
            "named make lint",
        ),
        (
            {"checks": [{"run": "sleep 1", "timeout": -1}]},
            "checks.timeout must be a positive number",
        ),
    ],
)
def test_wrong_values_name_the_key_and_what_it_takes(
    table: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(table)


def test_checks_accept_strings_and_tables() -> None:
    settings = parse_settings(
        {"checks": ["pytest -q", {"name": "types", "run": "mypy 'my pkg'", "timeout": 30}]}
    )
    assert settings.checks == (
        CheckSpec("pytest", ("pytest", "-q")),
        CheckSpec("types", ("mypy", "my pkg"), 30.0),
    )


def test_commands_sharing_a_first_word_are_named_by_the_whole_command() -> None:
    settings = parse_settings({"checks": ["make lint", "make test", "pytest -q"]})
    assert settings.checks is not None
    assert [spec.name for spec in settings.checks] == ["make lint", "make test", "pytest"]


def test_branch_patterns_allow_hotfix_branches() -> None:
    settings = parse_settings({"branch": ["main", "hotfix/*"]})
    assert settings.is_release_branch("hotfix/1.5.x")
    assert not settings.is_release_branch("feature/x")


def test_changelog_false_disables_it() -> None:
    assert parse_settings({"changelog": False}).changelog is None


def test_a_check_table_names_the_release_credentials_it_may_see() -> None:
    settings = parse_settings({"checks": [{"name": "e2e", "run": "pytest", "env": ["GH_TOKEN"]}]})
    assert settings.checks == (CheckSpec(name="e2e", argv=("pytest",), env=("GH_TOKEN",)),)
    with pytest.raises(ConfigError, match=r"checks\.env must be a list of strings"):
        parse_settings({"checks": [{"run": "pytest", "env": "GH_TOKEN"}]})
