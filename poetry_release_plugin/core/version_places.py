"""Every place a project's version lives besides pyproject.toml's version tables, read and
rewritten the project's own way: a Python module's version names, a TOML or YAML key, the
lines a pattern picks, a search text, or each mention in a file. Only the version changes:
every other byte is kept. Pure: texts in, texts out."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import String

from poetry_release_plugin.core.sources import (
    VersionAssignments,
    find_version_assignments,
    table_at,
    write_version_file,
)
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from poetry.core.constraints.version import Version


class PlaceKind(Enum):
    """How a place holds the version."""

    PYTHON = "python"  # a module's version names (`__version__`, `VERSION`, ...)
    TOML = "toml"  # a dotted key of a TOML file
    YAML = "yaml"  # a dotted key of a YAML file's block mappings
    LINES = "lines"  # the version in each line a regular expression matches (commitizen's)
    SEARCH = "search"  # a text around `{version}`, and what replaces it (bump-my-version's)
    TEXT = "text"  # every mention of the version in the file


@dataclass(frozen=True)
class PlaceSpec:
    """A place as configured (or found): the file, how it holds the version, who said so."""

    path: str  # relative to the project's folder, with forward slashes
    kind: PlaceKind
    pattern: str = ""  # the key, the regular expression, the search text or the Python name
    replace: str = ""  # SEARCH: the replacement, `{version}` being the new version
    source: str = "version-files"
    optional: bool = False  # a missing file or version skips it (bump-my-version's ignore_*)

    def describe(self) -> str:
        """The place as the user would write it in version-files."""
        if self.kind is PlaceKind.SEARCH:
            return f"{self.path} (search {self.pattern!r})"
        return f"{self.path}:{self.pattern}" if self.pattern else self.path


@dataclass(frozen=True)
class PlaceReading:
    """What a place holds: its version, the lines (1-based) it sits on, and for a Python
    module the names an import would read it from."""

    version: str
    lines: tuple[int, ...]
    names: tuple[str, ...] = ()


# --- Mentions of a version in any text -------------------------------------------------------

# A version token as projects write it (PEP 440's public forms and common looser ones).
VERSION_TOKEN = r"\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)\.?\d*)?" + (
    r"(?:[-_.]?(?:post|rev|r)\.?\d*)?(?:[-_.]?dev\.?\d*)?(?:\+[A-Za-z0-9.]+)?"
)


# What may not follow a version for it to be that version: a letter or digit, a local part,
# more release numbers, or a pre-, post- or dev-release segment (`1.0.0.post1`, `1.0.0-rc1`).
_NOT_CONTINUED = r"(?![\w+]|[._-]\d|[._-]?(?:a|b|c|rc|alpha|beta|pre|preview|post|rev|r|dev)\d)"


def semver_spelling(version: str) -> str:
    """A PEP 440 version as Cargo (SemVer) must write it, and reads back as the same version:
    three release numbers, the rest after a `-` (`3.2.0.dev0` -> `3.2.0-dev0`, `1.0a1` ->
    `1.0.0-a1`). An epoch has no SemVer spelling."""
    match = re.fullmatch(
        r"(\d+(?:\.\d+)*)([-_.]?[A-Za-z][A-Za-z0-9.]*)?(\+[A-Za-z0-9.]+)?", version
    )
    if match is None:
        raise ProjectError(
            f"{version} has no SemVer spelling (Cargo.toml needs one)",
            "release a version without an epoch, or leave Cargo.toml out of version-files",
        )
    release, rest, local = match[1].split("."), (match[2] or "").lstrip(".-_"), match[3] or ""
    release += ["0"] * (3 - len(release))
    return ".".join(release) + (f"-{rest}" if rest else "") + local


def spellings(version: str) -> tuple[str, ...]:
    """The ways a project may write `version`: as it is, and as SemVer (Cargo.toml)."""
    try:
        return tuple(dict.fromkeys((version, semver_spelling(version))))
    except ProjectError:
        return (version,)


def mention_pattern(version: str) -> re.Pattern[str]:
    """The version as a whole token, in any of its spellings: `v1.2.3` and `pkg-1.2.3`
    mention 1.2.3; `1.2.30`, `11.2.3`, `1.2.3.4`, `1.2.3a1` and `dev1.2.3` do not;
    `3.2.0-dev0` mentions 3.2.0.dev0."""
    written = "|".join(re.escape(spelling) for spelling in spellings(version))
    return re.compile(rf"(?<![\w.])[vV]?({written}){_NOT_CONTINUED}")


def mentions(text: str, version: str) -> list[tuple[int, int, int]]:
    """Each mention of `version` in `text`: (line number, start, end) of the version itself."""
    starts = _line_starts(text)
    found = []
    for match in mention_pattern(version).finditer(text):
        line = _line_of(starts, match.start(1))
        found.append((line, match.start(1), match.end(1)))
    return found


def _line_starts(text: str) -> list[int]:
    return [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low + 1


def _replace_spans(text: str, spans: list[tuple[int, int]], new: str) -> str:
    """`text` with each span replaced by `new`, in one pass (a file may hold thousands)."""
    parts, position = [], 0
    for start, end in sorted(set(spans)):
        if start >= position:
            parts += [text[position:start], new]
            position = end
    return "".join([*parts, text[position:]])


# --- Reading and writing a place -------------------------------------------------------------


def read_place(spec: PlaceSpec, text: str, current: str) -> PlaceReading:
    """What `spec` holds in `text`; `current` (pyproject.toml's version) is the version a
    mention or a pattern looks for first. Raises ProjectError, naming the place, when it
    holds no version."""
    reading = _READERS[spec.kind](spec, text, current)
    if reading is None:
        raise ProjectError(
            f"{spec.describe()} ({spec.source}) holds no version: "
            f"{_NOTHING[spec.kind].format(current=current)}",
            f"fix the entry in {spec.source}, or put the version back in {spec.path}",
        )
    return reading


def write_place(spec: PlaceSpec, text: str, old: str, new: Version) -> str:
    """`text` with the version `old` that `spec` holds replaced by `new`, nothing else."""
    if spec.kind is PlaceKind.PYTHON:
        return write_version_file(text, spec.path, new, name=spec.pattern or None)
    if spec.kind is PlaceKind.TOML:
        return _write_toml(spec, text, new.text)
    if spec.kind is PlaceKind.SEARCH:
        replacement = _filled(spec.replace or spec.pattern, new.text, spec)
        return _replace_spans(text, _search_spans(spec, text, old, whole=True), replacement)
    return _replace_spans(text, _spans(spec, text, old), new.text)


_NOTHING = {
    PlaceKind.PYTHON: "no version name (__version__, VERSION, ...) is assigned a string",
    PlaceKind.TOML: "the key is missing or not a string",
    PlaceKind.YAML: "the key is missing or not a plain value",
    PlaceKind.LINES: "no line it matches holds a version",
    PlaceKind.SEARCH: "the search text with {current} is not in the file",
    PlaceKind.TEXT: "{current} is not mentioned in the file",
}


def _read_python(spec: PlaceSpec, text: str, current: str) -> PlaceReading | None:
    found = find_version_assignments(text, spec.path, name=spec.pattern or None)
    if found is None:
        return None
    return PlaceReading(found.version, _python_lines(text, found), found.names)


def _python_lines(text: str, found: VersionAssignments) -> tuple[int, ...]:
    starts = _line_starts(text)
    spans = [found.version_span, *found.more_spans]
    if found.info_span is not None:
        spans.append(found.info_span)
    return tuple(sorted({_line_of(starts, span.start) for span in spans}))


def _read_toml(spec: PlaceSpec, text: str, current: str) -> PlaceReading | None:
    value = _toml_value(spec, text)
    if value is None:
        return None
    # The key's own line: the one that changes when the key alone is given another value
    # (dotted keys and inline tables included; any other `version = "…"` line is not it).
    marked = _set_toml(spec, text, "\u2063").splitlines()
    lines = tuple(n for n, line in enumerate(text.splitlines(), 1) if marked[n - 1 : n] != [line])
    return PlaceReading(value, lines)


def _toml_value(spec: PlaceSpec, text: str) -> str | None:
    try:
        item: object = tomlkit.parse(text).unwrap()
    except TOMLKitError as error:
        raise ProjectError(
            f"{spec.path} is not valid TOML ({error})", f"fix {spec.path}, then run again"
        ) from None
    item = table_at(item, *spec.pattern.split("."))
    if not isinstance(item, str):
        return None
    return item[1:] if re.match(r"[vV]\d", item) else item


def _write_toml(spec: PlaceSpec, text: str, new: str) -> str:
    if spec.path.rsplit("/", 1)[-1] == "Cargo.toml":
        new = semver_spelling(new)  # Cargo refuses PEP 440's own spelling of a pre-release
    return _set_toml(spec, text, new)


def _set_toml(spec: PlaceSpec, text: str, new: str) -> str:
    """The TOML text with the key's string set to `new` (its quote style and `v` kept)."""
    document = tomlkit.parse(text)
    *tables, last = spec.pattern.split(".")
    holder: dict[str, object] = document
    for key in tables:
        holder = holder[key]  # type: ignore[assignment]
    old = holder[last]
    literal = isinstance(old, String) and old.type.name == "SLL"
    prefix = str(old)[0] if re.match(r"[vV]\d", str(old)) else ""
    holder[last] = tomlkit.string(prefix + new, literal=literal)
    return tomlkit.dumps(document)


_YAML_KEY = re.compile(r"^(?P<indent> *)(?P<key>[\"']?[^\s:#\"'][^:#]*?[\"']?)\s*:(?:\s+|$)")
_YAML_VALUE = re.compile(r"(?P<quote>[\"']?)(?P<value>[^\"'#\s]+)(?P=quote)(?=\s*(?:#.*)?$)")


def _yaml_span(spec: PlaceSpec, text: str) -> tuple[int, int, int] | None:
    """(line number, start, end) of the plain value at the dotted key of a YAML file's block
    mappings; None where the key is missing or holds something else."""
    lines = text.splitlines(keepends=True)
    offsets = _line_starts(text)
    first, last, indent = 0, len(lines), -1
    keys = spec.pattern.split(".")
    for depth, key in enumerate(keys):
        block_indent = None
        for number in range(first, last):
            line = lines[number]
            if not line.strip() or line.lstrip().startswith(("#", "---")):
                continue
            match = _YAML_KEY.match(line)
            width = len(line) - len(line.lstrip(" "))
            if width <= indent:
                break
            if block_indent is None:
                block_indent = width
            if width != block_indent or match is None or match["key"].strip("\"'") != key:
                continue
            if depth == len(keys) - 1:
                rest = line[match.end() :].rstrip("\r\n")
                value = _YAML_VALUE.match(rest)
                if value is None:
                    return None
                start = offsets[number] + match.end() + value.start("value")
                if re.match(r"[vV]\d", value["value"]):
                    start += 1  # `tag: v1.2.3`: the version follows its `v`
                return number + 1, start, offsets[number] + match.end() + value.end("value")
            first, indent = number + 1, width
            last = next(
                (
                    after
                    for after in range(number + 1, len(lines))
                    if lines[after].strip()
                    and not lines[after].lstrip().startswith("#")
                    and len(lines[after]) - len(lines[after].lstrip(" ")) <= width
                ),
                len(lines),
            )
            break
        else:
            return None
        if first > last or block_indent is None:
            return None
    return None


def _read_yaml(spec: PlaceSpec, text: str, current: str) -> PlaceReading | None:
    span = _yaml_span(spec, text)
    if span is None:
        return None
    line, start, end = span
    return PlaceReading(text[start:end], (line,))


def _read_lines(spec: PlaceSpec, text: str, current: str) -> PlaceReading | None:
    spans = _spans(spec, text, current) or _spans(spec, text, None)
    if not spans:
        return None
    starts = _line_starts(text)
    version = text[spans[0][0] : spans[0][1]]
    return PlaceReading(version, tuple(sorted({_line_of(starts, s) for s, _e in spans})))


def _read_text(spec: PlaceSpec, text: str, current: str) -> PlaceReading | None:
    found = mentions(text, current)
    if not found:
        return None
    return PlaceReading(current, tuple(sorted({line for line, _s, _e in found})))


def _spans(spec: PlaceSpec, text: str, version: str | None) -> list[tuple[int, int]]:
    """Where the version sits in the place: `version` where given, else any version token
    (what a LINES or SEARCH place holds when it is not the current version)."""
    token = re.escape(version) if version is not None else VERSION_TOKEN
    if spec.kind is PlaceKind.SEARCH:
        return _search_spans(spec, text, version)
    if spec.kind is PlaceKind.LINES:
        chooser = _line_pattern(spec)
        whole = re.compile(rf"(?<![\w.])[vV]?({token}){_NOT_CONTINUED}")
        spans: list[tuple[int, int]] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            if chooser.search(line):
                spans.extend((offset + m.start(1), offset + m.end(1)) for m in whole.finditer(line))
            offset += len(line)
        if version is None:  # the version the place holds: the first token on its lines
            spans = spans[:1]
        return spans
    if version is None:
        return []
    if spec.kind is PlaceKind.YAML:
        span = _yaml_span(spec, text)
        return [] if span is None else [(span[1], span[2])]
    return [(start, end) for _line, start, end in mentions(text, version)]


def _search_spans(
    spec: PlaceSpec, text: str, version: str | None, *, whole: bool = False
) -> list[tuple[int, int]]:
    """Where a SEARCH place's text is found holding `version` (any version when None): the
    version's span in each, or with `whole` the span of the whole search text."""
    token = re.escape(version) if version is not None else VERSION_TOKEN
    before, _, after = _filled(spec.pattern, "\0", spec).partition("\0")
    pattern = re.compile(rf"{re.escape(before)}({token}){_NOT_CONTINUED}{re.escape(after)}")
    return [match.span(0 if whole else 1) for match in pattern.finditer(text)]


def _line_pattern(spec: PlaceSpec) -> re.Pattern[str]:
    try:
        return re.compile(spec.pattern)
    except re.error as error:
        raise ProjectError(
            f"{spec.describe()} ({spec.source}): {spec.pattern!r} is not a regular "
            f"expression ({error})",
            f"fix the pattern in {spec.source}",
        ) from None


_PLACEHOLDERS = re.compile(r"\{(\w*)\}")
VERSION_PLACEHOLDERS = frozenset({"version", "current_version", "new_version"})


def _filled(template: str, version: str, spec: PlaceSpec) -> str:
    """A search or replace text with its version placeholder filled (`{version}`, or
    bump-my-version's `{current_version}` / `{new_version}`); `{{` and `}}` are braces."""

    def fill(match: re.Match[str]) -> str:
        if match[1] not in VERSION_PLACEHOLDERS:
            raise ProjectError(
                f"{spec.describe()} ({spec.source}) uses {{{match[1]}}}, which is not known",
                "write {version} where the version goes (the current one in search, the new "
                "one in replace)",
            )
        return version

    escaped = template.replace("{{", "\1").replace("}}", "\2")
    return _PLACEHOLDERS.sub(fill, escaped).replace("\1", "{").replace("\2", "}")


def _read_search(spec: PlaceSpec, text: str, current: str) -> PlaceReading | None:
    if not _PLACEHOLDERS.search(spec.pattern.replace("{{", "").replace("}}", "")):
        raise ProjectError(
            f"{spec.describe()} ({spec.source}) has no {{version}} in its search text",
            "write {version} where the version goes, for example 'rev: v{version}'",
        )
    return _read_lines(spec, text, current)


_READERS = {
    PlaceKind.PYTHON: _read_python,
    PlaceKind.TOML: _read_toml,
    PlaceKind.YAML: _read_yaml,
    PlaceKind.LINES: _read_lines,
    PlaceKind.SEARCH: _read_search,
    PlaceKind.TEXT: _read_text,
}


# --- Entries of version-files ----------------------------------------------------------------

YAML_SUFFIXES = (".yaml", ".yml", ".cff")
_NAME = re.compile(r"^[A-Za-z_]\w*$")
_DOTTED = re.compile(r"^[\w-]+(?:\.[\w-]+)*$")


def _relative(path: str, source: str) -> str:
    """A place's path as one spelling: relative, normalised (`./x.txt` is `x.txt`)."""
    import posixpath

    if not path or path.startswith("/") or re.match(r"[A-Za-z]:[\\/]", path):
        raise ProjectError(
            f"{source} names {path!r}, which is not a path relative to the project's folder",
            "write the path from the folder pyproject.toml is in, for example src/pkg/_version.py",
        )
    return posixpath.normpath(path)


def place_from_entry(entry: object, source: str = "version-files") -> PlaceSpec:
    """One entry of version-files: `path` (a Python module's version names, or every mention
    in another file), `path:key` (a dotted key of a TOML or YAML file, a name in a Python
    module), `path:regex` (the version on the lines it matches), or a table `{path, search,
    replace}`."""
    if isinstance(entry, dict):
        path, search = entry.get("path"), entry.get("search")
        replace = entry.get("replace", "")
        if not isinstance(path, str) or not isinstance(search, str) or not isinstance(replace, str):
            raise ProjectError(
                f"{source} holds {entry!r}, which is not {{ path, search, replace }}",
                'write { path = "README.md", search = "pkg=={version}" } (replace is optional)',
            )
        spec = PlaceSpec(_relative(path, source), PlaceKind.SEARCH, search, replace, source)
        for text in (search, replace or search):
            if "\0" not in _filled(text, "\0", spec):
                raise ProjectError(
                    f"{source}: {text!r} (for {path}) has no {{version}}",
                    "write {version} where the version goes, in search and in replace",
                )
        return spec
    if not isinstance(entry, str) or not entry.strip():
        raise ProjectError(
            f"{source} holds {entry!r}, which is not a path",
            'write "path", "path:key" or { path = "...", search = "...{version}..." }',
        )
    path, _, pattern = entry.partition(":")
    path = _relative(path, source)
    if path.endswith(".py"):
        if pattern and not _NAME.match(pattern):
            raise ProjectError(
                f"{source} holds {entry!r}: {pattern!r} is not a Python name",
                f'write "{path}" (its version names) or "{path}:NAME"',
            )
        return PlaceSpec(path, PlaceKind.PYTHON, pattern, source=source)
    if not pattern:
        return PlaceSpec(path, PlaceKind.TEXT, source=source)
    if path.endswith(".toml") and _DOTTED.match(pattern):
        return PlaceSpec(path, PlaceKind.TOML, pattern, source=source)
    if path.endswith(YAML_SUFFIXES) and _DOTTED.match(pattern):
        return PlaceSpec(path, PlaceKind.YAML, pattern, source=source)
    return PlaceSpec(path, PlaceKind.LINES, pattern, source=source)


# --- Mentions found in the project's files ---------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A line of a tracked file that mentions the current version, and what it is."""

    path: str
    line: int
    text: str
    verdict: str = ""  # "written", "ignored", "skipped" or "unknown"
    reason: str = ""  # who decided, or why it is skipped
    entry: str = ""  # for an unknown one, the version-files entry that would write it

    def where(self) -> str:
        """`path:line`."""
        return f"{self.path}:{self.line}"


_TOML_TABLE = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")
_PYTHON_NAME = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=]+)?=[^=]")


