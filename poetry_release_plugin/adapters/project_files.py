"""Reading a project from disk: its metadata, its settings, its changelog and every place its
version lives (configured, declared by another release tool, or found in its packages, never
in vendored trees), with each mention of the version in its tracked files judged."""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.adapters.files import read_source
from poetry_release_plugin.config import parse_settings
from poetry_release_plugin.core.other_tools import (
    INI_TOOL_FILES,
    RELEASE_PLEASE_MANIFEST,
    TOOL_FILES,
    Declarations,
    bumpversion_ini,
    cz_json_document,
    read_declarations,
    release_please_manifest,
)
from poetry_release_plugin.core.project import (
    ChangelogFile,
    Project,
    ReleaseNotesFile,
    VersionPlace,
    ensure_versions_agree,
)
from poetry_release_plugin.core.release_notes_file import DEFAULT_RELEASE_FILE
from poetry_release_plugin.core.sources import (
    PYPROJECT,
    assigns_version_at_runtime,
    find_version_assignments,
    read_metadata,
)
from poetry_release_plugin.core.towncrier import TOWNCRIER_FILES, TowncrierConfig, towncrier_config
from poetry_release_plugin.core.version_places import (
    MAX_FILE_SIZE,
    NEVER_SEARCHED,
    Mention,
    PlaceKind,
    PlaceSpec,
    classify_mentions,
    ignore_matches,
    is_skipped_path,
    read_place,
    spellings,
)
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.sources import PackageLocation, ProjectMetadata, TextEncoding

VERSION_FILE_NAMES = ("_version.py", "__version__.py", "version.py", "__init__.py")
# Modules whose version name is the package's even when it lags behind (`__about__` too).
VERSION_MODULES = frozenset({*VERSION_FILE_NAMES, "__about__.py"})
# Folders of other people's code shipped inside a package: their `__version__` is theirs.
VENDORED_FOLDERS = frozenset(
    {"_vendor", "vendor", "vendored", "_vendored", "third_party", "thirdparty", "_extern", "extern"}
)
MAX_PACKAGE_DEPTH = 4


def release_table(root: Path) -> dict[str, Any] | None:
    """`[tool.poetry-release]` of the project's pyproject.toml, or None where it has none (or
    the file cannot be read: Poetry says why in its own words)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(read_source(root / PYPROJECT, PYPROJECT)[0]).unwrap()
    except (OSError, ValueError, TOMLKitError, ProjectError):
        return None
    table = document.get("tool", {}).get("poetry-release")
    return table if isinstance(table, dict) else None


def load_project(
    root: Path, *, require_agreement: bool = True, current: str | None = None
) -> Project:
    """Read pyproject.toml, `[tool.poetry-release]` and every place the version lives; check
    they agree (unless `require_agreement` is false: `status` reports a disagreement instead).
    `current` is the version the places hold when pyproject.toml was just changed (the sync
    after `poetry version`); pyproject.toml's own by default."""
    pyproject = root / PYPROJECT
    if not pyproject.is_file():
        raise ProjectError(f"No {PYPROJECT} in {root}", "run the command from the project's folder")
    text, encoding = read_source(pyproject, PYPROJECT)
    metadata = read_metadata(text)
    ensure_poetry_allowed(metadata.requires_poetry)
    if metadata.versioned_by:
        raise ProjectError(
            f"{PYPROJECT}'s version {metadata.version} is a placeholder: poetry-dynamic-versioning "
            f"({metadata.versioned_by}) takes the version from the git tags when it builds",
            "release such a project by pushing a tag, poetry-dynamic-versioning's way; or turn "
            "it off (enable = false) and keep the version in pyproject.toml, which the plugin "
            "writes",
        )
    settings = parse_settings(metadata.release_table)
    declarations = read_declarations(_tool_documents(root, text))
    version = current or metadata.version
    places, mentions = _find_places(root, metadata, settings, declarations, version)
    if require_agreement:
        ensure_versions_agree(metadata.version if current is None else current, places)
    towncrier = _load_towncrier(root, text)
    changelog = _load_changelog(root, settings, towncrier)
    release_notes = _load_release_notes(root, settings)
    return Project(
        root,
        text,
        metadata,
        settings,
        places,
        changelog,
        packages_on_disk=_packages_on_disk(root, metadata.packages),
        pyproject_encoding=encoding,
        declarations=declarations,
        mentions=mentions,
        release_notes=release_notes,
        towncrier=towncrier,
        news=_load_rst_news(root, towncrier),
    )


