"""The Simple Repository API (PEP 503 HTML, PEP 691 JSON): file names, versions and pages.

Reading the pages is Poetry's (`adapters/index.py`); what a file name says is decided here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from packaging.version import InvalidVersion, Version

JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_CONTENT_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"


@dataclass(frozen=True)
class IndexFile:
    """A distribution file listed on an index, with what its name and hash say."""

    filename: str
    url: str
    version: str | None
    kind: str | None  # "wheel" or "sdist"
    sha256: str | None


class IndexReader(Protocol):
    """What the workflows ask a package index (`adapters.index.PackageIndex`; fakes in tests)."""

    @property
    def url(self) -> str:
        """The index's address as it may be printed."""

    def project_files(
        self, project: str, *, seconds: float | None = None
    ) -> list[IndexFile] | None:
        """The files listed for `project` (None: unknown project), within `seconds`."""


SDIST_SUFFIXES = (".tar.gz", ".zip")


def normalize_name(project: str) -> str:
    """A project name as PEP 503 normalizes it (`Foo_Bar.baz` -> `foo-bar-baz`)."""
    return re.sub(r"[-_.]+", "-", project).lower()


def project_page_url(index_url: str, project: str) -> str:
    """The project's page under an index's Simple API root (PEP 503 normalized name)."""
    return f"{index_url.rstrip('/')}/{normalize_name(project)}/"


def _version_part(filename: str) -> tuple[str, str] | None:
    """(kind, version text) from a wheel's or an sdist's file name (PEP 427, PEP 625)."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        return ("wheel", parts[1]) if len(parts) in (5, 6) else None
    for suffix in SDIST_SUFFIXES:
        if filename.endswith(suffix):
            _, dash, version = filename[: -len(suffix)].rpartition("-")
            return ("sdist", version) if dash else None
    return None


def describe_file(filename: str, url: str, sha256: str | None) -> IndexFile:
    """An IndexFile with the version and kind read from a distribution's file name."""
    found = _version_part(filename)
    if found is None:
        return IndexFile(filename, url, None, None, sha256)
    kind, text = found
    try:
        version = str(Version(text))
    except InvalidVersion:
        return IndexFile(filename, url, None, None, sha256)
    return IndexFile(filename, url, version, kind, sha256)


def has_version(files: list[IndexFile], version: str) -> bool:
    """Whether any listed file is of `version` (compared as PEP 440 versions)."""
    return bool(files_of_version(files, version))


def files_of_version(files: list[IndexFile], version: str) -> list[IndexFile]:
    """The listed files of `version` (compared as PEP 440 versions)."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        return []
    return [file for file in files if file.version is not None and Version(file.version) == wanted]


def previous_version(files: list[IndexFile], version: str) -> str | None:
    """The highest version below `version` among the files (None: it is the first)."""
    current = Version(version)
    below = {Version(f.version) for f in files if f.version and Version(f.version) < current}
    return str(max(below)) if below else None
