"""Changelogs written by other tools, on real projects rebuilt with their history
(tests/fixtures): prepare at the commit before a real release writes the section its
maintainers' tool wrote for that release, in that tool's shape.

- micropy-cli's git-chglog changelog (`<a name="vX"></a>` anchors, `## [vX] - date`, no blank
  line under headings, two between releases, subsections in git-chglog's order with its
  `Chore` for `chore:` commits, `[vX]: …/compare/vPREV...vX` links) at its v4.0.0 release;
- the same project's release-please changelog (`## [X](…/compare/vPREV...vX) (date)`, two
  blank lines under it, `* **scope:** Sentence-cased text ([abc1234](…/commit/<hash>))` sorted
  by scope then text, `.release-please-manifest.json` bumped too) at its v4.2.2 release."""

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
    notes = project.poetry("release", "notes", "4.0.0", "--json")
    assert notes.code == 0, notes.output
    changes = notes.json()["changes"]  # the section alone: no anchor of the release below
    assert changes.startswith("### Bug Fixes\n- **deps:** update dependency python-minifier")
    assert changes.endswith("- **deps:** update all deps in-range")


_COMMIT_LINK = re.compile(
    r"\(\[(?P<short>[0-9a-f]{7})\]\((?P<base>\S+/commit/)(?P<sha>[0-9a-f]{40})\)\)$"
)


def without_hashes(lines: list[str]) -> list[str]:
    return [_COMMIT_LINK.sub(r"([HASH](\g<base>HASH))", line) for line in lines]


def test_micropy_cli_v4_2_2_is_the_section_release_please_wrote(real: RealProjectFactory) -> None:
    project = real("micropy-cli-release-please")
    release = FIXTURES / "micropy-cli-release-please" / "release-commit-4.2.2.diff"

    prepared = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert prepared.code == 0, prepared.output
    made = project.git("show", "--format=", "HEAD")
    # release-please's manifest is a version place: its root package's line is written too
    for path in ("pyproject.toml", ".release-please-manifest.json"):
        assert changed_lines(made, path) == changed_lines(release.read_text(), path)
    ours, theirs = changed_lines(made), changed_lines(release.read_text())
    # The heading with its compare link and the date in parentheses, two blank lines under
    # it, one under `### Bug Fixes`, `*` entries sentence-cased and sorted by scope then text,
    # no `chore(deps)` (release-please hides chores), no link reference added below (the
    # git-chglog part of the file has some, its release-please headings carry their own).
    # The commits are rebuilt, so their hashes are not the real ones: each entry links the
    # rebuilt commit it comes from instead.
    assert without_hashes(ours) == without_hashes(theirs)
    assert ours[0] == (
        "+## [4.2.2](https://github.com/BradenM/micropy-cli/compare/v4.2.1...v4.2.2) (DATE)"
    )
    for line in ours:
        if (link := _COMMIT_LINK.search(line)) is not None:
            subject = project.git("log", "-1", "--format=%s", link["sha"])
            assert link["sha"].startswith(link["short"])
            assert subject.split(": ", 1)[1].lower() in line.lower(), line
    notes = project.poetry("release", "notes", "4.2.2", "--json")
    assert notes.code == 0, notes.output
    assert notes.json()["changes"] == "\n".join(line[1:] for line in ours[3:-1])
