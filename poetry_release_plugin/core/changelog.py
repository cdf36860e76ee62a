"""Keep a Changelog 1.1.0: promote Unreleased to a release, update the links, extract a section.

Works line by line on the text as stored: the lines it does not rewrite keep every byte,
line endings included, and no line is ever dropped.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import compress, count, islice, repeat
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

_H2 = re.compile(r"^##(?!#)[ \t]*(?P<title>.*?)[ \t]*$")
_SETEXT_H2 = re.compile(r"^ {0,3}-{2,}[ \t]*$")
_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]:(?P<space>[ \t]*)(?P<url>\S+)[ \t]*$")
_COMPARE = re.compile(r"^(?P<base>.+)/compare/(?P<start>.+?)\.\.\.(?P<end>[^/]+)$")
_RELEASE_TAG = re.compile(r"^(?P<base>.+)/releases/tag/(?P<tag>[^/]+)$")
_TITLE_VERSION = re.compile(r"^\[?[vV]?(?P<version>[0-9][^\]\s]*)\]?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FENCE = re.compile(r"^ {0,3}(?P<marker>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Heading:
    """A level-2 heading (`## ` or setext): Unreleased, or the version it names (None for
    anything else); `underline` is the line after a setext heading's title."""

    line: int
    unreleased: bool
    title_version: str | None  # what the title holds where a version goes, as written
    underline: bool = False

    @property
    def version(self) -> str | None:
        """The version the title names, normalized; None if it names none."""
        return _valid(self.title_version) if self.title_version is not None else None


@dataclass(frozen=True)
class ChangelogStyle:
    """How a changelog writes a release: its heading, the blank lines between sections, and
    the link reference of a version (`compare` or `tag`, in angle brackets or not)."""

    heading: str = "## [{version}] - {date}"
    setext: str | None = None  # the underline of a setext heading
    gap: int = 1
    link: str = "compare"
    angle: bool = False


def newline_of(text: str) -> str:
    """The file's own line ending."""
    return "\r\n" if "\r\n" in text else "\n"


def _strip(line: str) -> str:
    return line.rstrip("\r\n")


_CANDIDATE_STARTS = ("##", "``", "~~", "--")


def _lines_starting(lines: list[str], starts: str | tuple[str, ...]) -> list[int]:
    """The indexes of the lines that start so (filtered at C speed: a changelog of megabytes
    has a hundred thousand lines, and few of them matter)."""
    return list(compress(count(), map(str.startswith, lines, repeat(starts))))


def _candidate_lines(lines: list[str]) -> list[int]:
    """Lines that may open or close a fence, be a `## ` heading or a setext underline: the
    only ones the scans below need to look at."""
    return [
        index
        for index in _lines_starting(lines, (*_CANDIDATE_STARTS, " "))
        if lines[index].lstrip(" ")[:2] in _CANDIDATE_STARTS
    ]


@dataclass(frozen=True)
class _Fences:
    """The code fences of a text, as (first line, last line) spans."""

    spans: tuple[tuple[int, int], ...]

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int):
            return False
        at = bisect.bisect_right(self.spans, (index, len(self.spans) + index + 1)) - 1
        return at >= 0 and self.spans[at][0] <= index <= self.spans[at][1]


def _fenced_lines(lines: list[str], path: str, candidates: list[int]) -> _Fences:
    """Lines inside code fences (the fences included). A fence closes only with its own
    character, at least as long, and nothing after it; one left open is refused."""
    spans: list[tuple[int, int]] = []
    opener: tuple[int, str] | None = None
    for index in candidates:
        match = _FENCE.match(_strip(lines[index]))
        if match is None:
            continue
        if opener is None:
            if not (match["marker"][0] == "`" and "`" in match["info"]):
                opener = (index, match["marker"])
            continue
        marker = opener[1]
        if (
            match["marker"][0] == marker[0]
            and len(match["marker"]) >= len(marker)
            and not match["info"].strip()
        ):
            spans.append((opener[0], index))
            opener = None
    if opener is not None:
        raise ProjectError(
            f"{path} line {opener[0] + 1} opens a code fence ({opener[1]}) that never closes, "
            "so where sections begin cannot be told",
            f"close the fence in {path}, then run prepare again",
        )
    return _Fences(tuple(spans))


