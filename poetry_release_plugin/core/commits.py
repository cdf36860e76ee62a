"""Conventional Commits 1.0.0: parse messages, decide the bump, group them for release notes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import IntEnum
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


SECTIONS = (
    "Breaking Changes",
    "New Features",
    "Bug Fixes",
    "Improvements",
    "Dependencies",
    "Other Changes",
)
_SECTION_OF_TYPE = {
    "feat": "New Features",
    "fix": "Bug Fixes",
    "perf": "Improvements",
    "refactor": "Improvements",
    "deps": "Dependencies",
}
_OMITTED_TYPES = {"docs", "chore", "ci", "test", "tests", "style", "build"}


class NoteEntry(NamedTuple):
    """One line of release notes."""

    text: str
    sha: str


@dataclass
class GroupedChanges:
    """Release-note entries by section, in the order of SECTIONS."""

    sections: dict[str, list[NoteEntry]] = field(default_factory=dict)

    def add(self, section: str, entry: NoteEntry) -> None:
        """Add an entry to a section."""
        self.sections.setdefault(section, []).append(entry)

    def ordered(self) -> list[tuple[str, list[NoteEntry]]]:
        """The non-empty sections, breaking changes first."""
        return [(name, self.sections[name]) for name in SECTIONS if self.sections.get(name)]


def _entry_text(commit: ConventionalCommit) -> str:
    scope = f"**{commit.scope}:** " if commit.scope else ""
    return f"{scope}{commit.description}"


def changes_only(commits: Sequence[Commit], is_release: Callable[[str], bool]) -> list[Commit]:
    """The commits that describe changes, newest first: merges and release commits (a subject
    `is_release` knows) dropped. What decides the version, the generated changelog section,
    the notes and status's "commits since"."""
    return [c for c in commits if not c.is_merge and not is_release(c.subject)]


def group_changes(commits: list[Commit]) -> GroupedChanges:
    """Group commits into release-note sections (docs, chore, ci, test, style omitted)."""
    grouped = GroupedChanges()
    for commit in commits:
        parsed = parse_message(commit.message)
        short = commit.sha[:7]
        if parsed is None:
            grouped.add("Other Changes", NoteEntry(commit.subject, short))
        elif parsed.is_breaking:
            notes = parsed.breaking_notes or (parsed.description,)
            for note in notes:
                grouped.add("Breaking Changes", NoteEntry(_breaking_text(parsed, note), short))
        elif parsed.type == "build" and parsed.scope == "deps":
            grouped.add("Dependencies", NoteEntry(parsed.description, short))
        elif parsed.type in _SECTION_OF_TYPE:
            grouped.add(_SECTION_OF_TYPE[parsed.type], NoteEntry(_entry_text(parsed), short))
        elif parsed.type not in _OMITTED_TYPES:
            grouped.add("Other Changes", NoteEntry(_entry_text(parsed), short))
    return grouped


def _breaking_text(commit: ConventionalCommit, note: str) -> str:
    first_line = note.split("\n", 1)[0].strip()
    if first_line == commit.description:
        return f"**BREAKING:** {_entry_text(commit)}"
    return f"**BREAKING:** {_entry_text(commit)}: {first_line}"


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
    """Markdown sections (`### New Features` and their entries), without a version heading."""
    blocks = []
    for name, entries in grouped.ordered():
        lines = [f"### {name}", ""] + [f"- {entry.text} ({entry.sha})" for entry in entries]
        blocks.append(newline.join(lines))
    return (newline + newline).join(blocks)