def _tool_documents(root: Path, pyproject_text: str) -> dict[str, dict[str, Any]]:
    """pyproject.toml and the other release tools' own files, parsed (a file that is not
    TOML is left out: that tool's configuration is then not read)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    documents = {PYPROJECT: tomlkit.parse(pyproject_text).unwrap()}
    for name in TOOL_FILES:
        path = root / name
        if path.is_file():
            try:
                document = tomlkit.parse(read_source(path, name)[0]).unwrap()
            except (TOMLKitError, ProjectError):
                continue
            if name == ".bumpversion.toml" and "tool" not in document:
                document = {"tool": {"bumpversion": document}}
            documents[name] = document
    for name in (*INI_TOOL_FILES, RELEASE_PLEASE_MANIFEST):  # and commitizen's JSON
        path = root / name
        if path.is_file():
            try:
                text = read_source(path, name)[0]
            except ProjectError:
                continue
            if name == RELEASE_PLEASE_MANIFEST:
                found = release_please_manifest(text)
            elif name.endswith(".json"):
                found = cz_json_document(text)
            else:
                found = bumpversion_ini(text)
            if found is not None:
                documents[name] = found
    return documents


def _find_places(
    root: Path,
    metadata: ProjectMetadata,
    settings: ReleaseSettings,
    declarations: Declarations,
    version: str,
) -> tuple[tuple[VersionPlace, ...], tuple[Mention, ...] | None]:
    """Every place the version lives (configured, declared by another tool, found), read;
    and each mention of `version` in the tracked files, judged (None outside git)."""
    specs = [*(settings.version_files or ()), *declarations.places]
    if settings.version_files is None:
        specs += _discover_all(root, metadata.packages, metadata.excludes)
    from poetry_release_plugin.adapters.git import Git

    git = Git(root)  # one for every question: it asks where the work tree is once
    found = _mentions_in_tracked_files(root, git, version)
    assigned, released = _version_constants(git) if found is not None else ([], frozenset())
    specs += _constants_among(
        root,
        [*(found or []), *assigned],
        metadata,
        {s.path for s in specs},
        version,
        released,
        settings.version_ignore,
    )
    places = _read_places(root, _unique_specs(specs), version, _repository_top(root, git))
    if found is None:
        return places, None
    tables = [PlaceSpec(PYPROJECT, PlaceKind.TOML, f"{t}.version") for t in metadata.version_tables]
    pyproject_text = (root / PYPROJECT).read_text(encoding="utf-8", errors="replace")
    lines: dict[str, dict[int, str]] = {PYPROJECT: {}}
    for spec in tables:
        for line in read_place(spec, pyproject_text, version).lines:
            lines[PYPROJECT].setdefault(line, "version tables")
    for place in places:
        for line in place.reading.lines:
            lines.setdefault(place.path, {}).setdefault(line, place.spec.source)
    ignore = settings.version_ignore
    judged = classify_mentions(found, version, lines, ignore, metadata.name)
    return places, tuple(_with_entry(root, m) if m.verdict == "unknown" else m for m in judged)


def _with_entry(root: Path, mention: Mention) -> Mention:
    """An unknown mention with the version-files entry that would write it."""
    from poetry_release_plugin.core.version_places import suggested_entry

    try:
        text = (root / mention.path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return mention
    return dataclasses.replace(mention, entry=suggested_entry(mention.path, mention.line, text))


def _unique_specs(specs: list[PlaceSpec]) -> list[PlaceSpec]:
    unique: dict[tuple[str, PlaceKind, str, str], PlaceSpec] = {}
    for spec in specs:
        unique.setdefault((spec.path, spec.kind, spec.pattern, spec.replace), spec)
    return list(unique.values())


def _read_places(
    root: Path, specs: list[PlaceSpec], version: str, inside: Path
) -> tuple[VersionPlace, ...]:
    texts: dict[str, tuple[str, TextEncoding]] = {}
    spelled: dict[Path, str] = {}  # each real file, and the first spelling that named it
    places: list[VersionPlace] = []
    for listed in specs:
        path = root / listed.path
        real = path.resolve()
        if not real.is_relative_to(inside):
            raise ProjectError(
                f"{listed.source} names {listed.path}, which leads to {real}, outside the "
                "repository",
                f"name a file of the repository in {listed.source}",
            )
        if not path.is_file() and listed.optional:
            continue
        if not path.is_file():
            what = "a folder" if path.is_dir() else "missing"
            raise ProjectError(
                f"{listed.source} names {listed.path}, which does not exist ({what})",
                f"fix the path in {listed.source}",
            )
        spec = dataclasses.replace(listed, path=spelled.setdefault(real, listed.path))
        if spec.path not in texts:
            texts[spec.path] = read_source(path, spec.path, python=spec.path.endswith(".py"))
        text, encoding = texts[spec.path]
        try:
            reading = read_place(spec, text, version)
        except ProjectError:
            if spec.optional:
                continue
            raise
        if any(p.path == spec.path and p.reading.lines == reading.lines for p in places):
            continue  # the same lines, named twice (`pkg/__init__.py` and its `__version__`)
        places.append(VersionPlace(spec, text, reading, encoding))
    return tuple(places)


def _repository_top(root: Path, git: Git) -> Path:
    """The top of the git work tree holding `root` (`root` itself outside one), resolved."""
    from poetry_release_plugin.errors import GitError

    try:
        if git.work_tree() is not None:
            return Path(git.top_level()).resolve()
    except GitError:
        pass
    return root.resolve()


def _mentions_in_tracked_files(
    root: Path, git: Git, version: str
) -> list[tuple[str, int, str]] | None:
    """The lines of the project's tracked text files that hold `version` (lock files and
    changelogs left out, files over MAX_FILE_SIZE too); None outside a git work tree."""
    from poetry_release_plugin.errors import GitError

    try:
        if git.work_tree() is None:
            return None
        found = git.grep_tracked(spellings(version), NEVER_SEARCHED)
    except GitError:
        return None
    sizes: dict[str, bool] = {}
    kept = []
    for path, line, text in found:
        if path not in sizes:
            try:
                sizes[path] = (root / path).stat().st_size <= MAX_FILE_SIZE
            except OSError:
                sizes[path] = False
        if sizes[path]:
            kept.append((path, line, text))
    return kept


# A module assigning a version name a string, as `git grep -E` finds it.
_VERSION_NAME_LINE = r"^\s*(__version__|__VERSION__|VERSION|version)\s*(:[^=]*)?=\s*[\"']"


def _version_constants(git: Git) -> tuple[list[tuple[str, int, str]], frozenset[str]]:
    """The lines of tracked modules assigning a version name a string, and the versions the
    repository's tags name (a constant holding one of those is the project's version, even
    left behind at an earlier release)."""
    from poetry_release_plugin.errors import GitError

    try:
        lines = git.grep_tracked(_VERSION_NAME_LINE, pattern=True, only=("*.py",))
        tags = git.all_tags()
    except GitError:
        return [], frozenset()
    released = {match[1] for tag in tags if (match := _TAG_VERSION.search(tag))}
    return lines, frozenset(released)


_TAG_VERSION = re.compile(r"(?:^|[-_/vV])(\d+(?:\.\d+)+\S*)$")


def _constants_among(
    root: Path,
    found: list[tuple[str, int, str]],
    metadata: ProjectMetadata,
    known: set[str],
    version: str,
    released: frozenset[str] = frozenset(),
    ignore: tuple[str, ...] = (),
) -> list[PlaceSpec]:
    """The modules of the project's packages that assign a version name (`VERSION`,
    `__version__`, ...) the current version on a line where git found it, or, in a version
    module (`_version.py`, `__init__.py`, ...), a version its tags released (a constant left
    behind); version-ignore has the last word."""
    from poetry_release_plugin.core.project import module_of

    specs = []
    hits: dict[str, set[int]] = {}
    for path, line, _text in found:
        if path.endswith(".py") and path not in known:
            hits.setdefault(path, set()).add(line)
    for path, lines in hits.items():
        if (
            module_of(path, metadata.packages) is None
            or is_skipped_path(path)
            or _excluded(path, metadata.excludes)
        ):
            continue
        spec = PlaceSpec(path, PlaceKind.PYTHON, source="found in the package")
        try:
            text = read_source(root / path, path, python=True)[0]
            reading = read_place(spec, text, version)
        except ProjectError:
            continue
        left_behind = reading.version in released and path.rsplit("/", 1)[-1] in VERSION_MODULES
        ignored = any(
            ignore_matches(entry, path, line)
            for entry in ignore
            for line in text.splitlines()[min(lines) - 1 : max(lines)]
        )
        holds = reading.version == version or left_behind
        if holds and lines & set(reading.lines) and not ignored:
            specs.append(spec)
    return specs


def _packages_on_disk(root: Path, packages: tuple[PackageLocation, ...]) -> tuple[str, ...]:
    """Import names of the declared packages that exist on disk."""
    names = []
    for package in packages:
        base = root / package.parent if package.parent else root
        if (base / package.name).is_dir() or (base / f"{package.name}.py").is_file():
            names.append(package.name)
    return tuple(dict.fromkeys(names))


def _load_release_notes(root: Path, settings: ReleaseSettings) -> ReleaseNotesFile | None:
    """The release-notes file: `release-file`, or RELEASE.md when it exists and earlier
    commits removed it (the releases consumed it); its text, or None when it is missing."""
    path, inferred = settings.release_file, False
    if path is None:
        if "release-file" in settings.explicit_keys or not (root / DEFAULT_RELEASE_FILE).is_file():
            return None
        from poetry_release_plugin.adapters.git import Git

        removed = Git(root).run(
            "log", "--diff-filter=D", "--format=%H", "-1", "--", DEFAULT_RELEASE_FILE, check=False
        )
        if removed.code != 0 or not removed.stdout.strip():
            return None
        path, inferred = DEFAULT_RELEASE_FILE, True
    if not (root / path).is_file():
        return ReleaseNotesFile(path, None)
    return ReleaseNotesFile(path, *read_source(root / path, path), inferred=inferred)


def _load_towncrier(root: Path, pyproject_text: str) -> TowncrierConfig | None:
    """The project's towncrier configuration (towncrier.toml, else pyproject.toml), if any."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    documents: dict[str, dict[str, Any]] = {PYPROJECT: tomlkit.parse(pyproject_text).unwrap()}
    own = root / TOWNCRIER_FILES[0]
    if own.is_file():
        with contextlib.suppress(TOMLKitError, ProjectError):  # not TOML: towncrier refuses it
            documents[own.name] = tomlkit.parse(read_source(own, own.name)[0]).unwrap()
    return towncrier_config(documents)


