"""What other release tools a project used declared about its version: the places they keep
in step, their tag format and their commit message (commitizen, bump-my-version,
python-semantic-release, release-please's manifest). A project moving to the plugin keeps its
configuration. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from poetry_release_plugin.core.sources import PYPROJECT, table_at
from poetry_release_plugin.core.version_places import PlaceKind, PlaceSpec, place_from_entry

COMMITIZEN = "[tool.commitizen]"
BUMPVERSION = "[tool.bumpversion]"
SEMANTIC_RELEASE = "[tool.semantic_release]"
POETRY_BUMPVERSION = "[tool.poetry_bumpversion]"
# Other tools' own files, read like pyproject.toml's tables.
TOOL_FILES = (".cz.toml", "cz.toml", ".bumpversion.toml")
# bump2version's INI files and commitizen's JSON one, turned into the same tables.
INI_TOOL_FILES = (".bumpversion.cfg", "setup.cfg", ".cz.json", "cz.json")
# release-please's record of each package's version (`{".": "1.2.3"}` for the repository's root).
RELEASE_PLEASE_MANIFEST = ".release-please-manifest.json"


def bumpversion_ini(text: str) -> dict[str, Any] | None:
    """bump2version's `[bumpversion]` and `[bumpversion:file:PATH]` sections as the table
    `[tool.bumpversion]` would hold them; None without them (or not INI)."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section("bumpversion"):
        return None
    table: dict[str, Any] = dict(parser["bumpversion"])
    table["files"] = [
        {"filename": section.split(":", 2)[2], **dict(parser[section])}
        for section in parser.sections()
        if section.startswith("bumpversion:file:")
    ]
    return {"tool": {"bumpversion": table}}


def cz_json_document(text: str) -> dict[str, Any] | None:
    """commitizen's `.cz.json` (`{"commitizen": {...}}`) as `[tool.commitizen]`."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return None
    table = data.get("commitizen") if isinstance(data, dict) else None
    return {"tool": {"commitizen": table}} if isinstance(table, dict) else None


def release_please_manifest(text: str) -> dict[str, Any] | None:
    """release-please's manifest (`{".": "1.2.3"}`) as `[tool.release-please-manifest]`;
    None when it holds no version for the root package (or is not JSON)."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("."), str):
        return None
    return {"tool": {"release-please-manifest": data}}


@dataclass(frozen=True)
class Declarations:
    """What the other tools declared: places, and where each said so; a tag format and a
    commit message in the plugin's template syntax (None: not declared)."""

    places: tuple[PlaceSpec, ...] = ()
    tag_format: str | None = None
    commit_message: str | None = None
    tools: tuple[str, ...] = field(default=())  # each tool read, as its table is named
    tag_format_source: str = ""  # the key it came from, as `[tool.commitizen] tag_format`
    commit_message_source: str = ""


