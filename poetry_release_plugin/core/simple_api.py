"""The Simple Repository API (PEP 503 HTML, PEP 691 JSON): file names, versions and pages.

Reading the pages is Poetry's (`adapters/index.py`); what a file name says is decided here,
and so are the fields Poetry's page classes do not give across the Poetry versions supported:
a file's upload time (PEP 700, JSON only) and the project's status marker (PEP 792).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Protocol

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from poetry.core.constraints.version import Version as PoetryVersion

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
    yanked: str | None = None  # PEP 592: None, or the reason ("" when none is given)
    upload_time: datetime | None = None  # PEP 700 `upload-time` (JSON pages only), in UTC


ACTIVE = "active"
NO_UPLOADS = ("archived", "quarantined")  # PEP 792: the index MUST NOT allow uploads


@dataclass(frozen=True)
class ProjectStatus:
    """A project's PEP 792 status marker (`active` when the index gives none) and reason."""

    marker: str = ACTIVE
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", one_line(self.reason))

    def describe(self) -> str:
        """The marker with its reason, for messages."""
        return f"{self.marker} ({self.reason})" if self.reason else self.marker


@dataclass(frozen=True)
class ProjectPage:
    """What an index's page for one project lists: its files, and its status."""

    files: list[IndexFile]
    status: ProjectStatus = field(default_factory=ProjectStatus)


class IndexReader(Protocol):
    """What the workflows ask a package index (`adapters.index.PackageIndex`; fakes in tests)."""

    @property
    def url(self) -> str:
        """The index's address as it may be printed."""

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        """The page listed for `project` (None: unknown project), within `seconds`."""


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


def describe_file(
    filename: str,
    url: str,
    sha256: str | None,
    *,
    yanked: str | None = None,
    upload_time: datetime | None = None,
) -> IndexFile:
    """An IndexFile with the version and kind read from a distribution's file name (a yank
    reason with control characters or line breaks is flattened: the index wrote it)."""
    if yanked:
        yanked = one_line(yanked)
    found = _version_part(filename)
    kind, version = None, None
    if found is not None:
        with contextlib.suppress(InvalidVersion):
            kind, version = found[0], str(Version(found[1]))
    return IndexFile(filename, url, version, kind, sha256, yanked=yanked, upload_time=upload_time)


_SECONDS_FRACTION = re.compile(r"(?<=:\d\d)\.(\d+)")


def parse_upload_time(value: object) -> datetime | None:
    """A PEP 700 `upload-time` (`yyyy-mm-ddThh:mm:ss.ffffffZ`, UTC), or None when it is absent
    or not such a time."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Six digits of fraction, as Python 3.10's fromisoformat needs (3.11+ takes any number).
    text = _SECONDS_FRACTION.sub(lambda found: "." + found[1][:6].ljust(6, "0"), text, count=1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def json_upload_times(content: Any) -> dict[str, datetime]:
    """Each file's PEP 700 `upload-time` on a PEP 691 project page, by file name."""
    files = content.get("files") if isinstance(content, dict) else None
    times = {}
    for entry in files if isinstance(files, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("filename"), str):
            found = parse_upload_time(entry.get("upload-time"))
            if found is not None:
                times[entry["filename"]] = found
    return times


def _status(marker: object, reason: object) -> ProjectStatus:
    if not isinstance(marker, str) or not marker.strip():
        return ProjectStatus()
    return ProjectStatus(marker.strip().lower(), reason.strip() if isinstance(reason, str) else "")


def json_project_status(content: Any) -> ProjectStatus:
    """The PEP 792 status of a PEP 691 project page (API version 1.4): the top-level
    `project-status` object's `status` and `reason`; `active` when absent."""
    found = content.get("project-status") if isinstance(content, dict) else None
    if not isinstance(found, dict):
        return ProjectStatus()
    # PEP 792's prose names the key `state`, its example and the index itself `status`.
    marker = found.get("status", found.get("state"))
    return _status(marker, found.get("reason"))


class _MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        values = dict(attrs)
        name, content = values.get("name"), values.get("content")
        if name is not None and content is not None:
            self.found.setdefault(name.strip().lower(), content)


def html_project_status(text: str) -> ProjectStatus:
    """The PEP 792 status of a PEP 503 project page: its `pypi:project-status` and
    `pypi:project-status-reason` meta tags; `active` when absent."""
    parser = _MetaTags()
    parser.feed(text)
    parser.close()
    tags = parser.found
    return _status(tags.get("pypi:project-status"), tags.get("pypi:project-status-reason"))


def yanked_reasons(files: list[IndexFile], version: str) -> list[str] | None:
    """Whether `version` is yanked on the index: None when it has a file that is not yanked
    (or no file), else the reasons given (PEP 592: a release is yanked when all its files are)."""
    mine = files_of_version(files, version)
    if not mine or any(f.yanked is None for f in mine):
        return None
    return list(dict.fromkeys(f.yanked for f in mine if f.yanked))


def next_free(files: list[IndexFile], taken: PoetryVersion) -> str:
    """The lowest version of the same kind above `taken` that the index does not list (a
    version past one it has, yanked or not): the next pre-release, dev or post release for
    one of those, else the next patch release."""

    def following(version: PoetryVersion) -> PoetryVersion:
        if version.is_devrelease():
            return version.next_devrelease()
        if version.is_unstable():
            return version.next_prerelease()
        if version.is_postrelease():
            return version.next_postrelease()
        return version.next_patch()

    candidate = following(taken)
    while has_version(files, candidate.text):
        candidate = following(candidate)
    return candidate.text


def one_line(text: str) -> str:
    """Text from an index, safe to print on one line: control characters and line breaks
    become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def describe_yank(version: str, reasons: list[str]) -> str:
    """`1.2.0 was yanked (reason)`, for messages."""
    return f"{version} was yanked" + (f" ({'; '.join(reasons)})" if reasons else "")


UPLOAD_WINDOW = timedelta(days=14)  # PyPI takes no new file into a release older than this


def first_upload(files: list[IndexFile], version: str) -> datetime | None:
    """When the index says the first file of `version` was uploaded (None: it does not say)."""
    times = [f.upload_time for f in files_of_version(files, version) if f.upload_time]
    return min(times) if times else None


def closed_release(
    files: list[IndexFile], version: str, adding: list[str], now: datetime
) -> datetime | None:
    """The first upload of `version` when it is older than the upload window and files in
    `adding` are not on the index yet (PyPI would refuse them), else None."""
    listed = {f.filename for f in files_of_version(files, version)}
    if not [name for name in adding if name not in listed]:
        return None
    first = first_upload(files, version)
    if first is None or now - first <= UPLOAD_WINDOW:
        return None
    return first


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