def suggested_entry(path: str, line: int, text: str) -> str:
    """The `version-files` entry that writes the version on line `line` (1-based) of a file
    holding `text`: a TOML file's dotted key (`rust/Cargo.toml:package.version`), a module's
    top-level name (`docs/conf.py:release`), else the whole file (`README.md`)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return path
    own = lines[line - 1]
    if path.endswith(".toml") and (key := _TOML_KEY.match(own)) is not None:
        table = ""
        for above in reversed(lines[: line - 1]):
            if above.lstrip().startswith("[["):
                return path  # an array of tables: no dotted key names one of them
            if (header := _TOML_TABLE.match(above)) is not None:
                table = header["name"].strip() + "."
                break
        dotted = re.sub(r"\s*\.\s*", ".", key["key"])
        return f"{path}:{table.replace(' ', '')}{dotted}"
    if path.endswith(".py") and (name := _PYTHON_NAME.match(own)) is not None:
        return f"{path}:{name['name']}"
    return path


# Files and folders whose mentions of a version are history or someone else's.
CHANGELOG_NAMES = frozenset(
    {
        "changelog",
        "changes",
        "history",
        "news",
        "release-notes",
        "releasenotes",
        "release_notes",
        "releases",
        "whatsnew",
        "whats-new",
        "release",
    }
)
NOTES_FOLDERS = frozenset(
    {
        "changelog.d",
        "changes",
        "newsfragments",
        "news",
        "release-notes",
        "releasenotes",
        "whatsnew",
        "changelog",
        "history",
    }
)
LOCK_FILES = frozenset(
    {
        "poetry.lock",
        "package-lock.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "npm-shrinkwrap.json",
        "pdm.lock",
        "uv.lock",
        "pylock.toml",
        "Cargo.lock",
    }
)
VENDORED_FOLDERS = frozenset(
    {
        "_vendor",
        "vendor",
        "vendored",
        "_vendored",
        "third_party",
        "thirdparty",
        "_extern",
        "extern",
        "node_modules",
        "site-packages",
    }
)
TEST_FOLDERS = frozenset({"tests", "test", "testing", "fixtures", "testdata", "test_data"})
# Grep-time exclusions (pathspec globs): lock files and changelog-like files never count.
NEVER_SEARCHED = (
    "**/*.lock",
    *(f"**/{name}" for name in sorted(LOCK_FILES)),
    *(f"**/{name}" for name in sorted(CHANGELOG_NAMES)),
    *(f"**/{name}.*" for name in sorted(CHANGELOG_NAMES)),
    *(f"**/{name.upper()}" for name in sorted(CHANGELOG_NAMES)),
    *(f"**/{name.upper()}.*" for name in sorted(CHANGELOG_NAMES)),
)
# A version named after a comparison (`pkg>=1.2.3`, `"^1.2.3"`) is a requirement's.
_REQUIREMENT = re.compile(r"(===?|>=|<=|~=|!=|\^|~|<|>|@)\s*[\"']?\s*[vV]?$")
_REQUIREMENT_NAME = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*[\"']?\s*"
    r"[=:]?\s*[\"']?\s*(?:===?|>=|<=|~=|!=|\^|~|<|>|@)\s*[\"']?\s*[vV]?$"
)
# A note about the past: `.. versionadded:: 1.2.3`, "new in 1.2.3", "deprecated since 1.2.3".
_HISTORICAL = re.compile(
    r"(versionadded|versionchanged|versionremoved|deprecated|\bsince\b|new in|added in|"
    r"changed in|removed in)\W*(version\W*)?[vV]?$",
    re.IGNORECASE,
)
_HISTORICAL_WORDS = (
    "version",
    "deprecated",
    "since",
    "new in",
    "added in",
    "changed in",
    "removed in",
)
MAX_FILE_SIZE = 1024 * 1024  # bytes: a bigger file is data, not a place the version lives


@functools.lru_cache(maxsize=4096)
def is_skipped_path(path: str) -> str:
    """Why mentions in `path` never count ("" when they do)."""
    parts = path.lower().split("/")
    stem = parts[-1].split(".")[0]
    if parts[-1] in LOCK_FILES or parts[-1].endswith(".lock"):
        return "a lock file"
    if stem in CHANGELOG_NAMES or any(part in NOTES_FOLDERS for part in parts[:-1]):
        return "release history"
    if any(part in VENDORED_FOLDERS for part in parts[:-1]):
        return "vendored code"
    if (
        any(part in TEST_FOLDERS for part in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith("_test")
        or stem == "conftest"
    ):
        return "test data (the checks run the tests)"
    return ""


def mention_reason(line: str, start: int, project_name: str) -> str:
    """Why a mention on `line` (the version starting at `start`) is not the project's
    version ("" when it may be): another package's requirement, or a note about the past."""
    before = line[max(0, start - 80) : start]  # what names a version sits just before it
    return _reason_before(before, project_name, project_name.lower() in line.lower())


