"""`[tool.poetry-release]`: parsed once into a frozen, validated settings object."""

from __future__ import annotations

import difflib
import math
import shlex
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from poetry_release_plugin.core.version_places import PlaceSpec

TABLE = "[tool.poetry-release]"


@dataclass(frozen=True)
class CheckSpec:
    """One pre-release check: a name and the command it runs (split like a shell, run without)."""

    name: str
    argv: tuple[str, ...]
    timeout: float | None = None
    env: tuple[str, ...] = ()  # release credentials this check may see (all others it sees)
    # Variables set for this check alone (the install check's sources): may hold credentials,
    # so never shown, compared or set from [tool.poetry-release].
    variables: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class ReleaseSettings:
    """Every setting of `[tool.poetry-release]`, with its default."""

    branch: tuple[str, ...] = ("main",)
    remote: str = "origin"
    tag_format: str = "v{version}"
    tag_message: str = "Release {tag}"
    release_title: str = "Release {tag}"
    commit_message: str = "chore: bump version to {version}"
    version_files: tuple[PlaceSpec, ...] | None = None
    version_ignore: tuple[str, ...] = ()
    changelog_exclude: tuple[str, ...] = ()  # subjects (regular expressions) left out of notes
    changelog: str | None = "CHANGELOG.md"
    release_file: str | None = None  # a release-notes file each release consumes (RELEASE.md)
    checks: tuple[CheckSpec, ...] | None = None
    repository: str = "pypi"
    rehearse: str | None = None  # the repository `cut --publish` rehearses the upload on
    index_url: str | None = None
    github_repository: str | None = None
    github_api_url: str | None = None
    github_release: bool = True
    assets: bool = True  # the GitHub release carries the files uploaded to the index
    sign_tags: bool = False
    major_on_zero: bool = False
    sync_on_version: bool = True
    trusted_publishing: str = "auto"
    oidc_audience: str | None = None  # trusted publishing to an index that is not PyPI's
    publisher_workflow: str | None = None
    explicit_keys: frozenset[str] = field(default_factory=frozenset)

    def tag_for(self, version: str) -> str:
        """The release tag of `version`."""
        return self.tag_format.format(version=version)

    def tag_message_for(self, version: str, **context: str) -> str:
        """The annotated tag's message for `version` (`previous_version`, `name` given)."""
        return self._filled(self.tag_message, version, context)

    def release_title_for(self, version: str, **context: str) -> str:
        """The GitHub release's title for `version` (`previous_version`, `name` given)."""
        return self._filled(self.release_title, version, context)

    def commit_message_for(self, version: str, **context: str) -> str:
        """The release commit's message for `version` (`previous_version`, `name` given)."""
        return self._filled(self.commit_message, version, context)

    def _filled(self, template: str, version: str, context: dict[str, str]) -> str:
        values = {"previous_version": "", "name": "", **context}
        return template.format(version=version, tag=self.tag_for(version), **values)

    def is_release_branch(self, name: str) -> bool:
        """Whether `name` matches one of the configured release branches (globs allowed)."""
        return matches_branch(self.branch, name)


def matches_branch(patterns: tuple[str, ...], name: str) -> bool:
    """Whether the branch `name` matches one of these names or glob patterns."""
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a table"})
    for kind, name in names.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def _wrong_type(key: str, expected: str, value: object) -> ConfigError:
    return ConfigError(
        f"{TABLE} {key} must be {expected}, not {_type_name(value)} ({value!r})",
        f"fix {key} in pyproject.toml",
    )


