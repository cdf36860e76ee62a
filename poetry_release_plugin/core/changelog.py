"""Keep a Changelog 1.1.0: promote Unreleased to a release, update the links, extract a section.

Works line by line on the text as stored: the lines it does not rewrite keep every byte,
line endings included, and no line is ever dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from itertools import compress, count, islice, pairwise, repeat
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from poetry_release_plugin.core.commits import DEFAULT_VOICE, EntryOrder, Voice, sort_text
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

_H2 = re.compile(r"^##(?!#)[ \t]*(?P<title>.*?)[ \t]*$")
# A patch release under a level-3 heading, its version linked (standard-version's and early
# release-please's `### [1.2.3](…/compare/v1.2.2...v1.2.3) (date)`): a section, no subsection.
_H3_RELEASE = re.compile(r"^###(?!#)[ \t]*(?P<title>\[v?[0-9][^\]\s]*\]\(.*?)[ \t]*$")
_SETEXT_H2 = re.compile(r"^ {0,3}-{2,}[ \t]*$")
_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]:(?P<space>[ \t]*)(?P<url>\S+)[ \t]*$")
_COMPARE = re.compile(r"^(?P<base>.+)/compare/(?P<start>.+?)\.\.\.(?P<end>[^/]+)$")
_RELEASE_TAG = re.compile(r"^(?P<base>.+)/releases/tag/(?P<tag>[^/]+)$")
_TITLE_VERSION = re.compile(r"^\[?[vV]?(?P<version>[0-9][^\]\s]*)\]?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_NOTABLE_CHANGES = "No notable changes."  # a generated section without entries
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
    anchor: str | None = None  # the line above each heading (`<a name="v{version}"></a>`)
    after_heading: int = 1  # blank lines between a release's heading and what it lists
    patch_level: bool = False  # patch releases under `###`, the others under `##`

    @property
    def label(self) -> str:
        """A version's link label as the headings write it (`v{version}` under `[v1.0]`)."""
        match = re.search(r"\[([^\]]*)\{version\}([^\]]*)\]", self.heading)
        return f"{match[1]}{{version}}{match[2]}" if match else "{version}"


def newline_of(text: str) -> str:
    """The file's own line ending."""
    return "\r\n" if "\r" in text and "\r\n" in text else "\n"  # a lone \r is found fastest


def _strip(line: str) -> str:
    return line.rstrip("\r\n")


_CANDIDATE_STARTS = ("##", "``", "~~", "--")


def _lines_starting(lines: Sequence[str], starts: str | tuple[str, ...]) -> list[int]:
    """The indexes of the lines that start so (filtered at C speed: a changelog of megabytes
    has a hundred thousand lines, and few of them matter)."""
    return list(compress(count(), map(str.startswith, lines, repeat(starts))))


class _Headings:
    """The level-2 headings of a changelog, in order, found from the top only as far as a
    question needs (the newest sections: a changelog of megabytes is mostly history).

    Code fences are followed on the way, so a heading inside one is none. A fence still open
    when the scan reaches the end of the file is refused with its line (one opened below the
    sections a question needs cannot move them, and is left to Markdown).
    """

    _CHUNK = 4096  # lines filtered at once (at C speed) for the few that may matter

    def __init__(self, lines: Sequence[str], path: str) -> None:
        self._lines = lines
        self._path = path
        self._found: list[Heading] = []
        self._fences: list[tuple[int, int]] = []  # (first line, last line), in order
        self._opener: tuple[int, str] | None = None  # a fence not closed yet
        self._candidates: Iterator[int] | None = self._candidate_lines()

    def __iter__(self) -> Iterator[Heading]:
        index = 0
        while True:
            while index >= len(self._found) and self._candidates is not None:
                self._scan_next()
            if index >= len(self._found):
                self._refuse_open_fence()  # every question that reads to the end, not the first
                return
            yield self._found[index]
            index += 1

    def _candidate_lines(self) -> Iterator[int]:
        """Lines that may open or close a fence, be a `## ` heading or a setext underline."""
        lines, starts = self._lines, (*_CANDIDATE_STARTS, " ")
        for first in range(0, len(lines), self._CHUNK):
            chunk = lines[first : first + self._CHUNK]
            for index in compress(count(first), map(str.startswith, chunk, repeat(starts))):
                if lines[index].lstrip(" ")[:2] in _CANDIDATE_STARTS:
                    yield index

    def _scan_next(self) -> None:
        assert self._candidates is not None
        index = next(self._candidates, None)
        if index is None:
            self._candidates = None
            return
        text = _strip(self._lines[index])
        fence = _FENCE.match(text)
        if self._opener is not None:  # inside a fence: only its closing line matters
            marker = self._opener[1]
            if (
                fence is not None
                and fence["marker"][0] == marker[0]
                and len(fence["marker"]) >= len(marker)
                and not fence["info"].strip()
            ):
                self._fences.append((self._opener[0], index))
                self._opener = None
            return
        if fence is not None:
            if not (fence["marker"][0] == "`" and "`" in fence["info"]):
                self._opener = (index, fence["marker"])
            return
        heading = _H2.match(text) or _H3_RELEASE.match(text)
        if heading is not None:
            self._add(index, heading["title"], underline=False)
        elif (
            index > 0
            and not (self._found and self._found[-1].line == index - 1)
            and _SETEXT_H2.match(text)
            and self._is_setext_title(index - 1)
        ):
            self._add(index - 1, _strip(self._lines[index - 1]).strip(), underline=True)

    def _refuse_open_fence(self) -> None:
        if self._opener is not None:
            line, marker = self._opener
            raise ProjectError(
                f"{self._path} line {line + 1} opens a code fence ({marker}) that never "
                "closes, so where sections begin cannot be told",
                f"close the fence in {self._path}, then run prepare again",
            )

    def _is_setext_title(self, index: int) -> bool:
        """Whether line `index` is the title of a setext heading underlined by the next line."""
        text = _strip(self._lines[index])
        return (
            bool(text.strip())
            and not text.lstrip().startswith(("-", "*", "+", ">", "#", "[", "|"))
            and not (self._fences and self._fences[-1][1] == index)  # a fence's closing line
            and (index == 0 or not _strip(self._lines[index - 1]).strip())
        )

    def _add(self, index: int, title: str, *, underline: bool) -> None:
        if title.strip("[]").lower().startswith("unreleased"):
            self._found.append(Heading(index, True, None, underline))
            return
        version = _TITLE_VERSION.match(title)
        self._found.append(
            Heading(index, False, version["version"] if version else None, underline)
        )


