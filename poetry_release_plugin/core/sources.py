"""Where a project keeps its version, read and rewritten as text: every other byte is kept."""

from __future__ import annotations

import ast
import codecs
import contextlib
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import String, StringType

from poetry_release_plugin.core.version import version_info
from poetry_release_plugin.errors import FileVersion, ProjectError, VersionMismatch

if TYPE_CHECKING:
    from poetry.core.constraints.version import Version

    from poetry_release_plugin.core.version import VersionInfo

PYPROJECT = "pyproject.toml"


# --- Encodings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextEncoding:
    """How a file's text is stored: its codec, and whether it starts with a UTF-8 BOM."""

    codec: str = "utf-8"
    bom: bool = False

    def encode(self, text: str, path: str) -> bytes:
        """`text` stored as the file stored it before; a character the codec lacks is an error."""
        try:
            data = text.encode(self.codec)
        except UnicodeEncodeError as error:
            raise ProjectError(
                f"{path} is stored as {self.codec}, which cannot hold "
                f"{error.object[error.start : error.end]!r}",
                f"save {path} as UTF-8 (and update its coding line), then run again",
            ) from None
        return codecs.BOM_UTF8 + data if self.bom else data


UTF8 = TextEncoding()
_CODING_LINE = re.compile(rb"^[ \t\f]*#.*?coding[:=]")


def decode_text(data: bytes, path: str) -> tuple[str, TextEncoding]:
    """A UTF-8 file's text (a leading BOM is remembered, not kept in the text)."""
    bom = data.startswith(codecs.BOM_UTF8)
    text = _decode(data[3:] if bom else data, "utf-8", path, f"save {path} as UTF-8")
    return text, TextEncoding("utf-8", bom)


def decode_python(data: bytes, path: str) -> tuple[str, TextEncoding]:
    """A Python file's text in the encoding PEP 263 gives it (BOM, coding line, else UTF-8)."""
    try:
        codec, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if not any(_CODING_LINE.match(line) for line in data.splitlines()[:2]):
            codec = "utf-8"  # no declaration, and not UTF-8: said precisely below
        else:
            raise ProjectError(
                f"{path} declares an encoding Python cannot use ({error.msg})",
                f"fix the coding line of {path}",
            ) from None
    bom = codec == "utf-8-sig"
    encoding = TextEncoding("utf-8" if bom else codec, bom)
    fix = (
        f"save {path} as {encoding.codec}, or declare its real encoding in a coding line "
        "(# -*- coding: latin-1 -*-) on its first or second line"
    )
    return _decode(data[3:] if bom else data, encoding.codec, path, fix), encoding


