"""The project's release history in git: release tags, and the commits since one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.commits import Commit


@dataclass(frozen=True)
class ReleaseTag:
    """A tag that marks a release, and its version."""

    name: str
    version: Version


def _tag_pattern(settings: ReleaseSettings) -> re.Pattern[str]:
    head, _, tail = settings.tag_format.partition("{version}")
    return re.compile(f"^{re.escape(head)}(?P<version>.+){re.escape(tail)}$")


def release_tags(git: Git, settings: ReleaseSettings, revision: str = "HEAD") -> list[ReleaseTag]:
    """Release tags (annotated or lightweight, matching tag-format) reachable from `revision`,
    highest version first."""
    pattern = _tag_pattern(settings)
    glob = settings.tag_format.replace("{version}", "*")
    found = []
    for name in git.tags_merged_into(revision, glob):
        match = pattern.match(name)
        if match is None:
            continue
        try:
            found.append(ReleaseTag(name, Version(match["version"])))
        except InvalidVersion:
            continue
    return sorted(found, key=lambda tag: tag.version, reverse=True)


def last_release_tag(
    git: Git, settings: ReleaseSettings, revision: str = "HEAD", *, below: str | None = None
) -> ReleaseTag | None:
    """The highest release tag reachable from `revision` (below a version, if given)."""
    limit = Version(below) if below is not None else None
    for tag in release_tags(git, settings, revision):
        if limit is None or tag.version < limit:
            return tag
    return None


def commits_between(git: Git, start: ReleaseTag | None, end: str = "HEAD") -> list[Commit]:
    """Commits after `start` (all of history without one) up to `end`, newest first."""
    return git.log(f"{start.name}..{end}" if start is not None else end)