class _Scanned:
    """A changelog's lines (line endings kept), its level-2 headings (found as needed) and
    the lines that may be link references (found when first asked)."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = tuple(text.splitlines(keepends=True))
        self.headings = _Headings(self.lines, path)

    @functools.cached_property
    def link_lines(self) -> list[int]:
        return _lines_starting(self.lines, "[")


@functools.lru_cache(maxsize=4)  # prepare reads one changelog several times
def _scan(text: str, path: str) -> _Scanned:
    return _Scanned(text, path)


def _read(text: str, path: str = "CHANGELOG.md") -> tuple[list[str], _Headings]:
    """The lines (a list of its own, free to change) and the headings of a changelog."""
    scanned = _scan(text, path)
    return list(scanned.lines), scanned.headings


def _body_start(heading: Heading) -> int:
    return heading.line + (2 if heading.underline else 1)


@functools.lru_cache(maxsize=1024)
def _valid(text: str) -> str | None:
    try:
        return str(Version(text.rstrip(".,:;")))
    except InvalidVersion:
        return None


def _links_start(lines: Sequence[str]) -> int:
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


def _section_end(lines: Sequence[str], headings: Iterable[Heading], heading: Heading) -> int:
    later = next((h.line for h in headings if h.line > heading.line), None)
    links = _links_start(lines)
    return links if later is None else min(_attached_start(lines, later), links)


# An anchor or comment line right above a heading belongs to it (git-chglog's
# `<a name="v3.1.0"></a>`): it moves with the heading and is no entry of the section above.
_ATTACHED = re.compile(r"^\s*(?:<a\s+(?:name|id)=[^>]*>\s*</a>|<!--.*-->)\s*$", re.IGNORECASE)


def _attached_start(lines: Sequence[str], heading_line: int) -> int:
    """Where a heading's block begins: the anchor and comment lines right above it."""
    start = heading_line
    while start > 0 and _ATTACHED.match(_strip(lines[start - 1])):
        start -= 1
    return start


def _unreleased_heading(headings: Iterable[Heading]) -> Heading | None:
    """The Unreleased heading, if it is above every release (an old one left far below the
    newest releases is history, not where the next release's entries are)."""
    for heading in headings:
        if heading.unreleased:
            return heading
        if heading.version is not None:
            return None
    return None


def _ended(line: str, newline: str) -> str:
    return line if line.endswith(("\n", "\r")) else line + newline


