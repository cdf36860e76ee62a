"""A project as read from disk (`adapters.project_files` reads it): its metadata, settings,
changelog and version places, and whether they agree. Values only: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from poetry_release_plugin.core.other_tools import Declarations
from poetry_release_plugin.core.sources import (
    PYPROJECT,
    UTF8,
    TextEncoding,
    VersionReader,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.core.version_places import (
    Mention,
    PlaceKind,
    PlaceReading,
    PlaceSpec,
    write_place,
)
from poetry_release_plugin.errors import FileVersion, InvalidVersion, ProjectError, VersionMismatch

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.release_state import ReleaseBranch
    from poetry_release_plugin.core.sources import PackageLocation, ProjectMetadata
    from poetry_release_plugin.core.tag_formats import TagFormatChoice
    from poetry_release_plugin.core.towncrier import TowncrierConfig


@dataclass(frozen=True)
class VersionPlace:
    """A place the version lives besides pyproject.toml's version tables, with its file's
    text as read and what it holds there."""

    spec: PlaceSpec
    text: str
    reading: PlaceReading
    encoding: TextEncoding = UTF8

    @property
    def path(self) -> str:
        """The file, relative to the project's folder, with forward slashes."""
        return self.spec.path

    @property
    def version(self) -> str:
        """The version the place holds."""
        return self.reading.version


@dataclass(frozen=True)
class ChangelogFile:
    """The project's changelog and its text as read."""

    path: str
    text: str
    encoding: TextEncoding = UTF8


@dataclass(frozen=True)
class ReleaseNotesFile:
    """The release-notes file each release consumes (`release-file`, or inferred from the
    history): its text as read (None: missing), and how it was known."""

    path: str
    text: str | None
    encoding: TextEncoding = UTF8
    inferred: bool = False

    @property
    def source(self) -> str:
        """Where the setting comes from, in the user's words."""
        how = "inferred: earlier release commits removed it" if self.inferred else "release-file"
        return f"{self.path} ({how})"


@dataclass(frozen=True)
class Project:
    """A project as found on disk, before anything is changed."""

    root: Path
    pyproject_text: str
    metadata: ProjectMetadata
    settings: ReleaseSettings
    places: tuple[VersionPlace, ...]
    changelog: ChangelogFile | None = None
    packages_on_disk: tuple[str, ...] = ()  # import names of its packages found on disk
    tag_choice: TagFormatChoice | None = None  # set by history.with_tag_format
    history_paths: tuple[str, ...] = ()  # the project's own paths in a monorepo; () for all
    pyproject_encoding: TextEncoding = UTF8
    release_branch: ReleaseBranch | None = None  # set by facts.with_release_branch
    commit_message_source: str = ""  # set by history.with_commit_message
    declarations: Declarations = field(default_factory=Declarations)  # other tools' settings
    mentions: tuple[Mention, ...] | None = None  # None: not searched (no git work tree)
    release_notes: ReleaseNotesFile | None = None  # a release-notes file (RELEASE.md)
    towncrier: TowncrierConfig | None = None  # towncrier builds the changelog section
    news: ChangelogFile | None = None  # towncrier's reStructuredText news file, for the notes

    @property
    def unknown_mentions(self) -> tuple[Mention, ...]:
        """Mentions of the version that no place, no version-ignore entry, no rule explains."""
        return tuple(m for m in self.mentions or () if m.verdict == "unknown")

    @property
    def version(self) -> str:
        """The version pyproject.toml holds."""
        return self.metadata.version

    @property
    def published_name(self) -> str | None:
        """The name the release's files carry to an index (None: package-mode = false, no files)."""
        return self.metadata.name if self.metadata.package_mode else None

    @property
    def section_source(self) -> tuple[str, str]:
        """Where prepare takes the new version's changelog section (and rule) from: its kind
        (`release-file`, `commits`) and how to say it."""
        if self.towncrier is not None:
            return "towncrier", self.towncrier.describe()
        if self.release_notes is not None:
            found = self.release_notes
            missing = "" if found.text is not None else ", missing: prepare refuses without it"
            return "release-file", f"{found.source}{missing}"
        from poetry_release_plugin.core.changelog import has_unreleased_heading

        changelog = self.changelog
        if changelog is None:
            return "commits", "the commits since the last tag (no changelog)"
        try:
            unreleased = has_unreleased_heading(changelog.text, changelog.path)
        except ProjectError:  # a fence that never closes: prepare says so
            unreleased = True
        where = changelog.path
        if not unreleased:
            return "commits", f"the commits since the last tag (no Unreleased in {where})"
        return "commits", f"Unreleased's entries in {where}, else the commits since the last tag"

    @property
    def files_in_sync(self) -> bool:
        """Whether every version place holds pyproject.toml's version."""
        expected = _parsed_or_none(self.version)
        return expected is not None and all(
            _parsed_or_none(f.version) == expected for f in self.places
        )

    @property
    def files(self) -> tuple[str, ...]:
        """Each file holding a version place, once, in order."""
        return tuple(dict.fromkeys(place.path for place in self.places))

    def place_edit(
        self, path: str, new: Version, among: list[VersionPlace] | None = None
    ) -> Callable[[str], str]:
        """The edit that writes `new` into every place of the file `path` (of `among` only,
        when given): a text in, the text with each place's version replaced out."""
        places = [place for place in among or self.places if place.path == path]

        def edit(text: str) -> str:
            for place in places:
                text = write_place(place.spec, text, place.version, new)
            return text

        return edit

    @property
    def version_reader(self) -> VersionReader:
        """How an installed copy tells its version: each version name of a shipped module
        (`acme.widgets.__version__`, not the namespace `acme`; `pkg.shared.version.VERSION`),
        else the distribution's metadata."""
        targets = []
        for place in self.places:
            package = module_of(place.path, self.metadata.packages)
            own = module_of(place.path, self.metadata.packages, own=True)
            if place.spec.kind is not PlaceKind.PYTHON or package is None:
                continue
            targets += [
                package if name == "__version__" else f"{own}:{name}"
                for name in place.reading.names
                if name.isupper() or name.startswith("__")  # never a loose `version`
            ]
        targets.sort(key=lambda target: ":" in target)  # a package's __version__ first
        return VersionReader(",".join(dict.fromkeys(targets)) or None, self.metadata.name)

    def package_names(self) -> list[str]:
        """Import names of the project's packages that exist on disk."""
        return list(self.packages_on_disk)


def module_of(path: str, packages: tuple[PackageLocation, ...], *, own: bool = False) -> str | None:
    """The importable module whose `__version__` a version file sets: the package folder it
    sits in (the file's own package; with `own`, the file's own module), or the top-level
    module file itself."""
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
        if own and inside[-1] != "__init__.py":  # the file's own module
            return ".".join([*inside[:-1], inside[-1].removesuffix(".py")])
        return ".".join(inside[:-1])
    return None


def ensure_versions_agree(version: str, files: tuple[VersionPlace, ...]) -> None:
    """Refuse a pyproject version that is not PEP 440, or version places that disagree."""
    expected = _parsed_or_none(version)
    if expected is None:
        raise ProjectError(
            f'{PYPROJECT} holds the version "{version}", which is not a PEP 440 version',
            "set it to a version such as 1.2.3",
        )
    if any(_parsed_or_none(f.version) != expected for f in files):
        raise VersionMismatch(
            [FileVersion(PYPROJECT, version)]
            + [FileVersion(f.spec.describe(), f.version) for f in files]
        )


def _parsed_or_none(text: str) -> Version | None:
    try:
        return parse_version(text)
    except InvalidVersion:
        return None