@functools.lru_cache(maxsize=4096)
def _reason_before(before: str, project_name: str, names_project: bool) -> str:
    lower = before.lower()
    if any(word in lower for word in _HISTORICAL_WORDS) and _HISTORICAL.search(before):
        return "a note about an earlier release"
    tail = before.rstrip(" \"'vV")
    if not tail or tail[-1] not in "=<>~^!@" or not _REQUIREMENT.search(before):
        return ""  # `version = "1.2.3"`: an assignment, no comparison
    requirement = _REQUIREMENT_NAME.search(before)
    if requirement is not None:
        if _canonical(requirement[1]) != _canonical(project_name):
            return f"a requirement of {requirement[1]}"
        return ""
    return "" if names_project else "a requirement of another package"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def ignore_matches(entry: str, path: str, line: str) -> bool:
    """Whether a version-ignore entry (`glob`, or `glob:regex` for some lines) covers this
    line of `path` (`**/x` matches `x` at the top too; a folder covers what is in it)."""
    from fnmatch import fnmatchcase

    glob, _, pattern = entry.partition(":")
    at_top = glob.startswith("**/") and fnmatchcase(path, glob[3:])
    if not (fnmatchcase(path, glob) or at_top or path.startswith(glob.rstrip("/") + "/")):
        return False
    return not pattern or re.search(pattern, line) is not None