def read_declarations(documents: dict[str, dict[str, Any]]) -> Declarations:
    """The declarations in each parsed TOML document (pyproject.toml and the tools' own
    files, by path)."""
    places: list[PlaceSpec] = []
    templates: dict[str, tuple[str, str]] = {}  # "tag" / "commit" -> (template, its key)
    tools: list[str] = []

    def keep(kind: str, value: str | None, table: str, key: str) -> None:
        if value is not None and kind not in templates:
            templates[kind] = (value, f"{table} {key}")

    for path, document in documents.items():
        commitizen = table_at(document, "tool", "commitizen")
        if isinstance(commitizen, dict):
            tools.append(f"{COMMITIZEN} in {path}")
            places += _commitizen_places(commitizen, path)
            keep("tag", _dollar_template(commitizen.get("tag_format")), COMMITIZEN, "tag_format")
            message = _dollar_template(commitizen.get("bump_message"))
            keep("commit", message, COMMITIZEN, "bump_message")
        bumpversion = table_at(document, "tool", "bumpversion")
        if isinstance(bumpversion, dict):
            tools.append(f"{BUMPVERSION} in {path}")
            places += _bumpversion_places(bumpversion, path)
            keep("tag", _brace_template(bumpversion.get("tag_name")), BUMPVERSION, "tag_name")
            keep("commit", _brace_template(bumpversion.get("message")), BUMPVERSION, "message")
        poetry_bumpversion = table_at(document, "tool", "poetry_bumpversion")
        if isinstance(poetry_bumpversion, dict) and path == PYPROJECT:
            tools.append(f"{POETRY_BUMPVERSION} in {path}")
            places += _poetry_bumpversion_places(poetry_bumpversion)
        manifest = table_at(document, "tool", "release-please-manifest")
        if isinstance(manifest, dict) and path == RELEASE_PLEASE_MANIFEST:
            tools.append(f"release-please's {path}")
            pattern = r'^\s*"\."\s*:'  # the root package's line
            places.append(PlaceSpec(path, PlaceKind.LINES, pattern, source="release-please"))
        semantic = table_at(document, "tool", "semantic_release")
        if isinstance(semantic, dict) and path == PYPROJECT:
            tools.append(f"{SEMANTIC_RELEASE} in {path}")
            places += _semantic_release_places(semantic)
            keep("tag", _brace_template(semantic.get("tag_format")), SEMANTIC_RELEASE, "tag_format")
    tag_format, tag_source = templates.get("tag", (None, ""))
    message, message_source = templates.get("commit", (None, ""))
    if tag_format is not None and "{version}" not in tag_format:
        tag_format, tag_source = None, ""
    return Declarations(
        tuple(places), tag_format, message, tuple(tools), tag_source, message_source
    )


def _commitizen_places(table: dict[str, Any], path: str) -> list[PlaceSpec]:
    """`version` of the table itself (its default provider keeps the version there) and each
    `version_files` entry: `path` (every mention) or `path:regex` (the lines it matches)."""
    source = f"{COMMITIZEN} version_files"
    found = []
    if isinstance(table.get("version"), str) and path.endswith(".json"):
        found.append(PlaceSpec(path, PlaceKind.LINES, r'^\s*"version"\s*:', source=COMMITIZEN))
    elif isinstance(table.get("version"), str):
        found.append(PlaceSpec(path, PlaceKind.TOML, "tool.commitizen.version", source=COMMITIZEN))
    for entry in _listed(table.get("version_files")):
        if not isinstance(entry, str) or not entry:
            continue
        file, _, regex = entry.partition(":")
        if file == PYPROJECT:
            continue  # its version lines: the version tables and the key above
        kind = PlaceKind.LINES if regex else PlaceKind.TEXT
        if file.endswith(".py") and not regex:
            kind = PlaceKind.PYTHON
        found.append(PlaceSpec(file, kind, regex, source=source))
    return found


def _bumpversion_places(table: dict[str, Any], path: str) -> list[PlaceSpec]:
    """`current_version` of the table itself and each `[[tool.bumpversion.files]]`: its
    search and replace (by default the version itself)."""
    source = f"{BUMPVERSION} files"
    key = "tool.bumpversion.current_version" if path == PYPROJECT else "current_version"
    if path != PYPROJECT and "current_version" not in table:
        key = "tool.bumpversion.current_version"
    found = [PlaceSpec(path, PlaceKind.TOML, key, source=BUMPVERSION)]
    if path.endswith(".cfg"):  # bump2version's INI: its `current_version = X` line
        found = [PlaceSpec(path, PlaceKind.LINES, r"^current_version\s*=", source=BUMPVERSION)]
    default_search = table.get("search", "{current_version}")
    default_replace = table.get("replace", "{new_version}")
    for entry in _listed(table.get("files")):
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            continue  # globs and regex searches are not read: prepare names what is left
        search = str(entry.get("search", default_search))
        if entry.get("regex") or "{current_version}" not in search:
            continue  # a regex, or not a version place (a changelog heading, say)
        replace = str(entry.get("replace", default_replace))
        optional = bool(entry.get("ignore_missing_file") or entry.get("ignore_missing_version"))
        found.append(
            PlaceSpec(entry["filename"], PlaceKind.SEARCH, search, replace, source, optional)
        )
    return found


