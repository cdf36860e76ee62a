"""The Simple Repository API (PEP 503 HTML, PEP 691 JSON): pages in, files and versions out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_CONTENT_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"


class UnreadablePage(ValueError):
    """A page that is not a Simple API project page."""


@dataclass(frozen=True)
class IndexFile:
    """A distribution file listed on an index, with what its name and hash say."""

    filename: str
    url: str
    version: str | None
    kind: str | None  # "wheel" or "sdist"
    sha256: str | None


def project_page_url(index_url: str, project: str) -> str:
    """The project's page under an index's Simple API root (PEP 503 normalized name)."""
    return f"{index_url.rstrip('/')}/{canonicalize_name(project)}/"


def describe_file(filename: str, url: str, sha256: str | None) -> IndexFile:
    """An IndexFile with the version and kind read from a distribution's file name."""
    version: Version | None = None
    kind: str | None = None
    try:
        if filename.endswith(".whl"):
            version, kind = parse_wheel_filename(filename)[1], "wheel"
        elif filename.endswith((".tar.gz", ".zip")):
            version, kind = parse_sdist_filename(filename)[1], "sdist"
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        version, kind = None, None
    return IndexFile(filename, url, str(version) if version else None, kind, sha256)


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
