"""The release diff is a correct unified diff, however large the file."""

from __future__ import annotations

import re
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from poetry_release_plugin.core import textdiff
from poetry_release_plugin.core.textdiff import unified_diff


def apply(diff: str, before: str) -> str:
    """`patch` for one file: the text the diff turns `before` into (checking every old line)."""
    old = before.splitlines(keepends=True)
    result: list[str] = []
    position = 0
    lines = diff.splitlines(keepends=True)[2:]
    index = 0
    while index < len(lines):
        match = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[index])
        assert match, lines[index]
        start = int(match[1]) - (0 if match[2] == "0" else 1)
        result.extend(old[position:start])
        position = start
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            line = lines[index]
            if line.startswith("\\"):
                result[-1] = result[-1].rstrip("\n")
            elif line[0] in " -":
                assert old[position].rstrip("\n") == line[1:].rstrip("\n")
                if line[0] == " ":
                    result.append(old[position])
                position += 1
            else:
                result.append(line[1:])
            index += 1
    result.extend(old[position:])
    return "".join(result)


texts = st.lists(
    st.sampled_from(["a\n", "b\n", "c\n", "\n", "d", "## [1.0.0]\n", "e\r\n"]),
    max_size=40,
)


@given(texts, texts, st.integers(min_value=1, max_value=9))
def test_the_diff_turns_the_old_text_into_the_new(
    before: list[str], after: list[str], chunk: int
) -> None:
    old, new = "".join(before), "".join(after)
    with patch.object(textdiff, "_CHUNK", chunk):  # slices of every size meet the edges
        diff = unified_diff("CHANGELOG.md", old, new)
    assert (diff == "") == (old == new)
    if old.endswith("\n") and new.endswith("\n"):  # "no newline at end" lines aside
        assert apply(diff, old) == new


def test_a_change_at_the_top_of_a_long_file_names_its_real_lines() -> None:
    body = "".join(f"- entry {n}\n" for n in range(100_000))
    before = "# Changelog\n\n## [Unreleased]\n\n" + body
    after = "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-11-25\n\n" + body

    diff = unified_diff("CHANGELOG.md", before, after)

    assert diff.startswith("--- a/CHANGELOG.md\n+++ b/CHANGELOG.md\n@@ -2,5 +2,7 @@\n")
    assert apply(diff, before) == after
