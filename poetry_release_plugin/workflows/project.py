"""Reading a project from disk: its metadata, its settings and the files its version lives in."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.files import read_source
from poetry_release_plugin.config import parse_settings
from poetry_release_plugin.core.sources import (
    PYPROJECT,
    UTF8,
    TextEncoding,
    VersionReader,
    assigns_version_at_runtime,
    find_version_assignments,
    read_metadata,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import FileVersion, InvalidVersion, ProjectError, VersionMismatch

if TYPE_CHECKING:
    from pathlib import Path

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.sources import PackageLocation, ProjectMetadata
    from poetry_release_plugin.core.tag_formats import TagFormatChoice

VERSION_FILE_NAMES = ("_version.py", "__version__.py", "version.py", "__init__.py")
# Folders of other people's code shipped inside a package: their `__version__` is theirs.
VENDORED_FOLDERS = frozenset(
    {"_vendor", "vendor", "vendored", "_vendored", "third_party", "thirdparty", "_extern", "extern"}
)
MAX_PACKAGE_DEPTH = 4


@dataclass(frozen=True)
class VersionFile:
    """A Python file that assigns `__version__` a literal, with its text as read."""

    path: str  # relative to the project root, with forward slashes
    text: str
    version: str
    encoding: TextEncoding = UTF8


@dataclass(frozen=True)
class ChangelogFile:
    """The project's changelog and its text as read."""

    path: str
    text: str
    encoding: TextEncoding = UTF8


@dataclass(frozen=True)
class Project:
    """A project as found on disk, before anything is changed."""

    root: Path
    pyproject_text: str
    metadata: ProjectMetadata
    settings: ReleaseSettings
    version_files: tuple[VersionFile, ...]
    changelog: ChangelogFile | None = None
    tag_choice: TagFormatChoice | None = None  # set by history.with_tag_format
    history_paths: tuple[str, ...] = ()  # the project's own paths in a monorepo; () for all
    pyproject_encoding: TextEncoding = UTF8

    @property
    def version(self) -> str:
        """The version pyproject.toml holds."""
        return self.metadata.version

    @property
    def files_in_sync(self) -> bool:
        """Whether every version file holds pyproject.toml's version."""
        expected = _parsed_or_none(self.version)
        return expected is not None and all(
            _parsed_or_none(f.version) == expected for f in self.version_files
        )

    @property
    def version_reader(self) -> VersionReader:
        """How an installed copy tells its version: the module holding the version file
        (`acme.widgets`, not the namespace `acme`), else the distribution's metadata."""
        for version_file in self.version_files:
            module = _module_of(version_file.path, self.metadata.packages)
            if module is not None:
                return VersionReader(module, self.metadata.name)
        return VersionReader(None, self.metadata.name)

    def package_names(self) -> list[str]:
        """Import names of the project's packages that exist on disk."""
        names = []
        for package in self.metadata.packages:
            base = self.root / package.parent if package.parent else self.root
            if (base / package.name).is_dir() or (base / f"{package.name}.py").is_file():
                names.append(package.name)
        return list(dict.fromkeys(names))


def load_project(root: Path, *, require_agreement: bool = True) -> Project:
    """Read pyproject.toml, `[tool.poetry-release]` and the version files; check they agree
    (unless `require_agreement` is false: `status` reports a disagreement instead)."""
    pyproject = root / PYPROJECT
    if not pyproject.is_file():
        raise ProjectError(f"No {PYPROJECT} in {root}", "run the command from the project's folder")
    text, encoding = read_source(pyproject, PYPROJECT)
    metadata = read_metadata(text)
    settings = parse_settings(metadata.release_table)
    version_files = tuple(_load_version_files(root, metadata.packages, settings, metadata.excludes))
    if require_agreement:
        _ensure_versions_agree(metadata.version, version_files)
    changelog = _load_changelog(root, settings)
    return Project(
        root, text, metadata, settings, version_files, changelog, pyproject_encoding=encoding
    )


def _load_changelog(root: Path, settings: ReleaseSettings) -> ChangelogFile | None:
    """The changelog if it exists; configured explicitly but missing is an error."""
    if settings.changelog is None:
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


def _module_of(path: str, packages: tuple[PackageLocation, ...]) -> str | None:
    """The importable module whose `__version__` a version file sets: the package folder it
    sits in (the file's own package), or the top-level module file itself."""
    parts = path.split("/")
    for package in packages:
        prefix = package.parent.strip("/").split("/") if package.parent else []
        if parts[: len(prefix)] != prefix:
            continue
        inside = parts[len(prefix) :]
        if not inside or inside[0] not in (package.name, f"{package.name}.py"):
            continue
        if len(inside) == 1:
            return package.name
        return ".".join(inside[:-1])
    return None


def _load_version_files(
    root: Path,
    packages: tuple[PackageLocation, ...],
    settings: ReleaseSettings,
    excludes: tuple[str, ...] = (),
) -> list[VersionFile]:
    if settings.version_files is not None:
        return [_listed_version_file(root, path) for path in settings.version_files]
    found: list[VersionFile] = []
    for package in packages:
        found_file = _discover(root, package, excludes)
        if found_file is not None and found_file.path not in {f.path for f in found}:
            found.append(found_file)
    return found


def _listed_version_file(root: Path, relative: str) -> VersionFile:
    path = root / relative
    if not path.is_file():
        raise ProjectError(
            f"version-files lists {relative}, which does not exist",
            "fix the path in [tool.poetry-release] version-files",
        )
    text, encoding = read_source(path, relative, python=True)
    assignments = find_version_assignments(text, relative)
    if assignments is None:
        raise ProjectError(
            f"{relative} (listed in version-files) does not assign __version__ a string literal",
            f'write __version__ = "X.Y.Z" in {relative}, or remove it from version-files',
        )
    return VersionFile(relative, text, assignments.version, encoding)


def _discover(
    root: Path, package: PackageLocation, excludes: tuple[str, ...]
) -> VersionFile | None:
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
            text, encoding = read_source(path, relative, python=True)
            assignments = find_version_assignments(text, relative)
            if assignments is not None:
                return VersionFile(relative, text, assignments.version, encoding)
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


def _ensure_versions_agree(version: str, files: tuple[VersionFile, ...]) -> None:
    expected = _parsed_or_none(version)
    if expected is None:
        raise ProjectError(
            f'{PYPROJECT} holds the version "{version}", which is not a PEP 440 version',
            "set it to a version such as 1.2.3",
        )
    if any(_parsed_or_none(f.version) != expected for f in files):
        raise VersionMismatch(
            [FileVersion(PYPROJECT, version)] + [FileVersion(f.path, f.version) for f in files]
        )


def _parsed_or_none(text: str) -> Version | None:
    try:
        return parse_version(text)
    except InvalidVersion:
        return None