def _decode(data: bytes, codec: str, path: str, fix: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ProjectError(
            f"{path} is not valid {codec}: byte {data[error.start]:#04x} at offset {error.start}",
            fix,
        ) from None


@dataclass(frozen=True)
class PackageLocation:
    """A package of the project: its import name and the folder it lives under."""

    name: str
    parent: str = ""


@dataclass(frozen=True)
class ProjectMetadata:
    """What pyproject.toml says about the project's name, version and packages."""

    name: str
    version: str
    version_tables: tuple[str, ...]
    packages: tuple[PackageLocation, ...]
    release_table: dict[str, Any] | None
    excludes: tuple[str, ...] = ()  # [tool.poetry].exclude, as written
    package_mode: bool = True  # [tool.poetry] package-mode
    versioned_by: str = ""  # the tool that sets the version from the tags at build time
    requires_poetry: str | None = None  # [tool.poetry] requires-poetry, as written


@dataclass(frozen=True)
class VersionReader:
    """How an installed copy of the project tells its version: import each module and read
    its version name (`module` is `pkg`, for `pkg.__version__`, or `pkg.sub:VERSION`, several
    joined by commas), or, without a version file, `importlib.metadata.version(distribution)`."""

    module: str | None
    distribution: str

    @property
    def attributes(self) -> tuple[tuple[str, str], ...]:
        """Each (module, name) an import reads the version from."""
        found = []
        for target in (self.module or "").split(","):
            if target:
                module, _, name = target.partition(":")
                found.append((module, name or "__version__"))
        return tuple(found)

    @property
    def first_module(self) -> str | None:
        """The module imported first (the package's own version module)."""
        return self.attributes[0][0] if self.attributes else None

    def describe(self) -> str:
        """The expression, as the user would write it."""
        if not self.attributes:
            return f'importlib.metadata.version("{self.distribution}")'
        return " and ".join(f"{module}.{name}" for module, name in self.attributes)


def _parse_toml(text: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except TOMLKitError as error:
        raise ProjectError(
            f"{PYPROJECT} is not valid TOML ({error})", f"fix {PYPROJECT}, then run again"
        ) from None


def table_at(document: Any, *path: str) -> Any:
    """The value at a path of keys in nested mappings; None where a key is missing."""
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document


def _version_tables(document: tomlkit.TOMLDocument) -> dict[str, Any]:
    """The tables that hold a version, by their TOML name."""
    tables = {
        "project": table_at(document, "project"),
        "tool.poetry": table_at(document, "tool", "poetry"),
    }
    return {
        name: table
        for name, table in tables.items()
        if isinstance(table, dict) and "version" in table
    }


def read_metadata(text: str) -> ProjectMetadata:
    """The project's name, version and packages from pyproject.toml's text."""
    document = _parse_toml(text)
    project = table_at(document, "project") or {}
    poetry = table_at(document, "tool", "poetry") or {}
    holders = _version_tables(document)
    if "version" in (project.get("dynamic") or []) and "tool.poetry" not in holders:
        raise ProjectError(
            f'{PYPROJECT} declares dynamic = ["version"] in [project] but [tool.poetry] holds '
            "no version",
            'set version = "X.Y.Z" in [tool.poetry] (Poetry 2\'s way for a version Poetry '
            "owns), or set [project].version and remove it from dynamic",
        )
    if not holders:
        raise ProjectError(
            f"{PYPROJECT} has no version in [project] or [tool.poetry]",
            'add version = "X.Y.Z" to [project]',
        )
    versions = {name: str(table["version"]) for name, table in holders.items()}
    if len(set(versions.values())) > 1:
        raise VersionMismatch(
            [FileVersion(f"{PYPROJECT} [{name}]", version) for name, version in versions.items()]
        )
    name = project.get("name") or poetry.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{PYPROJECT} has no project name", 'add name = "..." to [project]')
    release_table = table_at(document, "tool", "poetry-release")
    return ProjectMetadata(
        name=name,
        version=next(iter(versions.values())),
        version_tables=tuple(holders),
        packages=_packages(name, poetry.get("packages")),
        release_table=release_table.unwrap() if hasattr(release_table, "unwrap") else release_table,
        excludes=_excludes(poetry.get("exclude")),
        package_mode=poetry.get("package-mode", True) is not False,
        requires_poetry=str(poetry["requires-poetry"]) if "requires-poetry" in poetry else None,
        versioned_by=_dynamic_versioning(document),
    )


def _dynamic_versioning(document: Any) -> str:
    """Which setting makes poetry-dynamic-versioning set the version from the tags at build
    time ("" when none does): then the files hold a placeholder."""
    plugin = table_at(document, "tool", "poetry-dynamic-versioning")
    if isinstance(plugin, dict) and plugin.get("enable") is True:
        return "[tool.poetry-dynamic-versioning] enable = true"
    backend = table_at(document, "build-system", "build-backend")
    if isinstance(backend, str) and backend.startswith("poetry_dynamic_versioning"):
        return f'build-backend = "{backend}"'
    return ""


def _excludes(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    found = [item.get("path") if isinstance(item, dict) else item for item in items]
    return tuple(str(item) for item in found if isinstance(item, str))


def declared_paths(text: str) -> tuple[str, ...]:
    """Every path pyproject.toml declares as part of the package, as written: packages (with
    their `from`), `include`, the readme. Those outside the project's folder count as its own."""
    document = _parse_toml(text)
    poetry = table_at(document, "tool", "poetry") or {}
    project = table_at(document, "project") or {}
    found: list[str] = []
    for entry in [*(poetry.get("packages") or []), *(poetry.get("include") or [])]:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict):
            path = entry.get("include", entry.get("path"))  # packages, or an include table
            base = str(entry.get("from", "")).rstrip("/")
            if isinstance(path, str):
                found.append(f"{base}/{path}" if base else path)
    for readme in (poetry.get("readme"), project.get("readme")):
        if isinstance(readme, str):
            found.append(readme)
        elif isinstance(readme, list):
            found.extend(item for item in readme if isinstance(item, str))
        elif isinstance(readme, dict) and isinstance(readme.get("file"), str):
            found.append(readme["file"])
    return tuple(dict.fromkeys(found))


def version_in_pyproject(text: str | None) -> str | None:
    """The version a pyproject.toml text holds, or None (no text, no version, not TOML)."""
    if text is None:
        return None
    try:
        document = tomlkit.parse(text)
    except TOMLKitError:
        return None
    for table in _version_tables(document).values():
        return str(table["version"])
    return None


def _packages(project_name: str, includes: Any) -> tuple[PackageLocation, ...]:
    """The packages Poetry would ship: `[tool.poetry].packages`, else the project's own name."""
    found: list[PackageLocation] = []
    for entry in includes or []:
        include = entry.get("include") if isinstance(entry, dict) else None
        if isinstance(include, str) and not any(c in include for c in "*?[") and "/" not in include:
            found.append(PackageLocation(include.removesuffix(".py"), str(entry.get("from", ""))))
    if found:
        return tuple(found)
    module = re.sub(r"[-_.]+", "_", project_name).lower()
    return (PackageLocation(module, ""), PackageLocation(module, "src"))


def write_pyproject_version(text: str, new_version: str) -> str:
    """pyproject.toml with the version replaced wherever it is held, as `poetry version` does."""
    document = _parse_toml(text)
    for table in _version_tables(document).values():
        old = table["version"]
        literal = isinstance(old, String) and old.type is StringType.SLL
        table["version"] = tomlkit.string(new_version, literal=literal)
    return tomlkit.dumps(document)


# --- Python version files -------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STRING_LITERAL = re.compile(r"^([rRuU]?)('''|\"\"\"|'|\")(.*)\2$", re.DOTALL)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


@dataclass(frozen=True)
class VersionAssignments:
    """A module's literal version (its `__version__`, or another version name), and where
    each assignment of it and `__version_info__` sit."""

    version: str
    quote: str
    version_span: _Span
    info_span: _Span | None
    more_spans: tuple[_Span, ...] = ()  # further literal assignments of the same version
    names: tuple[str, ...] = ("__version__",)  # the names holding it


def _offsets(text: str) -> list[int]:
    return [0] + [match.end() for match in _LINE_BREAK.finditer(text)]


def _index(text: str, starts: list[int], line: int, byte_column: int) -> int:
    """Turn ast's (line, UTF-8 byte column) into an index into `text`."""
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    return start + len(text[start:end].encode()[:byte_column].decode())


def _span(text: str, starts: list[int], node: ast.expr) -> _Span:
    assert node.end_lineno is not None
    assert node.end_col_offset is not None
    return _Span(
        _index(text, starts, node.lineno, node.col_offset),
        _index(text, starts, node.end_lineno, node.end_col_offset),
    )


def _assigned_value(node: ast.AST, name: str) -> ast.expr | None:
    """The value a statement assigns to `name`, if it is such an assignment."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    else:
        return None
    named = any(isinstance(target, ast.Name) and target.id == name for target in targets)
    return node.value if named else None


def _module_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements that run at module level: those of `if`, `try` and `with` blocks too,
    never those of a function or class body."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, ast.If | ast.For | ast.While):
            found += _module_statements(statement.body + statement.orelse)
        elif isinstance(statement, ast.With):
            found += _module_statements(statement.body)
        elif isinstance(statement, ast.Try):
            handlers = [line for handler in statement.handlers for line in handler.body]
            found += _module_statements(
                statement.body + handlers + statement.orelse + statement.finalbody
            )
    return found


def _assignments(tree: ast.Module, name: str) -> list[ast.expr]:
    """Every value assigned to `name` at module level, in every branch, in source order."""
    values = [
        value
        for statement in _module_statements(tree.body)
        if (value := _assigned_value(statement, name)) is not None
    ]
    return sorted(values, key=lambda value: (value.lineno, value.col_offset))


def _parse_module(text: str, path: str = "<unknown>") -> ast.Module:
    """`ast.parse`, raising RecursionError for a module nested too deeply on every Python."""
    if sys.version_info < (3, 11):
        # Python 3.10 builds the tree of a long chain (`1 + 1 + ...`, `a.b.b...`) without a depth
        # check and crashes the process; its compiler checks the depth, so it is asked first.
        with contextlib.suppress(SyntaxError, ValueError):
            compile(text, path, "exec", dont_inherit=True)
    return ast.parse(text, filename=path)


def assigns_version_at_runtime(text: str) -> bool:
    """Whether a module sets `__version__` to something computed (such as
    `importlib.metadata.version(...)`) rather than a string literal."""
    try:
        tree = _parse_module(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(not _is_string(value) for value in _assignments(tree, "__version__"))


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_literal_tuple(node: ast.expr) -> bool:
    return isinstance(node, ast.Tuple) and all(
        isinstance(item, ast.Constant) and isinstance(item.value, int | str) for item in node.elts
    )


# The names a module keeps its version in, the first one found being the version.
VERSION_NAMES = ("__version__", "__VERSION__", "VERSION", "version")


def find_version_assignments(
    text: str, path: str, name: str | None = None
) -> VersionAssignments | None:
    """Where `text` assigns its version (`name`, else the first of VERSION_NAMES it assigns)
    a string literal, in every branch; the other version names holding the same string go
    with it. None when it assigns none, or computes the first it assigns."""
    try:
        tree = _parse_module(text, path)
    except (SyntaxError, ValueError) as error:
        raise ProjectError(f"{path} is not valid Python ({error})", f"fix {path}") from None
    except (RecursionError, MemoryError):  # an expression nested past what Python parses
        raise ProjectError(
            f"{path} is too deeply nested for Python to read it",
            f"list the module that holds the version in version-files, or simplify {path}",
        ) from None
    for candidate in (name,) if name else VERSION_NAMES:
        values = _assignments(tree, candidate)
        if not values:
            continue
        first = values[0]
        if not name and isinstance(first, ast.Name) and first.id in VERSION_NAMES:
            continue  # `__version__ = VERSION`: the literal is the other name's
        return _version_assignments(text, path, tree, candidate, values)
    return None


def _version_assignments(
    text: str, path: str, tree: ast.Module, name: str, values: list[ast.expr]
) -> VersionAssignments | None:
    value = values[0]
    if not _is_string(value):
        return None
    assert isinstance(value, ast.Constant)
    starts = _offsets(text)
    version_span = _span(text, starts, value)
    literal = _STRING_LITERAL.match(text[version_span.start : version_span.end])
    if literal is None:  # implicitly concatenated strings, for example
        return None
    odd = [
        other
        for other in values[1:]
        if not (_is_string(other) and other.value == value.value)  # type: ignore[attr-defined]
        or _STRING_LITERAL.match(
            text[_span(text, starts, other).start : _span(text, starts, other).end]
        )
        is None
    ]
    if odd:
        lines = ", ".join(str(node.lineno) for node in [value, *odd])
        raise ProjectError(
            f"{path} assigns {name} more than once, not all the same literal (lines {lines}), "
            "so which one to rewrite cannot be told",
            f'keep one {name} = "X.Y.Z" in {path} (or list another file in version-files)',
        )
    names = [name]
    more = [_span(text, starts, other) for other in values[1:]]
    for other_name in VERSION_NAMES:
        if other_name in names:
            continue
        same = [
            other
            for other in _assignments(tree, other_name)
            if _is_string(other) and other.value == value.value  # type: ignore[attr-defined]
        ]
        if same:
            names.append(other_name)
            more += [_span(text, starts, other) for other in same]
    # `__version__ = VERSION = "1.0"` is one value with two names: one span, rewritten once
    more = [span for span in dict.fromkeys(more) if span != version_span]
    info = next(iter(_assignments(tree, "__version_info__")), None)
    info_span = _span(text, starts, info) if info is not None and _is_literal_tuple(info) else None
    return VersionAssignments(
        str(value.value), literal.group(2), version_span, info_span, tuple(more), tuple(names)
    )


def format_version_info(info: VersionInfo, quote: str) -> str:
    """A `__version_info__` tuple as source, strings in the file's own quote style."""
    parts = [f"{quote}{part}{quote}" if isinstance(part, str) else str(part) for part in info]
    return f"({', '.join(parts)})"


def write_version_file(text: str, path: str, new_version: Version, name: str | None = None) -> str:
    """A module's text with its version names (`name`, else those `find_version_assignments`
    finds) and a literal `__version_info__` updated."""
    found = find_version_assignments(text, path, name)
    if found is None:
        shown = name or "__version__"
        raise ProjectError(
            f"{path} does not assign {shown} a string literal",
            f'write {shown} = "X.Y.Z" in {path}, or remove it from version-files',
        )
    literal = _STRING_LITERAL.match(text[found.version_span.start : found.version_span.end])
    assert literal is not None
    replacements = [
        (found.version_span, f"{literal.group(1)}{found.quote}{new_version.text}{found.quote}")
    ]
    for span in found.more_spans:
        other = _STRING_LITERAL.match(text[span.start : span.end])
        assert other is not None
        replacements.append(
            (span, f"{other.group(1)}{other.group(2)}{new_version.text}{other.group(2)}")
        )
    if found.info_span is not None and new_version.epoch:
        raise ProjectError(
            f"{path} holds __version_info__, which has no place for the epoch of "
            f"{new_version.text}",
            f"remove __version_info__ from {path} (or give it up for this release), "
            "or release a version without an epoch",
        )
    if found.info_span is not None:
        replacements.append(
            (found.info_span, format_version_info(version_info(new_version), found.quote))
        )
    for span, new_text in sorted(replacements, key=lambda item: item[0].start, reverse=True):
        text = text[: span.start] + new_text + text[span.end :]
    return text