def _is_setext_title(lines: list[str], index: int, fenced: _Fences) -> bool:
    """Whether line `index` is the title of a setext heading underlined by the next line."""
    text = _strip(lines[index])
    return (
        bool(text.strip())
        and not text.lstrip().startswith(("-", "*", "+", ">", "#", "[", "|"))
        and index not in fenced
        and (index == 0 or not _strip(lines[index - 1]).strip())
    )


@dataclass(frozen=True)
class _Scanned:
    """A changelog's lines (line endings kept), its level-2 headings and the lines that may
    be link references."""

    lines: tuple[str, ...]
    headings: tuple[Heading, ...]
    link_lines: tuple[int, ...]


@functools.lru_cache(maxsize=4)  # prepare reads one changelog several times
def _scan(text: str, path: str) -> _Scanned:
    lines = text.splitlines(keepends=True)
    return _Scanned(tuple(lines), tuple(_headings(lines, path)), tuple(_lines_starting(lines, "[")))


def _read(text: str, path: str = "CHANGELOG.md") -> tuple[list[str], list[Heading]]:
    """The lines (a list of its own, free to change) and the headings of a changelog."""
    scanned = _scan(text, path)
    return list(scanned.lines), list(scanned.headings)


def _headings(lines: list[str], path: str) -> list[Heading]:
    candidates = _candidate_lines(lines)
    fenced = _fenced_lines(lines, path, candidates)
    titles: dict[int, tuple[str, bool]] = {}
    for index in candidates:
        if index in fenced:
            continue
        text = _strip(lines[index])
        match = _H2.match(text)
        if match is not None:
            titles[index] = (match["title"], False)
        elif (
            index > 0
            and index - 1 not in titles
            and _SETEXT_H2.match(text)
            and _is_setext_title(lines, index - 1, fenced)
        ):
            titles[index - 1] = (_strip(lines[index - 1]).strip(), True)
    found = []
    for index in sorted(titles):
        title, underline = titles[index]
        if title.strip("[]").lower().startswith("unreleased"):
            found.append(Heading(index, True, None, underline))
            continue
        version = _TITLE_VERSION.match(title)
        found.append(Heading(index, False, version["version"] if version else None, underline))
    return found


def _body_start(heading: Heading) -> int:
    return heading.line + (2 if heading.underline else 1)


@functools.lru_cache(maxsize=1024)
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


