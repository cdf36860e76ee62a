"""A release's section of a reStructuredText news file (towncrier's `NEWS.rst`), read for the
release notes and given in Markdown, the GitHub release body's language. Pure."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from collections.abc import Iterator

_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>:._])\1{2,}[ \t]*$")
_VERSION_WORD = re.compile(r"[vV]?[0-9][0-9A-Za-z.!+_-]*")
_LINK = re.compile(r"`(?P<text>[^`<]+?)\s*<(?P<url>[^<>`\s]+)>`__?")
_LITERAL = re.compile(r"``(?P<code>[^`]+)``")


def _titles(lines: list[str]) -> Iterator[tuple[int, str, tuple[str, bool]]]:
    """Each section title: its line, its text, its adornment (the character, overlined)."""
    for index in range(len(lines) - 1):
        title, under = lines[index].rstrip(), lines[index + 1].rstrip()
        if not title or title[0].isspace() or _ADORNMENT.match(title):
            continue
        if _ADORNMENT.match(under) and len(under) >= len(title):
            over = index > 0 and lines[index - 1].rstrip() == under
            yield index, title, (under[0], over)


def _names(title: str, wanted: Version) -> bool:
    for word in _VERSION_WORD.findall(title):
        try:
            if Version(word.rstrip(".,:;-_")) == wanted:
                return True
        except InvalidVersion:
            continue
    return False


def rst_section(text: str, version: str) -> str | None:
    """The section whose title names `version` (`towncrier 24.8.0rc1 (2024-08-19)`), without
    its title, in Markdown: its subsections as `###` headings, links and literals as Markdown
    writes them. None when no title names it."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        return None
    lines = text.splitlines()
    titles = list(_titles(lines))
    found = next((t for t in titles if _names(t[1], wanted)), None)
    if found is None:
        return None
    start, _title, style = found
    later = (t for t in titles if t[0] > start and t[2] == style)
    end = next((t[0] - (1 if t[2][1] else 0) for t in later), len(lines))
    inner = {t[0]: t for t in titles if start < t[0] < end}
    levels: list[tuple[str, bool]] = []
    body: list[str] = []
    index = start + 2
    while index < end:
        if index in inner:
            _line, title, sub = inner[index]
            levels += [] if sub in levels else [sub]
            if body and body[-1] == lines[index - 1].rstrip() and sub[1]:
                body.pop()  # the overline
            body.append("#" * (3 + levels.index(sub)) + " " + _markdown(title))
            index += 2
            continue
        body.append(_markdown(lines[index].rstrip()))
        index += 1
    return "\n".join(body).strip("\n")


def _markdown(line: str) -> str:
    line = _LINK.sub(lambda m: f"[{m['text']}]({m['url']})", line)
    return _LITERAL.sub(lambda m: f"`{m['code']}`", line)
