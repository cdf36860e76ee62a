"""A project as read from disk (`adapters.project_files` reads it): its metadata, settings,
changelog and version files, and whether they agree. Values only: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.core.sources import (
    PYPROJECT,
    UTF8,
    TextEncoding,
    VersionReader,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import FileVersion, InvalidVersion, ProjectError, VersionMismatch

if TYPE_CHECKING:
    from pathlib import Path

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.release_state import ReleaseBranch
    from poetry_release_plugin.core.sources import PackageLocation, ProjectMetadata
    from poetry_release_plugin.core.tag_formats import TagFormatChoice


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
    packages_on_disk: tuple[str, ...] = ()  # import names of its packages found on disk
    tag_choice: TagFormatChoice | None = None  # set by history.with_tag_format
    history_paths: tuple[str, ...] = ()  # the project's own paths in a monorepo; () for all
    pyproject_encoding: TextEncoding = UTF8
    release_branch: ReleaseBranch | None = None  # set by facts.with_release_branch
    commit_message_source: str = ""  # set by history.with_commit_message

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
        return list(self.packages_on_disk)


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


def ensure_versions_agree(version: str, files: tuple[VersionFile, ...]) -> None:
    """Refuse a pyproject version that is not PEP 440, or version files that disagree."""
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
