"""Unified diffs of a file's text before and after a release, fast on large files.

A release changes a few lines near the top of a changelog that may hold megabytes; the lines
both texts share at the start and at the end are set aside before difflib compares the rest,
and the hunk headers are shifted back to the file's own line numbers.
"""

from __future__ import annotations

import difflib
import re

CONTEXT = 3
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def _common_edges(before: list[str], after: list[str]) -> tuple[int, int]:
    """How many lines the two share at the start, and then at the end."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    # The shared end can be long (a whole changelog's history): find it by halving, comparing
    # slices (C speed) rather than one line at a time.
    low, high = 0, limit - start
    while low < high:
        middle = (low + high + 1) // 2
        if before[len(before) - middle :] == after[len(after) - middle :]:
            low = middle
        else:
            high = middle - 1
    return start, low


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
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start, end = _common_edges(old, new)
    keep_start = max(0, start - CONTEXT)
    keep_end = max(0, end - CONTEXT)
    lines = difflib.unified_diff(
        old[keep_start : len(old) - keep_end],
        new[keep_start : len(new) - keep_end],
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    shifted = (_shift(line, keep_start) if line.startswith("@@") else line for line in lines)
    return "".join(line if line.endswith("\n") else line + "\n" for line in shifted)
