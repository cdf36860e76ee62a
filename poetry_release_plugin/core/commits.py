"""Conventional Commits 1.0.0: parse messages, decide the bump, group them for release notes."""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

_HEADER = re.compile(
    r"^(?P<type>[A-Za-z][\w-]*)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?: (?P<description>\S.*)$"
)
_FOOTER = re.compile(r"^(?P<token>BREAKING CHANGE|BREAKING-CHANGE|[\w-]+)(?:: | #)(?P<value>.*)$")
_BREAKING_TOKENS = ("BREAKING CHANGE", "BREAKING-CHANGE")


class Commit(NamedTuple):  # a history holds thousands: a tuple is the cheapest immutable value
    """A commit as git gives it: hash, number of parents and the whole message."""

    sha: str
    message: str
    parents: int = 1

    @property
    def subject(self) -> str:
        """The first line of the message."""
        return self.message.split("\n", 1)[0].strip()

    @property
    def is_merge(self) -> bool:
        """Whether the commit has more than one parent."""
        return self.parents > 1


class ConventionalCommit(NamedTuple):
    """A commit message that follows Conventional Commits."""

    type: str  # lower case
    scope: str | None
    description: str
    body: str = ""
    footers: tuple[tuple[str, str], ...] = ()
    bang: bool = False

    @property
    def breaking_notes(self) -> tuple[str, ...]:
        """The texts of its BREAKING CHANGE footers."""
        return tuple(value for token, value in self.footers if token in _BREAKING_TOKENS)

    @property
    def is_breaking(self) -> bool:
        """`!` before the colon, or a BREAKING CHANGE footer."""
        if self.bang or not self.footers:
            return self.bang
        return any(token in _BREAKING_TOKENS for token, _ in self.footers)


@functools.lru_cache(maxsize=1 << 16)  # the bump and the notes read the same commits
def parse_message(message: str) -> ConventionalCommit | None:
    """The Conventional Commit a message is, or None if its header does not follow the spec."""
    if "\r" in message:
        message = message.replace("\r\n", "\n")
    message = message.strip("\n")
    if "\n" not in message:  # most commits: a header alone
        header = _HEADER.match(message.strip())
        if header is None:
            return None
        kind, scope, bang, description = header.groups()
        return ConventionalCommit(
            kind.lower(), scope or None, description.strip(), "", (), bang is not None
        )
    lines = message.split("\n")
    header = _HEADER.match(lines[0].strip())
    if header is None:
        return None
    rest = lines[1:]
    footer_start = _footer_start(rest)
    body = "\n".join(rest[:footer_start]).strip("\n")
    return ConventionalCommit(
        type=header["type"].lower(),
        scope=header["scope"] or None,
        description=header["description"].strip(),
        body=body,
        footers=_parse_footers(rest[footer_start:]),
        bang=header["bang"] is not None,
    )


def _footer_start(lines: list[str]) -> int:
    """Where the footers begin: the trailing paragraphs that each open with a `token: ` line."""
    start = len(lines)
    paragraph_starts = [
        index
        for index, line in enumerate(lines)
        if line.strip() and index > 0 and not lines[index - 1].strip()
    ]
    for index in reversed(paragraph_starts):
        if not _FOOTER.match(lines[index]):
            break
        start = index
    return start


def _parse_footers(lines: list[str]) -> tuple[tuple[str, str], ...]:
    footers: list[tuple[str, list[str]]] = []
    for line in lines:
        match = _FOOTER.match(line)
        if match:
            footers.append((match["token"], [match["value"]]))
        elif footers:
            footers[-1][1].append(line)
    return tuple((token, "\n".join(value).strip()) for token, value in footers)