def _load_changelog(
    root: Path, settings: ReleaseSettings, towncrier: TowncrierConfig | None = None
) -> ChangelogFile | None:
    """The changelog if it exists (a towncrier project's Markdown news file, unless one is
    configured); configured explicitly but missing is an error."""
    if settings.changelog is None:
        return None
    if towncrier is not None and "changelog" not in settings.explicit_keys:
        news = root / towncrier.filename
        if towncrier.markdown and news.is_file():
            return ChangelogFile(towncrier.filename, *read_source(news, towncrier.filename))
        return None
    path = root / settings.changelog
    if path.is_file():
        return ChangelogFile(settings.changelog, *read_source(path, settings.changelog))
    if "changelog" in settings.explicit_keys:
        raise ProjectError(
            f"changelog = {settings.changelog!r} does not exist",
            "create it (Keep a Changelog), fix the path, or set changelog = false",
        )
    return None


def _load_rst_news(root: Path, towncrier: TowncrierConfig | None) -> ChangelogFile | None:
    """A towncrier project's reStructuredText news file, if it exists (read for the notes;
    towncrier alone writes it)."""
    if towncrier is None or towncrier.markdown or not (root / towncrier.filename).is_file():
        return None
    return ChangelogFile(
        towncrier.filename, *read_source(root / towncrier.filename, towncrier.filename)
    )


