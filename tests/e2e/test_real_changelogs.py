"""Changelogs written by other tools, on real projects rebuilt with their history
(tests/fixtures): prepare at the commit before a real release writes the section its
maintainers' tool wrote for that release, in that tool's shape.

- micropy-cli's git-chglog changelog (`<a name="vX"></a>` anchors, `## [vX] - date`, no blank
  line under headings, two between releases, subsections in git-chglog's order with its
  `Chore` for `chore:` commits, `[vX]: …/compare/vPREV...vX` links) at its v4.0.0 release."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import RealProjectFactory

FIXTURES = Path(__file__).parent.parent / "fixtures"
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}")


def changed_lines(diff: str, path: str = "CHANGELOG.md") -> list[str]:
    """The removed and added lines of `path` in a `git show` patch, in order."""
    lines, current = [], ""
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            current = line.split(" b/", 1)[1]
        elif (
            current == path and line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
        ):
            lines.append(_DATED.sub("DATE", line))
    return lines


def same_scope_runs_sorted(lines: list[str], subsection: str, scope: str) -> list[str]:
    """The lines with the entries of one scope under `subsection` put in sorted order."""
    start = lines.index(f"+### {subsection}") + 1
    while not lines[start].startswith(f"+- **{scope}:**"):
        start += 1
    end = start
    while end < len(lines) and lines[end].startswith(f"+- **{scope}:**"):
        end += 1
    return [*lines[:start], *sorted(lines[start:end]), *lines[end:]]


def test_micropy_cli_v4_0_0_is_the_section_git_chglog_wrote(real: RealProjectFactory) -> None:
    project = real("micropy-cli")
    release = FIXTURES / "micropy-cli" / "release-commit-4.0.0.diff"
    theirs = changed_lines(release.read_text())
    # git-chglog rewrites the whole file from the tags each time: it also listed the
    # v4.0.0-rc.2 release commit itself under that older release, which prepare never does.
    theirs.remove("+- **release:** bump version to v4.0.0-rc.2")

    prepared = project.poetry("release", "prepare", "4.0.0", "--offline", "--no-checks")

    assert prepared.code == 0, prepared.output
    made = project.git("show", "--format=", "HEAD")
    for path in ("pyproject.toml", "micropy/__init__.py"):  # (docs/ is not in the fixture)
        assert changed_lines(made, path) == changed_lines(release.read_text(), path)
    ours = changed_lines(made)
    assert "+### Chore" in ours
    # git-chglog sorts each subsection's entries by scope with Go's unstable sort: the four
    # `chore(deps)` entries came out in an order that is neither the history's nor its reverse
    # (prepare keeps them newest first, as every other scope is): compared as a set.
    assert same_scope_runs_sorted(ours, "Chore", "deps") == same_scope_runs_sorted(
        theirs, "Chore", "deps"
    )
    # The rest line for line, the date aside: anchor, heading, no blank line under headings,
    # subsections in git-chglog's (alphabetical) order, entries by scope, two blank lines
    # before the next release, `[vX]` link labels and the compare link from the rc's tag.
    assert ours[:3] == [
        '+<a name="v4.0.0"></a>',
        "+## [v4.0.0] - DATE",
        "+### Bug Fixes",
    ]
    assert ours[-2:] == [
        "+[Unreleased]: https://github.com/BradenM/micropy-cli/compare/v4.0.0...HEAD",
        "+[v4.0.0]: https://github.com/BradenM/micropy-cli/compare/v4.0.0-rc.2...v4.0.0",
    ]
