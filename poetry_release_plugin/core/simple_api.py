"""The Simple Repository API (PEP 503 HTML, PEP 691 JSON): pages in, files and versions out."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from packaging.version import InvalidVersion, Version

from poetry_release_plugin.errors import UnreadablePage

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


def parse_json_page(text: str, page_url: str) -> list[IndexFile]:
    """Files of a PEP 691 JSON project page."""
    try:
        data: Any = json.loads(text)
        entries = data["files"]
        return [
            describe_file(
                entry["filename"],
                urljoin(page_url, entry["url"]),
                (entry.get("hashes") or {}).get("sha256"),
            )
            for entry in entries
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadablePage(f"not a Simple API JSON page ({error})") from None


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text).strip()))
            self._href = None


def parse_html_page(text: str, page_url: str) -> list[IndexFile]:
    """Files of a PEP 503 HTML project page (hashes from `#sha256=` fragments)."""
    if "<a" not in text.lower() and "<html" not in text.lower():
        raise UnreadablePage("not a Simple API HTML page")
    parser = _AnchorParser()
    parser.feed(text)
    files = []
    for href, label in parser.anchors:
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        filename = label or parts.path.rsplit("/", 1)[-1]
        fragment = dict(piece.split("=", 1) for piece in parts.fragment.split("&") if "=" in piece)
        files.append(describe_file(filename, url.split("#", 1)[0], fragment.get("sha256")))
    return files


def has_version(files: list[IndexFile], version: str) -> bool:
    """Whether any listed file is of `version` (compared as PEP 440 versions)."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        return False
    return any(file.version is not None and Version(file.version) == wanted for file in files)