class Bump(IntEnum):
    """How far a set of changes moves the version."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


def bump_of(commit: ConventionalCommit | None) -> Bump:
    """The bump one commit implies: breaking major, feat minor, fix and perf patch."""
    if commit is None:
        return Bump.NONE
    if commit.is_breaking:
        return Bump.MAJOR
    if commit.type == "feat":
        return Bump.MINOR
    if commit.type in ("fix", "perf"):
        return Bump.PATCH
    return Bump.NONE


def bump_rule(commits: list[Commit], *, major: int, major_on_zero: bool) -> str | None:
    """Poetry's rule for these commits (`major`, `minor`, `patch`), or None if none is releasable.

    Below 1.0, a breaking change bumps the minor unless `major_on_zero`.
    """
    bump = max((bump_of(parse_message(c.message)) for c in commits), default=Bump.NONE)
    if bump is Bump.MAJOR and major == 0 and not major_on_zero:
        bump = Bump.MINOR
    return None if bump is Bump.NONE else bump.name.lower()


# Each kind of change, by the Conventional Commit type that says it (breaking ones apart).
_KIND_OF_TYPE = {
    "feat": "feat", "feature": "feat", "fix": "fix", "bugfix": "fix", "perf": "perf",
    "refactor": "refactor", "deps": "deps", "docs": "docs", "doc": "docs", "build": "build",
    "ci": "ci", "test": "test", "tests": "test", "style": "style", "chore": "chore",
    "revert": "revert",
}  # fmt: skip


class EntryOrder(Enum):
    """How a changelog orders the entries of a subsection."""

    NEWEST = "newest first"
    SCOPE = "by scope, then newest first"  # git-chglog's
    SCOPE_AND_TEXT = "by scope, then by text"  # conventional-changelog's (release-please)


@dataclass(frozen=True)
class Voice:
    """How a changelog writes a release's entries: its subsections in order, each with the
    kinds of change it holds (`feat`, `fix`, `breaking`, `other` for a message that is not a
    Conventional Commit, ...), how a scope is written, whether entries end with their commit,
    and the bullet."""

    sections: tuple[tuple[str, frozenset[str]], ...]
    scope: str = "**{scope}:** "
    hashes: bool = True
    bullet: str = "-"
    # What follows an entry with `hashes`: the short hash, or a link to the commit
    # (`([{short}](https://github.com/o/r/commit/{sha}))`, release-please's and semantic-release's)
    commit: str = " ({short})"
    after_subheading: int = 1  # blank lines between a subsection's heading and its entries
    between: int = 1  # blank lines between one subsection's entries and the next heading
    order: EntryOrder = EntryOrder.NEWEST
    sentence_case: bool = False  # each entry's text begins with a capital (release-please's)
    # How a pull request a subject ends with (`(#12)`) is written: as it is, or a link
    # (`([#{number}](https://github.com/o/r/issues/{number}))`, release-please's)
    pull: str = " (#{number})"
    breaking_twice: bool = False  # a breaking change also listed under its type's subsection
    breaking_commit: bool = True  # entries of the breaking subsection name their commit
    after_breaking: int | None = None  # blank lines below the breaking subsection (`between`)
    # A pull request and the commit in one parenthesis (semantic-release's
    # `([#12](…/pull/12), [`abc1234`](…/commit/<hash>))`), not one parenthesis each
    pull_joined: bool = False
    wrap: int | None = None  # the width entries are wrapped at (semantic-release's 100)
    indent: str = "  "  # what begins each continuation line of a wrapped entry
    between_entries: int = 0  # blank lines between one entry and the next

    def section_of(self, kind: str) -> str | None:
        """The subsection a kind of change goes under; None: the file lists none of it."""
        return next((name for name, kinds in self.sections if kind in kinds), None)


DEFAULT_VOICE = Voice(
    (
        ("Breaking Changes", frozenset({"breaking"})),
        ("New Features", frozenset({"feat"})),
        ("Bug Fixes", frozenset({"fix"})),
        ("Improvements", frozenset({"perf", "refactor"})),
        ("Dependencies", frozenset({"deps"})),
        ("Other Changes", frozenset({"other", "revert"})),
    )
)


_LINKS_AFTER = re.compile(r"\s*\((?:\[|#[0-9]).*$")


def sort_text(text: str) -> str:
    """An entry's text as sorted by scope and text: without the pull request and commit that
    follow it (the same text twice keeps its order, newest first)."""
    return _LINKS_AFTER.sub("", text)


class NoteEntry(NamedTuple):
    """One line of release notes: its text, the commit it comes from (full hash), its scope."""

    text: str
    sha: str
    scope: str = ""
    bare: bool = False  # written without its commit (a breaking note, where the file does so)


@dataclass
class GroupedChanges:
    """Release-note entries by section, in the voice's order."""

    sections: dict[str, list[NoteEntry]] = field(default_factory=dict)
    voice: Voice = DEFAULT_VOICE

    def add(self, section: str, entry: NoteEntry) -> None:
        """Add an entry to a section."""
        self.sections.setdefault(section, []).append(entry)

    def ordered(self) -> list[tuple[str, list[NoteEntry]]]:
        """The non-empty sections, in the voice's order; their entries newest first, or by
        scope (then newest first) in a voice that sorts them so."""
        names = [name for name, _kinds in self.voice.sections]
        found = [(name, self.sections[name]) for name in names if self.sections.get(name)]
        if self.voice.order is EntryOrder.SCOPE:
            return [(name, sorted(entries, key=lambda e: e.scope)) for name, entries in found]
        if self.voice.order is EntryOrder.SCOPE_AND_TEXT:
            return [
                (name, sorted(entries, key=lambda e: (e.scope, sort_text(e.text))))
                for name, entries in found
            ]
        return found