def _listed(value: object) -> list[object]:
    """A setting that takes a list or one string, as a list."""
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def _poetry_bumpversion_places(table: dict[str, Any]) -> list[PlaceSpec]:
    """The poetry-bumpversion plugin's `file."path"` tables and `replacements` (each a search
    and replace, by default the version itself)."""
    files = table.get("file")
    entries: list[tuple[object, dict[str, Any]]] = [
        (file, options if isinstance(options, dict) else {})
        for file, options in (files.items() if isinstance(files, dict) else [])
    ]
    for replacement in _listed(table.get("replacements")):
        if isinstance(replacement, dict):
            entries += [(file, replacement) for file in _listed(replacement.get("files"))]
    return [
        PlaceSpec(
            file,
            PlaceKind.SEARCH,
            str(options.get("search", "{current_version}")),
            str(options.get("replace", "{new_version}")),
            f"{POETRY_BUMPVERSION} file",
        )
        for file, options in entries
        if isinstance(file, str)
    ]


def _semantic_release_places(table: dict[str, Any]) -> list[PlaceSpec]:
    """`version_toml` (`path:dotted.key`) and `version_variables` (`path:NAME`, a Python name
    or a `NAME = "…"` / `NAME: "…"` line in any file)."""
    found = []
    for entry in _listed(table.get("version_toml")):
        if isinstance(entry, str) and entry.partition(":")[2]:
            file, _, key = entry.partition(":")
            if not (file == PYPROJECT and key in ("project.version", "tool.poetry.version")):
                found.append(PlaceSpec(file, PlaceKind.TOML, key, source=SEMANTIC_RELEASE))
    # `version_variable` is the key's name before version 8; one string is one entry
    variables = [*_listed(table.get("version_variables")), *_listed(table.get("version_variable"))]
    for entry in variables:
        if not isinstance(entry, str):
            continue
        file, _, variable = entry.partition(":")
        variable = variable.partition(":")[0]  # a trailing `:nf` / `:tf` format
        if file.endswith(".py"):
            found.append(place_from_entry(f"{file}:{variable}", SEMANTIC_RELEASE))
        elif variable:
            line = rf"^\s*[\"']?{re.escape(variable)}[\"']?\s*[:=]"
            found.append(PlaceSpec(file, PlaceKind.LINES, line, source=SEMANTIC_RELEASE))
    return found


_TEMPLATE_NAMES = {
    "version": "{version}",
    "new_version": "{version}",
    "current_version": "{previous_version}",
}


def _dollar_template(value: object) -> str | None:
    """commitizen's `$version` / `${version}` / `$current_version` / `$new_version` template
    in the plugin's syntax; None when it uses anything else."""
    if not isinstance(value, str):
        return None
    parts = re.split(r"\$\{(\w+)\}|\$(\w+)", value)
    out = []
    for index, part in enumerate(parts):
        if index % 3 == 0:
            out.append(part.replace("{", "{{").replace("}", "}}"))
        elif part is not None:
            if part not in _TEMPLATE_NAMES:
                return None
            out.append(_TEMPLATE_NAMES[part])
    return "".join(out)


def _brace_template(value: object) -> str | None:
    """bump-my-version's or semantic-release's `{new_version}` / `{current_version}` /
    `{version}` template in the plugin's syntax; None when it uses anything else."""
    if not isinstance(value, str):
        return None
    unknown = [name for name in re.findall(r"\{(\w*)\}", value) if name not in _TEMPLATE_NAMES]
    if unknown:
        return None
    return re.sub(r"\{(\w+)\}", lambda match: _TEMPLATE_NAMES[match[1]], value)