def _blank_lines_after(lines: Sequence[str], index: int) -> int:
    count = 0
    while index + count + 1 < len(lines) and not _strip(lines[index + count + 1]).strip():
        count += 1
    return count


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
        line = _strip(lines[newest.line]).rstrip()  # a stray trailing space is not the style
        title_at = 0 if newest.underline else len(line) - len(line.lstrip("#").lstrip())
        match = _TITLE_VERSION.match(line[title_at:])
        assert match is not None
        start, end = title_at + match.start("version"), title_at + match.end("version")
        head, tail = line[:start], line[end:]
        tail = _DATE.sub("\x00", tail, count=1)
        older = released[1].title_version if len(released) > 1 else None
        # a link in the heading names this release and the one before: both are slots
        tail = _braces(tail).replace(line[start:end], "{version}")
        if older:
            tail = tail.replace(older, "{previous}")
        template = _braces(head) + "{version}" + tail.replace("\x00", "{date}")
        setext = _strip(lines[newest.line + 1]) if newest.underline else None
        later = released[1] if len(released) > 1 else newest
        above_later = _attached_start(lines, later.line)  # its anchor is not a blank line
        gap = _blank_lines_before(lines, above_later) if above_later > 0 else 1
        after_heading = next(
            (
                blanks
                for heading in released
                if (blanks := _blank_lines_after(lines, _body_start(heading) - 1))
                < _next_heading_line(headings, heading, len(lines)) - _body_start(heading)
                and not _ATTACHED.match(_strip(lines[_body_start(heading) + blanks]))
            ),
            1,
        )
        anchor = None
        if newest.line > 0 and _ATTACHED.match(_strip(lines[newest.line - 1])):
            above = _strip(lines[newest.line - 1])
            if line[start:end] in above:
                anchor = _braces(above).replace(line[start:end], "{version}")
        style = ChangelogStyle(
            template,
            setext,
            max(gap, 1),
            anchor=anchor,
            after_heading=after_heading,
            patch_level=any(_H3_RELEASE.match(_strip(lines[h.line])) for h in released),
        )
    linked = [
        (version, url)
        for label, _space, url in _link_references(lines, scanned.link_lines)
        if (version := _valid(label)) is not None
    ]
    if not linked:
        return style
    # Keep a Changelog links the first release to its tag and every later one to a compare
    # view: the first release's link says nothing of how the next ones are written.
    first = min((version for version, _url in linked), key=Version)
    urls = [url for version, url in linked if version != first] or [linked[0][1]]
    kind = "tag" if len(linked) > 1 and _RELEASE_TAG.match(urls[0].strip("<>")) else "compare"
    angle = urls[0].startswith("<") and urls[0].endswith(">")
    return dataclasses.replace(style, link=kind, angle=angle)


# A subsection's name (lower case, letters only) and the kinds of change it holds.
_SECTION_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("feat", "feats", "feature", "features", "new features", "added",
                     "new", "enhancements"), frozenset({"feat"})),
    "features and improvements": frozenset({"feat", "perf", "refactor"}),
    **dict.fromkeys(("fix", "fixes", "bug fixes", "bugfixes", "fixed", "bug fix", "bugfix"),
                    frozenset({"fix"})),
    **dict.fromkeys(("perf", "performance", "performance improvements"), frozenset({"perf"})),
    "code refactoring": frozenset({"refactor"}),
    **dict.fromkeys(("refactor", "refactoring", "code refactoring"), frozenset({"refactor"})),
    "improvements": frozenset({"perf", "refactor"}),
    **dict.fromkeys(("changed", "changes"), frozenset({"perf", "refactor", "other", "revert"})),
    **dict.fromkeys(("breaking changes", "breaking change", "breaking", "breaking changes "),
                    frozenset({"breaking"})),
    **dict.fromkeys(("dependencies", "deps", "dependency updates"), frozenset({"deps"})),
    **dict.fromkeys(("docs", "documentation"), frozenset({"docs"})),
    **dict.fromkeys(("build", "build system"), frozenset({"build"})),
    **dict.fromkeys(("ci", "continuous integration"), frozenset({"ci"})),
    **dict.fromkeys(("test", "tests", "testing"), frozenset({"test"})),
    "style": frozenset({"style"}),
    **dict.fromkeys(("chore", "chores", "maintenance"), frozenset({"chore"})),
    **dict.fromkeys(("other", "other changes", "misc", "miscellaneous"),
                    frozenset({"other", "revert"})),
    **dict.fromkeys(("revert", "reverts"), frozenset({"revert"})),
}  # fmt: skip
_SUBHEADING = re.compile(r"^#{3,4}\s+(?P<name>.+?)\s*#*\s*$")
_ENTRY = re.compile(r"^(?P<bullet>[-*+]) (?P<text>.+)$")
_ENTRY_HASH = re.compile(r"[(\[]+`?[0-9a-f]{7,40}`?[\])]*(?:\([^)]*\))?[\])]*\s*$")
_SCOPE_SHAPES = (
    (re.compile(r"^\*\*[^*\s][^*]*\*\*: "), "**{scope}**: "),
    (re.compile(r"^\*\*[^*\s][^*]*:\*\* "), "**{scope}:** "),
)
VOICE_SECTIONS_READ = 5  # the newest releases a changelog's entry shape is learnt from
# The newest releases whose subsections say which kinds of change the file lists, and in what
# order (git-chglog's `Code Refactoring` may be missing from five releases in a row).
VOICE_NAMES_READ = 12
# The vocabularies a file's subsections come from, each in its own order: Keep a Changelog's,
# commitizen's default one, and the plugin's. A file using some of one gets the rest of it
# for the kinds of change its newest releases happened not to have.
_FAMILIES: tuple[tuple[tuple[str, frozenset[str]], ...], ...] = (
    (
        ("Added", frozenset({"feat"})),
        ("Changed", frozenset({"perf", "refactor", "other", "revert"})),
        ("Fixed", frozenset({"fix"})),
    ),
    (
        ("BREAKING CHANGE", frozenset({"breaking"})),
        ("Feat", frozenset({"feat"})),
        ("Fix", frozenset({"fix"})),
        ("Refactor", frozenset({"refactor"})),
        ("Perf", frozenset({"perf"})),
    ),
    (  # conventional-changelog's (git-chglog, semantic-release, release-please)
        ("BREAKING CHANGES", frozenset({"breaking"})),
        ("Features", frozenset({"feat"})),
        ("Bug Fixes", frozenset({"fix"})),
        ("Performance Improvements", frozenset({"perf"})),
        ("Code Refactoring", frozenset({"refactor"})),
        ("Reverts", frozenset({"revert"})),
    ),
    DEFAULT_VOICE.sections,
)
# The kinds of change a file gets a section for even when its newest releases had none: the
# ones that make a release. Others (refactors, dependencies, docs) only where it names them.
_ALWAYS_LISTED = frozenset({"feat", "fix", "breaking"})