def ensure_poetry_allowed(requires_poetry: str | None) -> None:
    """Refuse, as Poetry itself does, a project whose `requires-poetry` excludes this Poetry."""
    if not requires_poetry:  # Poetry skips an empty one too
        return
    from poetry.__version__ import __version__
    from poetry.core.constraints.version import Version, parse_constraint

    try:
        allowed = parse_constraint(requires_poetry)
    except ValueError:
        raise ProjectError(
            f"{PYPROJECT}'s requires-poetry = {requires_poetry!r} is not a version constraint",
            'fix it in [tool.poetry], for example requires-poetry = ">=2.1"',
        ) from None
    if not allowed.allows(Version.parse(__version__)):
        raise ProjectError(
            f"This project requires Poetry {allowed}, but this is Poetry {__version__}",
            "run it with a Poetry that the project allows (poetry self update)",
        )


def _discover_all(
    root: Path, packages: tuple[PackageLocation, ...], excludes: tuple[str, ...]
) -> list[PlaceSpec]:
    """The version module of each package (see `_discover`), as places."""
    found: list[PlaceSpec] = []
    for package in packages:
        path = _discover(root, package, excludes)
        if path is not None and path not in {spec.path for spec in found}:
            found.append(PlaceSpec(path, PlaceKind.PYTHON, source="found in the package"))
    return found


def _discover(root: Path, package: PackageLocation, excludes: tuple[str, ...]) -> str | None:
    """The shallowest module of a package (namespace and nested packages included) that assigns
    `__version__` a string literal, never inside vendored or excluded folders. A module that
    computes `__version__` (from the installed metadata) ends the search: there is no file."""
    base = root / package.parent if package.parent else root
    level = [base / package.name] if (base / package.name).is_dir() else []
    single = base / f"{package.name}.py"
    candidates = [[single]] if single.is_file() else []
    for _depth in range(MAX_PACKAGE_DEPTH):
        if not level:
            break
        candidates.append([folder / name for folder in level for name in VERSION_FILE_NAMES])
        level = sorted(
            child
            for folder in level
            for child in folder.iterdir()
            if child.is_dir() and _is_own_package_folder(root, child, excludes)
        )
    for paths in candidates:
        for path in paths:
            relative = path.relative_to(root).as_posix()
            if not path.is_file() or _excluded(relative, excludes):
                continue
            text, _encoding = read_source(path, relative, python=True)
            assignments = find_version_assignments(text, relative, "__version__")
            if assignments is not None:
                return relative
            if assigns_version_at_runtime(text):
                return None
    return None


def _is_own_package_folder(root: Path, folder: Path, excludes: tuple[str, ...]) -> bool:
    name = folder.name
    if name in VENDORED_FOLDERS or name.startswith((".", "__")) or not name.isidentifier():
        return False
    return not _excluded(folder.relative_to(root).as_posix(), excludes)


def _excluded(relative: str, excludes: tuple[str, ...]) -> bool:
    """Whether `[tool.poetry].exclude` leaves this path out of the package."""
    return any(
        fnmatch.fnmatchcase(relative, pattern.rstrip("/"))
        or relative.startswith(pattern.rstrip("/") + "/")
        or fnmatch.fnmatchcase(relative, pattern.rstrip("/") + "/*")
        for pattern in excludes
    )