def _entry_text(commit: ConventionalCommit, voice: Voice = DEFAULT_VOICE) -> str:
    scope = voice.scope.format(scope=commit.scope) if commit.scope else ""
    text = commit.description
    if voice.sentence_case:
        text = text[:1].upper() + text[1:]
    pull = _PULL.search(text)
    if pull is not None:
        text = text[: pull.start()] + voice.pull.format(number=pull["number"])
    return f"{scope}{text}"


_PULL = re.compile(r"\s*\(#(?P<number>[0-9]+)\)$")


def names_version(message: str, version: str) -> bool:
    """Whether a commit message names `version` (`3.0.0`, `v3.0.0`; not `13.0.0`, `3.0.0b1`
    or `3.0.0.1`)."""
    return re.search(rf"(?<![\d.]){re.escape(version)}(?!\w|\.\w)", message) is not None


# Commits that change nothing by themselves: squashed into another before merging.
_FOLDED = re.compile(r"^(fixup|squash|amend)! ")
_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")


def changes_only(commits: Sequence[Commit], is_release: Callable[[str], bool]) -> list[Commit]:
    """The commits that describe changes, newest first: merges, release commits (a subject
    `is_release` knows), `fixup!` / `squash!` / `amend!` commits, and a commit reverted
    since together with its revert, dropped. What decides the version, the generated
    changelog section, the notes and status's "commits since"."""
    kept = [
        c
        for c in commits
        if not c.is_merge and not is_release(c.subject) and not _FOLDED.match(c.subject)
    ]
    reverted = {
        (match[1], c.sha) for c in kept if (match := _REVERTS.search(c.message)) is not None
    }
    dropped = {
        sha
        for short, revert in reverted
        for c in kept
        if c.sha.startswith(short)
        for sha in (c.sha, revert)
    }
    return [c for c in kept if c.sha not in dropped]


def group_changes(
    commits: list[Commit], voice: Voice = DEFAULT_VOICE, exclude: Sequence[str] = ()
) -> GroupedChanges:
    """Group commits into the voice's sections (a kind it has no section for is left out:
    docs, chore, ci, test, style by default); subjects matching an `exclude` pattern too."""
    grouped = GroupedChanges(voice=voice)
    excluded = re.compile("|".join(f"(?:{p})" for p in exclude)) if exclude else None
    for commit in commits:
        if excluded is not None and excluded.search(commit.subject):
            continue
        parsed = parse_message(commit.message)
        sha = commit.sha
        if parsed is None:
            section = voice.section_of("other")
            if section is not None:
                grouped.add(section, NoteEntry(commit.subject, sha))
            continue
        kind = _KIND_OF_TYPE.get(parsed.type, "other")
        scope = parsed.scope or ""
        if parsed.scope == "deps" and kind in ("build", "chore") and voice.section_of("deps"):
            kind = "deps"  # a file without a Dependencies section lists them under their type
        if parsed.is_breaking:
            notes = parsed.breaking_notes or (parsed.description,)
            own = voice.section_of("breaking")
            twice = own is not None and voice.breaking_twice
            section = own or voice.section_of(kind) or voice.section_of("other")
            if section is not None:
                for note in notes:
                    if twice:
                        text = _note_text(parsed, note, voice)
                    else:  # no section of its own: marked in its type's
                        text = _breaking_text(parsed, note, voice, marked=own is None)
                    bare = own is not None and not voice.breaking_commit
                    grouped.add(section, NoteEntry(text, sha, scope, bare))
            if not twice:
                continue
        section = voice.section_of(kind)
        if section is not None:
            text = parsed.description if kind == "deps" else _entry_text(parsed, voice)
            grouped.add(section, NoteEntry(text, sha, scope))
    return grouped


