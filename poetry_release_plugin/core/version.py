"""Versions: Poetry's bump rules, PEP 440 parsing, `__version_info__` tuples.

One version type everywhere: poetry-core's `Version` (PEP 440).
"""

from __future__ import annotations

import re

from poetry.core.constraints.version import Version
from poetry.core.version.exceptions import InvalidVersionError

from poetry_release_plugin.errors import InvalidVersion, RejectedByIndex, VersionNotGreater

BUMP_RULES = ("major", "minor", "patch", "premajor", "preminor", "prepatch", "prerelease")

VersionInfo = tuple[int | str, ...]


def parse_version(text: str) -> Version:
    """Parse a PEP 440 version, or raise InvalidVersion quoting it."""
    try:
        return Version.parse(text)
    except InvalidVersionError:
        raise InvalidVersion(text) from None


def same_version(first: str, second: str) -> bool:
    """Whether two texts spell the same PEP 440 version (`3.2.0-dev0` is `3.2.0.dev0`); texts
    that are not versions are the same only as text."""
    try:
        return parse_version(first) == parse_version(second)
    except InvalidVersion:
        return first == second


def bump_version(current: str, rule_or_version: str, *, next_phase: bool = False) -> Version:
    """The version `poetry version RULE` gives, from poetry-core's own `next_*` steps."""
    parsed = parse_version(current)
    if rule_or_version not in BUMP_RULES:
        return parse_version(rule_or_version)
    if rule_or_version == "prerelease":
        if parsed.pre is None:
            return parsed.next_patch().first_prerelease()
        pre = parsed.pre.next_phase() if next_phase else parsed.pre.next()
        return Version(parsed.epoch, parsed.release, pre)
    step = {
        "major": parsed.next_major,
        "minor": parsed.next_minor,
        "patch": parsed.next_patch,
    }[rule_or_version.removeprefix("pre")]()
    return step.first_prerelease() if rule_or_version.startswith("pre") else step


PUBLIC_INDEXES = ("pypi", "testpypi")


# The PyPA name rules (core metadata `Name`, PEP 508): ASCII letters and digits, and '.', '-',
# '_' between them; PyPI refuses any other name.
VALID_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE | re.ASCII)


def ensure_public_index_accepts(version: Version, repository: str, name: str | None = None) -> None:
    """Refuse what PyPI or TestPyPI reject: a local version (`1.0+local`), or a project
    name outside the PyPA name rules (Poetry's own check lets non-ASCII letters through)."""
    if repository not in PUBLIC_INDEXES:
        return
    if name is not None and not VALID_NAME.fullmatch(name):
        raise RejectedByIndex.invalid_name(name, repository)
    if version.local:
        raise RejectedByIndex.local_version(version.text, repository)


def ensure_forward(current: Version, new: Version) -> None:
    """Refuse a new version that is not greater than the current one."""
    if not new > current:
        raise VersionNotGreater(current.text, new.text)


def version_info(version: Version) -> VersionInfo:
    """`__version_info__`: the release numbers (at least 3), then each of pre, post, dev."""
    numbers: list[int] = [version.major, version.minor or 0, version.patch or 0]
    numbers.extend(version.release.extra)
    info: list[int | str] = list(numbers)
    for tag in (version.pre, version.post, version.dev):
        if tag is not None:
            info.extend((tag.phase, tag.number))
    return tuple(info)