def changelog_voice(text: str, path: str = "CHANGELOG.md") -> Voice:
    """How a changelog writes its entries, from its newest releases: the subsections they use
    (in their order) for each kind of change, the scope markup, whether entries end with a
    commit (and how), the bullet, the blank lines around subsection headings, whether entries
    are sorted by scope. The built-in voice where they use no subsection it knows."""
    scanned = _scan(text, path)
    lines, headings = scanned.lines, scanned.headings
    released = list(islice((h for h in headings if h.version is not None), VOICE_NAMES_READ))
    if not released:
        return DEFAULT_VOICE
    names: dict[str, frozenset[str]] = {}
    orders: list[list[str]] = []
    entries: list[re.Match[str]] = []
    runs: list[list[tuple[str, str]]] = []  # each subsection's entries: (scope, text)
    after_subheading: int | None = None
    between: int | None = None
    after_breaking: int | None = None
    breaking: list[tuple[list[str], list[str]]] = []  # each release's breaking entries, others
    wrapped: list[list[str]] = []  # the lines of each entry written on more than one
    gaps: list[int] = []  # blank lines between neighbouring entries of a subsection
    for number, heading in enumerate(released):
        start, end = _body_start(heading), _next_heading_line(headings, heading, len(lines))
        order: list[str] = []
        run: list[tuple[str, str]] = []
        kinds: frozenset[str] = frozenset()  # of the subsection being read
        previous_entry: int | None = None  # the line after the last entry read
        broken: list[str] = []
        others: list[str] = []
        for index in range(start, end):
            text_line = _strip(lines[index])
            sub = _SUBHEADING.match(text_line)
            if sub is not None:
                if "breaking" not in kinds:  # breaking notes keep their own case and order
                    runs.append(run)
                run = []
                name = sub["name"]
                key = re.sub(r"[^a-z ]+", "", name.lower()).strip()
                if key not in _SECTION_KINDS:
                    kinds = frozenset()
                    continue
                names.setdefault(name, _SECTION_KINDS[key])
                order.append(name)
                if after_subheading is None and _blank_lines_after(lines, index) < end - index - 1:
                    after_subheading = _blank_lines_after(lines, index)
                if index - _blank_lines_before(lines, index) > start:
                    above = _blank_lines_before(lines, index)
                    if "breaking" in kinds:
                        after_breaking = above if after_breaking is None else after_breaking
                    elif between is None:
                        between = above
                kinds = _SECTION_KINDS[key]
            elif number < VOICE_SECTIONS_READ and (entry := _ENTRY.match(text_line)) is not None:
                more = _continued(lines, index, end)
                if more:
                    wrapped.append([text_line, *more])
                    joined = " ".join([text_line, *(line.strip() for line in more)])
                    entry = _ENTRY.match(joined) or entry
                if run and previous_entry is not None:
                    between_lines = lines[previous_entry:index]
                    if not any(_strip(line).strip() for line in between_lines):
                        gaps.append(len(between_lines))
                previous_entry = index + len(more) + 1
                entries.append(entry)
                (broken if "breaking" in kinds else others).append(entry["text"])
                scoped = _ENTRY_SCOPE.match(entry["text"])
                if scoped is None:
                    run.append(("", entry["text"]))
                else:
                    run.append((scoped["scope"], entry["text"][scoped.end() :]))
        if "breaking" not in kinds:
            runs.append(run)
        orders.append(order)
        breaking.append((broken, others))
    scope = next(
        (
            shape
            for pattern, shape in _SCOPE_SHAPES
            if any(pattern.match(entry["text"]) for entry in entries)
        ),
        DEFAULT_VOICE.scope,
    )
    hashed = [entry["text"] for entry in entries if _ENTRY_HASH.search(entry["text"])]
    pulls = [link for e in entries if (link := _PULL_LINK.search(e["text"]))]
    width = _wrap_width(wrapped)
    bullet = entries[0]["bullet"] if entries else DEFAULT_VOICE.bullet
    order = _merged_order(orders)
    sections = _completed([(n, names[n]) for n in order]) if names else DEFAULT_VOICE.sections
    return Voice(
        sections,
        scope,
        bool(hashed),
        bullet,
        commit=_commit_shape(hashed[0]) if hashed else DEFAULT_VOICE.commit,
        pull=_pull_shape(pulls[0]) if pulls else DEFAULT_VOICE.pull,
        pull_joined=bool(pulls) and pulls[0]["after"] != "))",
        wrap=width,
        indent=_indent(wrapped[0][1]) if wrapped else DEFAULT_VOICE.indent,
        between_entries=max(set(gaps), key=gaps.count) if gaps else DEFAULT_VOICE.between_entries,
        after_subheading=DEFAULT_VOICE.after_subheading
        if after_subheading is None
        else after_subheading,
        between=DEFAULT_VOICE.between if between is None else between,
        order=_entry_order(_made_from_commits(runs, len(hashed) * 2 > len(entries))),
        sentence_case=_sentence_case(runs, hashed),
        breaking_twice=any(_listed_twice(broken, others) for broken, others in breaking),
        breaking_commit=_breaking_commit([text for broken, _o in breaking for text in broken]),
        after_breaking=after_breaking,
    )


def _listed_twice(broken: list[str], others: list[str]) -> bool:
    """Whether a release lists a breaking change again under its type (release-please's way:
    the note first, then the commit's entry with its link)."""
    return any(
        other.lower().startswith(note.lower().rstrip()) for note in broken for other in others
    )


def _breaking_commit(broken: list[str]) -> bool:
    """Whether breaking entries name their commit (release-please's notes do not)."""
    return not broken or any(_ENTRY_HASH.search(text) for text in broken)


_ENTRY_SCOPE = re.compile(r"^\*\*(?P<scope>[^*\s][^*]*?):?\*\*:? ")
_COMMIT_LINK = re.compile(
    r"(?P<before>(?:\s*\(|,\s*)\[`?)(?P<short>[0-9a-f]{7,40})"
    r"(?P<middle>`?\]\((?P<url>[^()\s]*/commit/))(?P<sha>[0-9a-f]{7,40})(?P<after>\)\))\s*$"
)


_PULL_LINK = re.compile(
    r"(?P<before>\s*\(\[#)(?P<number>[0-9]+)(?P<middle>\]\([^()\s]*/(?:issues|pull)/)"
    r"(?P=number)(?P<after>\)[),])"
)


def _pull_shape(link: re.Match[str]) -> str:
    """How an entry links a pull request (`([#12](…/issues/12))`), as a template."""
    return f"{link['before']}{{number}}{_braces(link['middle'])}{{number}}))"


def _commit_shape(entry: str) -> str:
    """How an entry names its commit: a link (`([abc1234](…/commit/abc1234…))`) or the
    short hash in parentheses."""
    link = _COMMIT_LINK.search(entry)
    if link is None:
        return DEFAULT_VOICE.commit
    linked = "{sha}" if len(link["sha"]) == 40 else "{short}"  # early release-please: short
    before = link["before"]
    if not before.lstrip().startswith("("):  # joined to a pull request's: `, [`abc1234`](…))`
        before = " ([`" if before.endswith("`") else " (["
    parts = (before, "{short}", _braces(link["middle"]), linked, link["after"])
    return "".join(parts)


def _entry_order(runs: list[list[tuple[str, str]]]) -> EntryOrder:
    """How the subsections order their entries: by scope (git-chglog's), by scope then text
    (conventional-changelog's), when nine in ten neighbours of different scopes (of one scope)
    are in that order, and enough to tell it from chance; newest first otherwise."""
    pairs = [pair for run in runs for pair in pairwise(run)]
    scopes = [(a[0], b[0]) for a, b in pairs if a[0] != b[0]]
    if not _mostly_ascending(scopes):
        return EntryOrder.NEWEST
    said = [(a[0], sort_text(a[1]), b[0], sort_text(b[1])) for a, b in pairs]
    texts = [(a, b) for scope_a, a, scope_b, b in said if scope_a == scope_b and a != b]
    return EntryOrder.SCOPE_AND_TEXT if _mostly_ascending(texts) else EntryOrder.SCOPE


def _made_from_commits(
    runs: list[list[tuple[str, str]]], linked: bool
) -> list[list[tuple[str, str]]]:
    """The entries that name their commit, where most do: a bullet without one is a line of a
    commit's body (semantic-release writes bodies below their entries), not an entry."""
    if not linked:
        return runs
    return [[(scope, text) for scope, text in run if _ENTRY_HASH.search(text)] for run in runs]


def _mostly_ascending(pairs: list[tuple[str, str]]) -> bool:
    ascending = sum(a < b for a, b in pairs)
    return ascending >= 3 and ascending >= 0.9 * len(pairs)