def _note_text(commit: ConventionalCommit, note: str, voice: Voice) -> str:
    """A breaking change's note as release-please writes it: the scope and the note's first
    line as said (its case kept), a pull request linked."""
    scope = voice.scope.format(scope=commit.scope) if commit.scope else ""
    text = note.split("\n", 1)[0].strip()
    pull = _PULL.search(text)
    if pull is not None:
        text = text[: pull.start()] + voice.pull.format(number=pull["number"])
    return f"{scope}{text}"


def _breaking_text(
    commit: ConventionalCommit, note: str, voice: Voice, *, marked: bool = True
) -> str:
    first_line = note.split("\n", 1)[0].strip()
    mark = "**BREAKING:** " if marked or voice is DEFAULT_VOICE else ""
    if first_line == commit.description:
        return f"{mark}{_entry_text(commit, voice)}"
    return f"{mark}{_entry_text(commit, voice)}: {first_line}"


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def release_commit_matcher(commit_message_template: str) -> re.Pattern[str]:
    """A pattern matching subjects of release commits made from the template (its first line;
    each placeholder a word: `bump: version {previous_version} → {version}`)."""
    first_line = commit_message_template.replace("{{", "\0").replace("}}", "\1")
    first_line = first_line.split("\n", 1)[0]
    parts = _PLACEHOLDER.split(first_line)
    literal = [re.escape(part.replace("\0", "{").replace("\1", "}")) for part in parts[::2]]
    return re.compile("^" + r"\S+".join(literal) + "$")


def message_template(subject: str, version: str, previous: str | None = None) -> str | None:
    """The template a release commit's subject was made from: its version `{version}`, the
    version before it `{previous_version}`, a pull request's trailing `(#123)` left out; None
    when the subject does not name the version."""

    def spelled(text: str) -> re.Pattern[str]:
        return re.compile(rf"(?<![0-9.]){re.escape(text)}(?![0-9A-Za-z.])")

    text = re.sub(r"\s*\(#[0-9]+\)$", "", subject).replace("{", "{{").replace("}", "}}")
    text, found = spelled(version).subn("{version}", text)
    if not found:
        return None
    return spelled(previous).sub("{previous_version}", text) if previous else text


_VERSION_TOKEN = re.compile(r"v?[0-9]+(?:\.[0-9]+)+[0-9A-Za-z.!+_-]*")


def release_subject_matcher(
    commit_message_template: str, examples: Sequence[str] = ()
) -> Callable[[str], bool]:
    """Whether a subject is a release commit's: made from the template, or shaped like one of
    the `examples` (subjects of earlier release commits, their versions in any place)."""
    patterns = [release_commit_matcher(commit_message_template).pattern]
    for example in examples:
        parts = _VERSION_TOKEN.split(example)
        if len(parts) > 1:  # a subject that names no version says nothing of the shape
            patterns.append("^" + r"\S+".join(map(re.escape, parts)) + "$")
    matcher = re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(patterns)))
    return lambda subject: matcher.match(subject) is not None


def render_sections(grouped: GroupedChanges, newline: str = "\n") -> str:
    """Markdown sections (`### New Features` and their entries), without a version heading,
    in the voice of the changelog they go into (its blank lines, entry and commit shape)."""
    voice, text = grouped.voice, ""
    breaking = voice.section_of("breaking")
    below = voice.between
    for name, entries in grouped.ordered():
        listed = (newline * (voice.between_entries + 1)).join(
            _entry_line(entry, voice, newline) for entry in entries
        )
        lines = [f"### {name}", *[""] * voice.after_subheading, listed]
        text += (newline * (below + 1) if text else "") + newline.join(lines)
        below = voice.between
        if name == breaking and voice.after_breaking is not None:
            below = voice.after_breaking
    return text


_LINKED_PULL = re.compile(r"\]\([^()\s]*/(?:issues|pull)/[0-9]+\)\)$")


def _entry_line(entry: NoteEntry, voice: Voice, newline: str) -> str:
    """One entry as the file writes it: its bullet, text and commit (in the parenthesis of its
    pull request where the file joins them), wrapped at the file's width."""
    line = f"{voice.bullet} {entry.text}"
    if voice.hashes and not entry.bare:
        commit = voice.commit.format(short=entry.sha[:7], sha=entry.sha)
        if voice.pull_joined and _LINKED_PULL.search(line) and commit.startswith(" ("):
            line = f"{line[:-1]}, {commit[2:]}"
        else:
            line += commit
    if voice.wrap is None:
        return line
    return newline.join(
        textwrap.wrap(
            line,
            voice.wrap,
            subsequent_indent=voice.indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )
