"""Reading a project from disk: its metadata, its settings, its changelog and the files its
version lives in (found in its packages, never in vendored trees)."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.adapters.files import read_source
from poetry_release_plugin.config import parse_settings
from poetry_release_plugin.core.project import (
    ChangelogFile,
    Project,
    VersionFile,
    ensure_versions_agree,
)
from poetry_release_plugin.core.sources import (
    PYPROJECT,
    assigns_version_at_runtime,
    find_version_assignments,
    read_metadata,
)
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from pathlib import Path

    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.sources import PackageLocation

VERSION_FILE_NAMES = ("_version.py", "__version__.py", "version.py", "__init__.py")
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


def load_project(root: Path, *, require_agreement: bool = True) -> Project:
    """Read pyproject.toml, `[tool.poetry-release]` and the version files; check they agree
    (unless `require_agreement` is false: `status` reports a disagreement instead)."""
    pyproject = root / PYPROJECT
    if not pyproject.is_file():
        raise ProjectError(f"No {PYPROJECT} in {root}", "run the command from the project's folder")
    text, encoding = read_source(pyproject, PYPROJECT)
    metadata = read_metadata(text)
    ensure_poetry_allowed(metadata.requires_poetry)
    settings = parse_settings(metadata.release_table)
    version_files = tuple(_load_version_files(root, metadata.packages, settings, metadata.excludes))
    if require_agreement:
        ensure_versions_agree(metadata.version, version_files)
    changelog = _load_changelog(root, settings)
    return Project(
        root,
        text,
        metadata,
        settings,
        version_files,
        changelog,
        packages_on_disk=_packages_on_disk(root, metadata.packages),
        pyproject_encoding=encoding,
    )


def _packages_on_disk(root: Path, packages: tuple[PackageLocation, ...]) -> tuple[str, ...]:
    """Import names of the declared packages that exist on disk."""
    names = []
    for package in packages:
        base = root / package.parent if package.parent else root
        if (base / package.name).is_dir() or (base / f"{package.name}.py").is_file():
            names.append(package.name)
    return tuple(dict.fromkeys(names))


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