def _sentence_case(runs: list[list[tuple[str, str]]], hashed: list[str]) -> bool:
    """Whether entries made from commits (a scope in bold, or their commit linked) all begin
    with a capital, as release-please's sentence-case plugin and semantic-release write them."""
    scoped = [text for run in runs for scope, text in run if scope and text[:1].isalpha()]
    linked = [m["first"] for text in hashed if (m := _ENTRY_WORD.match(text)) is not None]
    made = scoped if len(scoped) >= 3 else linked
    return len(made) >= 3 and all(text[0].isupper() for text in made)


_ENTRY_WORD = re.compile(r"(?:\*\*[^*]+\*\*:?\s*)?(?P<first>[A-Za-z])")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _continued(lines: Sequence[str], index: int, end: int) -> list[str]:
    """The lines an entry goes on to (semantic-release wraps at 100 columns): indented ones
    right below it, up to a blank line or a nested bullet."""
    more: list[str] = []
    for line in islice(lines, index + 1, end):
        text = _strip(line)
        if not text.strip() or not text[:1].isspace() or _ENTRY.match(text.lstrip()):
            break
        more.append(text)
    return more


# Widths tools wrap at (mdformat's 80, semantic-release's 100, ...): the one a file's wrapped
# entries agree with; the longest line they have where none does.
_WIDTHS = (72, 79, 80, 88, 100, 120)


def _wrap_width(wrapped: list[list[str]]) -> int | None:
    """The width a file's wrapped entries were wrapped at: at least their longest line of
    more than one word (a link longer than the width has a line of its own), less than any
    line with the next one's first word; None if no entry is wrapped."""
    if not wrapped:
        return None
    longest = max(
        (len(line) for lines in wrapped for line in lines if len(line.split(maxsplit=2)) > 1),
        default=0,
    )
    overflows = [
        len(line) + 1 + len(following.split(maxsplit=1)[0])
        for lines in wrapped
        for line, following in pairwise(lines)
    ]
    shortest = min(overflows, default=longest + 1)
    return next((w for w in _WIDTHS if longest <= w < shortest), longest)


def _merged_order(orders: list[list[str]]) -> list[str]:
    """One order of subsection names agreeing with each release's own order (a name comes
    after every name some release lists before it; otherwise as first seen)."""
    seen = list(dict.fromkeys(name for order in orders for name in order))
    before: dict[str, set[str]] = {name: set() for name in seen}
    for order in orders:
        for earlier, later in pairwise(order):
            if earlier != later:
                before[later].add(earlier)
    merged: list[str] = []
    while seen:
        placed = set(merged)
        ready = next((n for n in seen if before[n] <= placed), seen[0])  # a cycle: first seen
        merged.append(ready)
        seen.remove(ready)
    return merged


def _completed(found: list[tuple[str, frozenset[str]]]) -> tuple[tuple[str, frozenset[str]], ...]:
    """The file's subsections, with those of its vocabulary it has not used lately added (in
    the vocabulary's order) for the kinds of change none of its own takes."""
    spelled = {name.lower() for name, _kinds in found}
    family = max(_FAMILIES, key=lambda f: sum(name.lower() in spelled for name, _k in f))
    covered = frozenset().union(*(kinds for _name, kinds in found))

    def rank(name: str, kinds: frozenset[str]) -> int | None:
        for index, (known, known_kinds) in enumerate(family):
            if known.lower() == name.lower() or known_kinds & kinds:
                return index
        return None

    for index, (name, kinds) in enumerate(family):
        missing = (kinds & _ALWAYS_LISTED) - covered
        if not missing:
            continue
        place = 0
        for position, (other, other_kinds) in enumerate(found):
            ranked = rank(other, other_kinds)
            if ranked is not None and ranked < index:
                place = position + 1
        found.insert(place, (name, missing))
        covered |= missing
    return tuple(found)


def _next_heading_line(headings: _Headings, heading: Heading, end: int) -> int:
    found = False
    for other in headings:
        if found:
            return other.line
        found = other.line == heading.line
    return end


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _link_references(lines: Sequence[str], candidates: Iterable[int]) -> list[tuple[str, str, str]]:
    found = []
    for index in candidates:
        match = _LINK.match(_strip(lines[index]))
        if match is not None:
            found.append((match["label"], match["space"], match["url"]))
    return found


def _heading_lines(
    style: ChangelogStyle, version: str, date: str, newline: str, previous: str = ""
) -> list[str]:
    title = style.heading.format(version=version, date=date, previous=previous)
    if style.patch_level and title.startswith("#"):
        patch = _valid(version) is not None and Version(version).micro > 0
        title = ("###" if patch else "##") + title.lstrip("#")
    above = [style.anchor.format(version=version) + newline] if style.anchor else []
    if style.setext is None:
        return [*above, title + newline]
    underline = style.setext
    if set(underline.strip()) == {"-"}:
        underline = underline[: len(underline) - len(underline.lstrip())] + "-" * max(len(title), 3)
    return [*above, title + newline, underline + newline]