def _blank_lines_before(lines: Sequence[str], index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and not _strip(lines[index - count - 1]).strip():
        count += 1
    return count


def changelog_style(text: str, path: str = "CHANGELOG.md") -> ChangelogStyle:
    """The conventions of a changelog, read from its newest release and its link references."""
    scanned = _scan(text, path)
    lines, headings = scanned.lines, scanned.headings
    released = list(islice((h for h in headings if h.version is not None), 2))
    style = ChangelogStyle()
    if released:
        newest = released[0]
        line = _strip(lines[newest.line])
        title_at = 0 if newest.underline else len(line) - len(line.lstrip("#").lstrip())
        match = _TITLE_VERSION.match(line[title_at:])
        assert match is not None
        start, end = title_at + match.start("version"), title_at + match.end("version")
        head, tail = line[:start], line[end:]
        tail = _DATE.sub("\x00", tail, count=1)
        template = _braces(head) + "{version}" + _braces(tail).replace("\x00", "{date}")
        setext = _strip(lines[newest.line + 1]) if newest.underline else None
        later = released[1] if len(released) > 1 else newest
        gap = _blank_lines_before(lines, later.line) if later.line > 0 else 1
        style = ChangelogStyle(template, setext, max(gap, 1))
    for label, _space, url in _link_references(lines, scanned.link_lines):
        if _valid(label) is None:
            continue
        angle = url.startswith("<") and url.endswith(">")
        kind = "tag" if _RELEASE_TAG.match(url.strip("<>")) else "compare"
        return ChangelogStyle(style.heading, style.setext, style.gap, kind, angle)
    return style


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _link_references(lines: Sequence[str], candidates: Iterable[int]) -> list[tuple[str, str, str]]:
    found = []
    for index in candidates:
        match = _LINK.match(_strip(lines[index]))
        if match is not None:
            found.append((match["label"], match["space"], match["url"]))
    return found


def _heading_lines(style: ChangelogStyle, version: str, date: str, newline: str) -> list[str]:
    title = style.heading.format(version=version, date=date)
    if style.setext is None:
        return [title + newline]
    underline = style.setext
    if set(underline.strip()) == {"-"}:
        underline = underline[: len(underline) - len(underline.lstrip())] + "-" * max(len(title), 3)
    return [title + newline, underline + newline]


def promote_unreleased(
    text: str,
    version: str,
    date: str,
    *,
    generated: str,
    tag: str,
    previous_tag: str | None,
    path: str = "CHANGELOG.md",
) -> str:
    """The changelog with a section for `version` made of Unreleased's entries, in the file's
    own style (heading shape, blank lines between sections, link references).

    Unreleased stays, empty, above it. If Unreleased has no entries, `generated` (Markdown,
    from the commits) fills the new section. Without an Unreleased heading, the section goes
    above the newest release. A code fence that never closes is refused with its line.
    """
    newline = newline_of(text)
    lines, headings = _read(text, path)
    style = changelog_style(text, path)
    release_heading = _heading_lines(style, version, date, newline)
    gap = [newline] * style.gap
    fallback = [f"{line}{newline}" for line in (generated or "No notable changes.").splitlines()]
    unreleased = next((h for h in headings if h.unreleased), None)
    if unreleased is not None:
        title_end = _body_start(unreleased)
        end = _section_end(lines, headings, unreleased)
        body = lines[title_end:end]
        lines[title_end - 1] = _ended(lines[title_end - 1], newline)
        if any(_strip(line).strip() for line in body):
            first = next(i for i, line in enumerate(body) if _strip(line).strip())
            lines[title_end : title_end + first] = [*gap, *release_heading, newline]
        else:
            after = gap if end < len(lines) else []
            lines[title_end:end] = [*gap, *release_heading, newline, *fallback, *after]
    else:
        newest = next((h for h in headings if h.version is not None), None)
        at = newest.line if newest is not None else _links_start(lines)
        if at > 0:
            lines[at - 1] = _ended(lines[at - 1], newline)
        lines[at:at] = [*release_heading, newline, *fallback, *gap]
    return "".join(_update_links(lines, newline, version, tag, previous_tag, style))


def _update_links(
    lines: list[str],
    newline: str,
    version: str,
    tag: str,
    previous_tag: str | None,
    style: ChangelogStyle,
) -> list[str]:
    links = [(index, _LINK.match(_strip(lines[index]))) for index in _lines_starting(lines, "[")]
    matches = [(index, match) for index, match in links if match is not None]
    unreleased = next((m for m in matches if m[1]["label"].lower() == "unreleased"), None)
    versioned = next((m for m in matches if _valid(m[1]["label"]) is not None), None)

    def wrap(url: str) -> str:
        return f"<{url}>" if style.angle else url

    if unreleased is not None:
        index, match = unreleased
        angle = match["url"].startswith("<")
        compare = _COMPARE.match(match["url"].strip("<>"))
        if compare is None:
            return lines
        base, space = compare["base"], match["space"] or " "
        url = f"{base}/compare/{tag}...{compare['end']}"
        lines[index] = _ended(f"[{match['label']}]:{space}{f'<{url}>' if angle else url}", newline)
        release = _release_url(base, tag, previous_tag, style.link)
        lines.insert(index + 1, f"[{version}]:{space}{wrap(release)}{newline}")
        return lines
    if versioned is not None:
        index, match = versioned
        url = match["url"].strip("<>")
        found = _COMPARE.match(url) or _RELEASE_TAG.match(url)
        if found is not None:
            release = _release_url(found["base"], tag, previous_tag, style.link)
            lines.insert(index, f"[{version}]:{match['space'] or ' '}{wrap(release)}{newline}")
    return lines


def _release_url(base: str, tag: str, previous_tag: str | None, kind: str = "compare") -> str:
    if previous_tag is None or kind == "tag":
        return f"{base}/releases/tag/{tag}"
    return f"{base}/compare/{previous_tag}...{tag}"


def extract_section(text: str, version: str) -> str | None:
    """The body of a version's section (without its heading), or None if there is none."""
    wanted = _valid(version)
    lines, headings = _read(text)
    heading = next((h for h in headings if h.version == wanted and wanted), None)
    if heading is None:
        return None
    body = [
        _strip(line)
        for line in lines[_body_start(heading) : _section_end(lines, headings, heading)]
    ]
    return "\n".join(body).strip("\n")


def has_unreleased_entries(text: str) -> bool:
    """Whether the Unreleased section lists anything."""
    lines, headings = _read(text)
    unreleased = next((h for h in headings if h.unreleased), None)
    if unreleased is None:
        return False
    body = lines[_body_start(unreleased) : _section_end(lines, headings, unreleased)]
    return any(_strip(line).strip() for line in body)
