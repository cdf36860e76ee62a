"""Keep a Changelog 1.1.0: promote Unreleased to a release, update the links, extract a section.

Works line by line on the text as stored: the lines it does not rewrite keep every byte,
line endings included, and no line is ever dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

_H2 = re.compile(r"^##(?!#)[ \t]*(?P<title>.*?)[ \t]*$")
_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]:(?P<space>[ \t]*)(?P<url>\S+)[ \t]*$")
_COMPARE = re.compile(r"^(?P<base>.+)/compare/(?P<start>.+?)\.\.\.(?P<end>[^/]+)$")
_TITLE_VERSION = re.compile(r"^\[?[vV]?(?P<version>[0-9][^\]\s]*)\]?")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Heading:
    """A `## ` heading: Unreleased, or the version it names (None for anything else)."""

    line: int
    unreleased: bool
    version: str | None


def newline_of(text: str) -> str:
    """The file's own line ending."""
    return "\r\n" if "\r\n" in text else "\n"


def _strip(line: str) -> str:
    return line.rstrip("\r\n")


def _headings(lines: list[str]) -> list[Heading]:
    found = []
    in_fence = False
    for index, line in enumerate(lines):
        text = _strip(line)
        if _FENCE.match(text):
            in_fence = not in_fence
            continue
        match = None if in_fence else _H2.match(text)
        if match is None:
            continue
        title = match["title"]
        if title.strip("[]").lower().startswith("unreleased"):
            found.append(Heading(index, True, None))
            continue
        version = _TITLE_VERSION.match(title)
        found.append(Heading(index, False, _valid(version["version"]) if version else None))
    return found


def _valid(text: str) -> str | None:
    try:
        return str(Version(text.rstrip(".,:;")))
    except InvalidVersion:
        return None


def _links_start(lines: list[str]) -> int:
    """Where the trailing block of link references (and blank lines) begins."""
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        text = _strip(lines[index])
        if text.strip() and not _LINK.match(text):
            break
        start = index
    while start < len(lines) and not _strip(lines[start]).strip():
        start += 1
    return start


def _section_end(lines: list[str], headings: list[Heading], heading: Heading) -> int:
    later = [h.line for h in headings if h.line > heading.line]
    return min([*later, _links_start(lines)]) if later else _links_start(lines)


def _ended(line: str, newline: str) -> str:
    return line if line.endswith(("\n", "\r")) else line + newline


def promote_unreleased(
    text: str,
    version: str,
    date: str,
    *,
    generated: str,
    tag: str,
    previous_tag: str | None,
) -> str:
    """The changelog with a `## [version] - date` section made of Unreleased's entries.

    Unreleased stays, empty, above it. If Unreleased has no entries, `generated` (Markdown,
    from the commits) fills the new section. Without an Unreleased heading, the section goes
    above the newest release. The link references are updated in the file's own style.
    """
    newline = newline_of(text)
    lines = text.splitlines(keepends=True)
    headings = _headings(lines)
    release_heading = f"## [{version}] - {date}{newline}"
    fallback = [f"{line}{newline}" for line in (generated or "No notable changes.").splitlines()]
    unreleased = next((h for h in headings if h.unreleased), None)
    if unreleased is not None:
        start, end = unreleased.line + 1, _section_end(lines, headings, unreleased)
        body = lines[start:end]
        if any(_strip(line).strip() for line in body):
            inserted = [newline, release_heading]
            if body and _strip(body[0]).strip():
                inserted.append(newline)
            lines[unreleased.line] = _ended(lines[unreleased.line], newline)
            lines[start:start] = inserted
        else:
            lines[unreleased.line] = _ended(lines[unreleased.line], newline)
            section = [newline, release_heading, newline, *fallback]
            if end == len(lines) or not body:
                section.append(newline)
            lines[start:start] = section
    else:
        newest = next((h for h in headings if h.version is not None), None)
        at = newest.line if newest is not None else _links_start(lines)
        if at > 0:
            lines[at - 1] = _ended(lines[at - 1], newline)
        lines[at:at] = [release_heading, newline, *fallback, newline]
    return "".join(_update_links(lines, newline, version, tag, previous_tag))


def _update_links(
    lines: list[str], newline: str, version: str, tag: str, previous_tag: str | None
) -> list[str]:
    links = [(index, _LINK.match(_strip(line))) for index, line in enumerate(lines)]
    matches = [(index, match) for index, match in links if match is not None]
    unreleased = next((m for m in matches if m[1]["label"].lower() == "unreleased"), None)
    if unreleased is not None:
        index, match = unreleased
        compare = _COMPARE.match(match["url"])
        if compare is None:
            return lines
        base, space = compare["base"], match["space"] or " "
        lines[index] = _ended(
            f"[{match['label']}]:{space}{base}/compare/{tag}...{compare['end']}", newline
        )
        lines.insert(
            index + 1, f"[{version}]:{space}{_release_url(base, tag, previous_tag)}{newline}"
        )
        return lines
    versioned = next((m for m in matches if _valid(m[1]["label"]) is not None), None)
    if versioned is not None:
        index, match = versioned
        compare = _COMPARE.match(match["url"])
        if compare is not None:
            url = _release_url(compare["base"], tag, previous_tag)
            lines.insert(index, f"[{version}]:{match['space'] or ' '}{url}{newline}")
    return lines


def _release_url(base: str, tag: str, previous_tag: str | None) -> str:
    if previous_tag is None:
        return f"{base}/releases/tag/{tag}"
    return f"{base}/compare/{previous_tag}...{tag}"


def extract_section(text: str, version: str) -> str | None:
    """The body of a version's section (without its heading), or None if there is none."""
    wanted = _valid(version)
    lines = text.splitlines(keepends=True)
    headings = _headings(lines)
    heading = next((h for h in headings if h.version == wanted and wanted), None)
    if heading is None:
        return None
    body = [
        _strip(line) for line in lines[heading.line + 1 : _section_end(lines, headings, heading)]
    ]
    return "\n".join(body).strip("\n")


def has_unreleased_entries(text: str) -> bool:
    """Whether the Unreleased section lists anything."""
    lines = text.splitlines(keepends=True)
    headings = _headings(lines)
    unreleased = next((h for h in headings if h.unreleased), None)
    if unreleased is None:
        return False
    body = lines[unreleased.line + 1 : _section_end(lines, headings, unreleased)]
    return any(_strip(line).strip() for line in body)