def promote_unreleased(
    text: str,
    version: str,
    date: str,
    *,
    generated: str,
    tag: str,
    previous_tag: str | None,
    path: str = "CHANGELOG.md",
    keep_unreleased: bool = True,
) -> str:
    """The changelog with a section for `version` made of Unreleased's entries, in the file's
    own style (heading shape, blank lines between sections, link references).

    Unreleased stays, empty, above it (with `keep_unreleased` false, the project's way of
    renaming it at each release, its heading becomes the release's). If Unreleased has no
    entries, `generated` (Markdown, from the commits) fills the new section. Without an
    Unreleased heading, the section goes above the newest release. A code fence that never
    closes where the sections it edits are read is refused with its line.
    """
    newline = newline_of(text)
    lines, headings = _read(text, path)
    style = changelog_style(text, path)
    newest = next((h for h in headings if h.version is not None), None)
    previous = newest.title_version or "" if newest is not None else ""
    release_heading = _heading_lines(style, version, date, newline, previous)
    gap = [newline] * style.gap
    below = [newline] * style.after_heading
    fallback = [f"{line}{newline}" for line in (generated or NO_NOTABLE_CHANGES).splitlines()]
    unreleased = _unreleased_heading(headings)
    if unreleased is not None:
        start = _body_start(unreleased)
        end = _section_end(lines, headings, unreleased)
        body = lines[start:end]
        lines[start - 1] = _ended(lines[start - 1], newline)
        has_entries = any(_strip(line).strip() for line in body)
        if not keep_unreleased:  # renamed: the release's heading where Unreleased's was
            added = [*release_heading, *below]
            if has_entries:  # its entries stay, under the new heading
                end = start + next(i for i, line in enumerate(body) if _strip(line).strip())
            else:
                added += [*fallback, *(gap if end < len(lines) else [])]
            start = _attached_start(lines, unreleased.line)
        elif has_entries:
            end = start + next(i for i, line in enumerate(body) if _strip(line).strip())
            added = [*gap, *release_heading, *below]
        else:
            after = gap if end < len(lines) else []
            added = [*gap, *release_heading, *below, *fallback, *after]
    else:
        newest = next((h for h in headings if h.version is not None), None)
        above = _attached_start(lines, newest.line) if newest is not None else None
        start = end = above if above is not None else _links_start(lines)
        if start > 0:
            lines[start - 1] = _ended(lines[start - 1], newline)
        added = [*release_heading, *below, *fallback, *gap]
    lines[start:end] = added  # only blank lines are replaced: the link lines below move down
    moved = len(added) - (end - start)
    links = [i if i < start else i + moved for i in _scan(text, path).link_lines]
    return "".join(_update_links(lines, links, newline, version, tag, previous_tag, style))


def _update_links(
    lines: list[str],
    candidates: list[int],
    newline: str,
    version: str,
    tag: str,
    previous_tag: str | None,
    style: ChangelogStyle,
) -> list[str]:
    """The link references with the new release's (and Unreleased's moved on): none added
    where the headings carry their own link (release-please's `## [1.2.3](…) (date)`)."""
    links = [(index, _LINK.match(_strip(lines[index]))) for index in candidates]
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
        label = style.label.format(version=version)
        lines.insert(index + 1, f"[{label}]:{space}{wrap(release)}{newline}")
        return lines
    if versioned is not None and "](" not in style.heading:  # older ones: an earlier tool's
        index, match = versioned
        url = match["url"].strip("<>")
        found = _COMPARE.match(url) or _RELEASE_TAG.match(url)
        if found is not None:
            release = _release_url(found["base"], tag, previous_tag, style.link)
            label = style.label.format(version=version)
            lines.insert(index, f"[{label}]:{match['space'] or ' '}{wrap(release)}{newline}")
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


def newest_version(text: str, path: str = "CHANGELOG.md") -> str | None:
    """The version of the topmost section that names one (normalized), reading the file only
    as far as that heading; None in a changelog without one."""
    heading = next((h for h in _scan(text, path).headings if h.version is not None), None)
    return heading.version if heading is not None else None


def has_unreleased_entries(text: str) -> bool:
    """Whether the Unreleased section lists anything."""
    lines, headings = _read(text)
    unreleased = _unreleased_heading(headings)
    if unreleased is None:
        return False
    body = lines[_body_start(unreleased) : _section_end(lines, headings, unreleased)]
    return any(_strip(line).strip() for line in body)


def withdraw_section(text: str, version: str, path: str = "CHANGELOG.md") -> str:
    """The changelog without `version`'s section and its link reference: a version prepared
    again, whose generated section is made anew from every commit since the last release."""
    wanted = _valid(version)
    lines, headings = _read(text, path)
    heading = next((h for h in headings if h.version == wanted and wanted), None)
    if heading is None:
        return text
    end = _section_end(lines, headings, heading)
    label = re.compile(rf"^\s*\[v?{re.escape(heading.title_version or version)}\]:", re.I)
    kept = [line for line in lines[: heading.line] + lines[end:] if not label.match(_strip(line))]
    return "".join(kept)