def classify_mentions(
    found: list[tuple[str, int, str]],
    version: str,
    places: dict[str, dict[int, str]],
    ignore: tuple[str, ...],
    project_name: str,
) -> tuple[Mention, ...]:
    """Each mention of `version` in the lines git found, judged: on a line of a place
    (`places`: path -> line -> who decided), ignored by version-ignore, skipped (history,
    requirements, tests, vendored code), or unknown."""
    judged = []
    pattern = mention_pattern(version)
    for path, line, text in found:
        starts = [match.start() for match in pattern.finditer(text)]
        if not starts:  # `1.2.30`, `v1.2.3a1`: not this version
            continue
        mention = Mention(path, line, text.strip()[:200])
        written = places.get(path, {})
        if line in written:
            judged.append(_judged(mention, "written", written[line]))
        elif any(ignore_matches(entry, path, text) for entry in ignore):
            judged.append(_judged(mention, "ignored", "version-ignore"))
        elif skipped := is_skipped_path(path):
            judged.append(_judged(mention, "skipped", skipped))
        else:  # every mention on the line must be explained, not only the first
            reasons = [mention_reason(text, start, project_name) for start in starts]
            verdict = "skipped" if all(reasons) else "unknown"
            judged.append(_judged(mention, verdict, reasons[0] if all(reasons) else ""))
    return tuple(judged)


def _judged(mention: Mention, verdict: str, reason: str) -> Mention:
    return Mention(mention.path, mention.line, mention.text, verdict, reason)
