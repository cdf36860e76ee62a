"""A release-notes file (`RELEASE.md`) that each release consumes: its `Release type:` line
(or a front matter's `release type:` key, strawberry's newer form) gives the bump rule, the
rest is the prose of the version's changelog section. Text in, values out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from poetry_release_plugin.errors import ProjectError

DEFAULT_RELEASE_FILE = "RELEASE.md"
RELEASE_TYPES = ("major", "minor", "patch")

_TYPE_LINE = re.compile(r"^\s*release[ _-]type\s*:\s*(?P<rule>\S+)\s*$", re.IGNORECASE)
_FENCE = "---"


@dataclass(frozen=True)
class ReleaseNotes:
    """What a release-notes file says: the bump rule and the prose for the changelog."""

    rule: str
    prose: str


def parse_release_notes(text: str, path: str = DEFAULT_RELEASE_FILE) -> ReleaseNotes:
    """The rule and prose of a release-notes file: `Release type: minor`, a blank line, the
    notes; or a `---` front matter holding `release type: minor` (its other keys ignored)."""
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    fix = f"start {path} with a line such as 'Release type: minor' (major, minor or patch)"
    if lines and lines[0].strip() == _FENCE:
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == _FENCE), None)
        if end is None:
            raise ProjectError(
                f"{path}'s front matter (---) never closes", f"close it with ---; {fix}"
            )
        header, body = lines[1:end], lines[end + 1 :]
    else:
        header, body = lines[:1], lines[1:]
    found = [match for line in header if (match := _TYPE_LINE.match(line))]
    if not found:
        raise ProjectError(f"{path} does not say its release type", fix)
    rule = found[0]["rule"].lower()
    if rule not in RELEASE_TYPES:
        raise ProjectError(
            f"{path} says 'Release type: {found[0]['rule']}', which is not major, minor or patch",
            fix,
        )
    prose = "\n".join(body).strip("\n")
    if not prose.strip():
        raise ProjectError(
            f"{path} says its release type ({rule}) but holds no notes",
            f"write what the release changes below the release type in {path}",
        )
    return ReleaseNotes(rule, prose + "\n")
