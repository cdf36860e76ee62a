"""Release tag formats: which one a repository's tags follow, decided from the tag names alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import InvalidVersion

if TYPE_CHECKING:
    from poetry.core.constraints.version import Version

DEFAULT_FORMAT = "v{version}"

# A version as a tag spells it: digits first (an epoch's too), so `v1.2` never reads as `1.2`.
_VERSION_TEXT = r"(?P<version>[0-9][0-9A-Za-z.!+_-]*)"


def candidate_formats(name: str, folder: str = "") -> tuple[str, ...]:
    """The tag formats real projects use, for a project called `name` (in the repository's
    `folder`, for a project in a subfolder: `libs/genai/v{version}`)."""
    normalized = re.sub(r"[-_.]+", "-", name).lower()
    names = dict.fromkeys([name, normalized, normalized.replace("-", "_")])
    prefixed = [f"{n}{sep}{{version}}" for n in names for sep in ("-v", "-", "_v", "_")]
    located = [f"{folder}/v{{version}}", f"{folder}/{{version}}"] if folder else []
    return (
        "v{version}",
        "{version}",
        *prefixed,
        *located,
        "release-v{version}",
        "release-{version}",
    )


def names_project(tag_format: str, name: str, folder: str = "") -> bool:
    """Whether a tag format is the project's own: what stands before `{version}`, less the
    separator (`-v`, `_`, `/v`, ...), is its name or its folder (its path, or the folder's
    own name), so its tags are told from other projects' in one repository. Parsed, not
    searched: `pkg-extra-v{version}` is not `pkg`'s."""
    head, found, _ = tag_format.partition("{version}")
    if not found:
        return False
    named = _normalized(_SEPARATOR.sub("", head))
    own = [name, *([folder, folder.rsplit("/", 1)[-1]] if folder else [])]
    return bool(named) and any(named == _normalized(part) for part in own if part)


# What joins a project's name to the version in a tag: `-v`, `_v`, `/v`, `-`, `_`, `/`, `@v`...
_SEPARATOR = re.compile(r"[-_/@.]?v?$")


def _normalized(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def tag_pattern(tag_format: str) -> re.Pattern[str]:
    """A pattern matching the tags of `tag_format`, the version in its `version` group."""
    head, _, tail = tag_format.partition("{version}")
    return re.compile(f"^{re.escape(head)}{_VERSION_TEXT}{re.escape(tail)}$")


def tag_version(tag_format: str, tag: str) -> Version | None:
    """The version a tag of `tag_format` marks, or None if it is not such a tag."""
    match = tag_pattern(tag_format).match(tag)
    if match is None:
        return None
    try:
        version = parse_version(match["version"])
    except InvalidVersion:
        return None
    # one number alone is a date, a build number or a floating major tag (`v1`), no release
    return version if version.minor is not None else None


@dataclass(frozen=True)
class TagFormatChoice:
    """The tag format in use, how it was decided, and from which tags."""

    tag_format: str
    source: str  # "configured", "inferred" or "default"
    evidence: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # every format some tag follows (ambiguity, warnings)
    warning: str | None = None
    origin: str = "tag-format"  # the setting a configured format came from

    @property
    def version_like_tags(self) -> bool:
        """Whether the repository has tags of some known format."""
        return bool(self.candidates)

    def describe(self) -> str:
        """One line for `status`."""
        if self.source == "configured":
            return f"{self.tag_format} ({self.origin})"
        if self.source == "default":
            return f"{self.tag_format} (default: no release tags yet)"
        shown = ", ".join(self.evidence[:3]) + (" ..." if len(self.evidence) > 3 else "")
        return f"{self.tag_format} (inferred from {shown})"


class AmbiguousTagFormat(Exception):
    """The tags follow more than one format equally well."""

    def __init__(self, candidates: dict[str, list[str]]) -> None:
        self.candidates = candidates
        super().__init__(candidates)


def tags_by_format(
    tags: list[str], name: str, folder: str = ""
) -> dict[str, list[tuple[Version, str]]]:
    """The tags of each candidate format (highest version first); formats without tags left out."""
    found: dict[str, list[tuple[Version, str]]] = {}
    for tag_format in candidate_formats(name, folder):
        matched = [
            (version, tag) for tag in tags if (version := tag_version(tag_format, tag)) is not None
        ]
        if matched:
            found[tag_format] = sorted(matched, key=lambda item: item[0], reverse=True)
    return found


def choose_tag_format(
    tags: list[str], name: str, version: str, configured: str | None = None, folder: str = ""
) -> TagFormatChoice:
    """The format of the project's release tags: `configured` if given (with a warning when it
    matches no tag while tags of other formats exist), else the format of the current version's
    tag, else of the highest earlier release's tag; `v{version}` for a repository without any.
    A project in a subfolder (`folder`) prefers formats that name it. Raises
    AmbiguousTagFormat when two formats tag the deciding version."""
    found = tags_by_format(tags, name, folder)
    if folder:
        own = {f: t for f, t in found.items() if names_project(f, name, folder)}
        found = own or found
    if configured is not None:
        mine = [tag for tag in tags if tag_version(configured, tag) is not None]
        others = sorted(set(found) - {configured})
        warning = None
        if not mine and others:
            seen = ", ".join(f"{f} ({found[f][0][1]})" for f in others)
            warning = f"tag-format {configured} matches no tag, but tags follow {seen}"
        return TagFormatChoice(configured, "configured", tuple(mine[:5]), tuple(others), warning)
    if not found:
        return TagFormatChoice(DEFAULT_FORMAT, "default")
    current = _parsed(version)
    deciding = _deciding_version(found, current)
    formats = {f: tags_ for f, tags_ in found.items() if any(v == deciding for v, _ in tags_)}
    if len(formats) > 1:
        raise AmbiguousTagFormat({f: [t for _, t in found[f][:3]] for f in formats})
    (chosen,) = formats
    evidence = tuple(tag for v, tag in found[chosen] if current is None or v <= current)
    return TagFormatChoice(chosen, "inferred", evidence[:5] or (found[chosen][0][1],), tuple(found))


def _deciding_version(
    found: dict[str, list[tuple[Version, str]]], current: Version | None
) -> Version:
    """The current version if some tag marks it, else the highest version below it."""
    versions = {v for tags in found.values() for v, _ in tags}
    if current is not None and current in versions:
        return current
    earlier = [v for v in versions if current is None or v < current]
    return max(earlier or versions)


def _parsed(text: str) -> Version | None:
    try:
        return parse_version(text)
    except InvalidVersion:
        return None