def fold_unreleased_into(text: str, version: str, path: str = "CHANGELOG.md") -> str:
    """The changelog with Unreleased's entries moved to the end of `version`'s section (which
    exists: written ahead by hand, or kept from an earlier prepare of the version); Unreleased
    stays, empty. Unchanged when Unreleased lists nothing."""
    lines, headings = _read(text, path)
    unreleased = _unreleased_heading(headings)
    wanted = _valid(version)
    target = next((h for h in headings if h.version == wanted and wanted), None)
    if unreleased is None or target is None or not has_unreleased_entries(text):
        return text
    start, end = _body_start(unreleased), _section_end(lines, headings, unreleased)
    entries = [line for line in lines[start:end]]
    newline = newline_of(text)
    gap = [newline] * max(1, _blank_lines_before(lines, target.line))
    target_end = _section_end(lines, headings, target)
    at = target_end
    while at > _body_start(target) and not _strip(lines[at - 1]).strip():
        at -= 1
    while entries and not _strip(entries[-1]).strip():
        entries.pop()
    while entries and not _strip(entries[0]).strip():
        entries.pop(0)
    moved = [newline, *(_ended(line, newline) for line in entries)]
    if target.line > unreleased.line:  # the usual order: Unreleased above the release
        lines[at:at] = moved
        lines[start:end] = gap
    else:
        lines[start:end] = gap
        lines[at:at] = moved
    return "".join(lines)


def add_unreleased_entries(text: str, entries: str, path: str = "CHANGELOG.md") -> str:
    """The changelog with `entries` (Markdown) added at the end of Unreleased (unchanged
    without an Unreleased heading)."""
    return _add_entries(text, lambda heading: heading.unreleased, entries, path)


def add_unreleased_prose(text: str, prose: str, path: str = "CHANGELOG.md") -> str:
    """The changelog with `prose` (Markdown, a release-notes file's) first in Unreleased,
    above the entries written there (unchanged without an Unreleased heading)."""
    lines, headings = _read(text, path)
    target = next((h for h in headings if h.unreleased), None)
    if target is None or not prose.strip():
        return text
    at = _body_start(target)
    end = _section_end(lines, headings, target)
    while at < end and not _strip(lines[at]).strip():
        at += 1
    newline = newline_of(text)
    added = [f"{line}{newline}" for line in prose.strip("\n").splitlines()]
    lines[at:at] = [*added, newline]
    return "".join(lines)


def add_section_entries(text: str, version: str, entries: str, path: str = "CHANGELOG.md") -> str:
    """The changelog with `entries` (Markdown) added at the end of `version`'s section
    (unchanged without that section)."""
    wanted = _valid(version)
    return _add_entries(
        text, lambda heading: bool(wanted) and heading.version == wanted, entries, path
    )


def _add_entries(text: str, which: Callable[[Heading], bool], entries: str, path: str) -> str:
    lines, headings = _read(text, path)
    target = next((h for h in headings if which(h)), None)
    if target is None or not entries.strip():
        return text
    at = _section_end(lines, headings, target)
    while at > _body_start(target) and not _strip(lines[at - 1]).strip():
        at -= 1
    newline = newline_of(text)
    lines[at - 1] = _ended(lines[at - 1], newline)
    lines[at:at] = [newline, *(f"{line}{newline}" for line in entries.strip("\n").splitlines())]
    return "".join(lines)


def has_unreleased_heading(text: str, path: str = "CHANGELOG.md") -> bool:
    """Whether the changelog has an Unreleased section (where entries are written by hand)."""
    return any(h.unreleased for h in _scan(text, path).headings)


def add_section_preface(text: str, version: str, paragraph: str, path: str = "CHANGELOG.md") -> str:
    """The changelog with `paragraph` first in `version`'s section, above its entries, or in
    place of a generated section's "No notable changes." (unchanged without that section, or
    when the section holds the paragraph already)."""
    lines, headings = _read(text, path)
    wanted = _valid(version)
    target = next((h for h in headings if wanted and h.version == wanted), None)
    if target is None or not paragraph.strip() or paragraph.strip() in text:
        return text
    at, end = _body_start(target), _section_end(lines, headings, target)
    newline = newline_of(text)
    added = [f"{line}{newline}" for line in paragraph.strip("\n").splitlines()]
    filled = [i for i in range(at, end) if _strip(lines[i]).strip()]
    if len(filled) == 1 and _strip(lines[filled[0]]).strip() == NO_NOTABLE_CHANGES:
        lines[filled[0] : filled[0] + 1] = added
        return "".join(lines)
    lines[at - 1] = _ended(lines[at - 1], newline)
    added.insert(0, newline)
    if at < len(lines) and _strip(lines[at]).strip():
        added.append(newline)
    lines[at:at] = added
    return "".join(lines)
