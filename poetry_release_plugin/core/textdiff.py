"""Unified diffs of a file's text before and after a release, fast on large files.

A release changes a few lines near the top of a changelog that may hold megabytes. The text
both versions share at the start and at the end is found by comparing large slices (C speed),
only the lines in between (and their context) are split and given to difflib, and the hunk
headers are shifted back to the file's own line numbers.
"""

from __future__ import annotations

import difflib
import re

CONTEXT = 3
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")
_CHUNK = 1 << 16  # characters compared at once while looking for the first difference


def _shared_start(before: str, after: str) -> int:
    """Where the first line that differs begins (both texts are the same before it)."""
    limit = min(len(before), len(after))
    at = 0
    while at < limit and before[at : at + _CHUNK] == after[at : at + _CHUNK]:
        at += _CHUNK
    at = min(at, limit)
    end = min(at + _CHUNK, limit)
    while at < end and before[at] == after[at]:
        at += 1
    return before.rfind("\n", 0, at) + 1


def _shared_end(before: str, after: str, start: int) -> int:
    """How many characters, whole lines, both texts share at their end (after `start`)."""
    limit = min(len(before), len(after)) - start
    size = 0
    while (
        size + _CHUNK <= limit
        and before[len(before) - size - _CHUNK : len(before) - size]
        == after[len(after) - size - _CHUNK : len(after) - size]
    ):
        size += _CHUNK
    while size < limit and before[len(before) - size - 1] == after[len(after) - size - 1]:
        size += 1
    newline = before.find("\n", len(before) - size)  # the shared end starts on a line
    return 0 if newline == -1 else len(before) - newline - 1


def _lines_back(text: str, position: int, count: int) -> int:
    """The start of the line `count` lines above the one starting at `position`."""
    for _ in range(count):
        if position == 0:
            break
        position = text.rfind("\n", 0, position - 1) + 1
    return position


def _lines_on(text: str, position: int, count: int) -> int:
    """The start of the line `count` lines below the one starting at `position`."""
    for _ in range(count):
        newline = text.find("\n", position)
        if newline == -1:
            return len(text)
        position = newline + 1
    return position


def _shift(header: str, offset: int) -> str:
    def moved(match: re.Match[str]) -> str:
        old, old_count, new, new_count = match.groups()
        # difflib writes a start of 0 for an empty side; shifted, it names the line before.
        old_start = int(old) + offset if old_count != ",0" or int(old) else offset
        new_start = int(new) + offset if new_count != ",0" or int(new) else offset
        return f"@@ -{old_start}{old_count or ''} +{new_start}{new_count or ''} @@"

    return _HUNK.sub(moved, header, count=1)


def unified_diff(path: str, before: str, after: str) -> str:
    """`diff -u` of one file (`a/PATH`, `b/PATH`), every line ending in a newline."""
    if before == after:
        return ""
    start = _shared_start(before, after)
    end = _shared_end(before, after, start)
    start = _lines_back(before, start, CONTEXT)  # difflib shows the context lines itself
    old_end = _lines_on(before, len(before) - end, CONTEXT)
    new_end = len(after) - (len(before) - old_end)
    lines = difflib.unified_diff(
        before[start:old_end].splitlines(keepends=True),
        after[start:new_end].splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    offset = len(before[:start].splitlines())
    shifted = (_shift(line, offset) if line.startswith("@@") else line for line in lines)
    return "".join(line if line.endswith("\n") else line + "\n" for line in shifted)