def _string(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise _wrong_type(key, "a string", value)
    return value


def _boolean(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(key, "true or false", value)
    return value


def _string_list(key: str, value: object, *, allow_single: bool = False) -> tuple[str, ...]:
    if allow_single and isinstance(value, str):
        return (value,)
    expected = "a string or a list of strings" if allow_single else "a list of strings"
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _wrong_type(key, expected, value)
    return tuple(value)


def _version_files(key: str, value: object) -> tuple[PlaceSpec, ...]:
    from poetry_release_plugin.core.version_places import place_from_entry
    from poetry_release_plugin.errors import ProjectError

    if not isinstance(value, list):
        raise _wrong_type(key, "a list of paths (or { path, search, replace } tables)", value)
    try:
        return tuple(place_from_entry(entry, f"{TABLE} {key}") for entry in value)
    except ProjectError as error:
        raise ConfigError(error.what, error.fix) from None


def _patterns(key: str, value: object, *, after_path: bool = False) -> tuple[str, ...]:
    """A list of regular expressions (with `after_path`, `glob:regex` entries), checked."""
    import re

    entries = _string_list(key, value)
    for entry in entries:
        pattern = entry.partition(":")[2] if after_path else entry
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(
                f"{TABLE} {key} holds {entry!r}, whose {pattern!r} is not a regular expression "
                f"({error})",
                f"fix {key} in pyproject.toml",
            ) from None
    return entries


# What a message template (commit-message, tag-message, release-title) may name.
TEMPLATE_PLACEHOLDERS = {
    "version": "1.0.0",
    "previous_version": "0.9.0",
    "tag": "v1.0.0",
    "name": "widget-kit",
}


def _template(key: str, value: object) -> str:
    text = _string(key, value)
    try:
        text.format(**TEMPLATE_PLACEHOLDERS)
    except (KeyError, IndexError, ValueError) as error:
        names = ", ".join("{" + name + "}" for name in TEMPLATE_PLACEHOLDERS)
        raise ConfigError(
            f"{TABLE} {key} = {text!r} is not a valid template ({error})",
            f"use {names} as placeholders, for example 'Release {{tag}}'",
        ) from None
    return text


def _changelog(key: str, value: object) -> str | None:
    if value is False:
        return None
    if value is True:
        return ReleaseSettings.changelog
    if isinstance(value, str):
        return value
    raise _wrong_type(key, "a file name or false", value)


def _release_file(key: str, value: object) -> str | None:
    if value is False:
        return None  # never inferred
    if isinstance(value, str) and value.strip():
        if value.startswith("/") or ".." in value.split("/"):
            raise ConfigError(
                f"{TABLE} {key} = {value!r} is outside the project",
                "name a file of the project, relative to pyproject.toml (RELEASE.md)",
            )
        return value
    raise _wrong_type(key, "a file name (RELEASE.md) or false", value)


def _split_command(key: str, command: str) -> tuple[str, ...]:
    try:
        argv = tuple(shlex.split(command))
    except ValueError as error:
        raise ConfigError(
            f"{TABLE} {key}: cannot split {command!r} ({error})", "fix the quoting"
        ) from None
    if not argv:
        raise ConfigError(f"{TABLE} {key} holds an empty command", "remove it or give a command")
    return argv


_CHECKS_TYPE = "a list of command strings or { name, run, timeout, env } tables"


def _checks(key: str, value: object) -> tuple[CheckSpec, ...]:
    if not isinstance(value, list):
        raise _wrong_type(key, _CHECKS_TYPE, value)
    specs: list[CheckSpec] = []
    for item in value:
        if isinstance(item, str):
            argv = _split_command(key, item)
            specs.append(CheckSpec(name=argv[0], argv=argv))
        elif isinstance(item, dict):
            specs.append(_check_table(key, item))
        else:
            raise _wrong_type(key, _CHECKS_TYPE, value)
    specs = _name_by_whole_command_when_ambiguous(specs, value)
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(
            f"{TABLE} checks has more than one check named {', '.join(duplicates)}",
            "give each a distinct name with a { name, run } table",
        )
    return tuple(specs)


def _name_by_whole_command_when_ambiguous(
    specs: list[CheckSpec], items: list[object]
) -> list[CheckSpec]:
    """A command string is named by its first word, or by itself if that word names two checks:
    `["make lint", "make test"]` gives the checks `make lint` and `make test`."""
    first_words = [spec.name for spec in specs]
    return [
        CheckSpec(name=item, argv=spec.argv, timeout=spec.timeout, env=spec.env)
        if isinstance(item, str) and first_words.count(spec.name) > 1
        else spec
        for spec, item in zip(specs, items, strict=True)
    ]


def _check_table(key: str, table: dict[str, Any]) -> CheckSpec:
    unknown = sorted(set(table) - {"name", "run", "timeout", "env"})
    if unknown:
        raise ConfigError(
            f"{TABLE} {key}: unknown key {unknown[0]!r} in a check table",
            "a check table takes name, run, timeout and env",
        )
    if "run" not in table:
        raise ConfigError(f"{TABLE} {key}: a check table needs run", 'add run = "command"')
    argv = _split_command(key, _string(f"{key}.run", table["run"]))
    name = _string(f"{key}.name", table.get("name", argv[0]))
    timeout = table.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise _wrong_type(f"{key}.timeout", "a positive number of seconds", timeout)
    env = _string_list(f"{key}.env", table.get("env", []))
    return CheckSpec(name=name, argv=argv, timeout=float(timeout) if timeout else None, env=env)


TRUSTED_PUBLISHING_MODES = ("auto", "always", "never")


def _trusted_publishing(key: str, value: object) -> str:
    text = _string(key, value)
    if text not in TRUSTED_PUBLISHING_MODES:
        raise ConfigError(
            f"{TABLE} {key} = {text!r} is not one of {', '.join(TRUSTED_PUBLISHING_MODES)}",
            'write "auto" (mint a token in CI when Poetry has no credentials), "always" or "never"',
        )
    return text


def _github_repository(key: str, value: object) -> str:
    text = _string(key, value)
    owner, _, name = text.partition("/")
    if not owner or not name or "/" in name:
        raise ConfigError(
            f"{TABLE} {key} = {text!r} is not an owner/name pair", "write it as 'owner/name'"
        )
    return text


_PARSERS: dict[str, Any] = {
    "branch": lambda k, v: _string_list(k, v, allow_single=True),
    "remote": _string,
    "tag-format": _template,
    "tag-message": _template,
    "release-title": _template,
    "commit-message": _template,
    "version-files": _version_files,
    "version-ignore": lambda key, value: _patterns(key, value, after_path=True),
    "changelog-exclude": lambda key, value: _patterns(key, value),
    "changelog": _changelog,
    "release-file": _release_file,
    "checks": _checks,
    "repository": _string,
    "rehearse": _string,
    "index-url": _string,
    "github-repository": _github_repository,
    "github-api-url": _string,
    "github-release": _boolean,
    "assets": _boolean,
    "sign-tags": _boolean,
    "major-on-zero": _boolean,
    "sync-on-version": _boolean,
    "trusted-publishing": _trusted_publishing,
    "oidc-audience": _string,
    "publisher-workflow": _string,
}

KNOWN_KEYS = tuple(_PARSERS)


def parse_settings(table: object) -> ReleaseSettings:
    """Validate `[tool.poetry-release]` (a plain mapping, or None when absent) into settings."""
    if table is None:
        return ReleaseSettings()
    if not isinstance(table, dict):
        raise ConfigError(
            f"{TABLE} must be a table, not {_type_name(table)}", "write it as a TOML table"
        )
    for key in table:
        if key not in _PARSERS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "known keys: " + ", ".join(KNOWN_KEYS)
            raise ConfigError(f"Unknown key {key!r} in {TABLE}", hint)
    values = {key.replace("-", "_"): _PARSERS[key](key, value) for key, value in table.items()}
    if "{version}" not in values.get("tag_format", "{version}"):
        raise ConfigError(
            f"{TABLE} tag-format must contain {{version}}", "for example 'v{version}'"
        )
    if values.get("branch") == ():
        raise ConfigError(f"{TABLE} branch is an empty list", "name at least one release branch")
    return ReleaseSettings(**values, explicit_keys=frozenset(table))
