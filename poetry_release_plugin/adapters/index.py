"""A package index's Simple API over HTTP: which files of a project it lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from poetry_release_plugin.adapters.http import RetryPolicy, redact_url, send
from poetry_release_plugin.core.simple_api import (
    ACCEPT,
    JSON_CONTENT_TYPE,
    parse_html_page,
    parse_json_page,
    project_page_url,
)
from poetry_release_plugin.errors import HttpUnavailable, PackageIndexError, UnreadablePage

if TYPE_CHECKING:
    from poetry_release_plugin.core.simple_api import IndexFile


class PackageIndex:
    """One index, by its Simple API root (for example `https://host/simple/`)."""

    def __init__(self, url: str, *, policy: RetryPolicy | None = None) -> None:
        self.url = url
        self._policy = policy or RetryPolicy()

    def project_files(self, project: str) -> list[IndexFile] | None:
        """The files the index lists for `project`, or None if it has never heard of it."""
        page = project_page_url(self.url, project)
        with httpx.Client(follow_redirects=True, max_redirects=10) as client:
            try:
                response = send(
                    client, "GET", page, policy=self._policy, headers={"Accept": ACCEPT}
                )
            except HttpUnavailable as error:
                raise PackageIndexError(
                    f"The index {redact_url(self.url)} did not answer ({error.reason})",
                    "check index-url / the repository, or run with --offline",
                ) from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise PackageIndexError(
                f"The index answered HTTP {response.status_code} for {redact_url(page)}",
                "check index-url / the repository and its credentials",
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if content_type == JSON_CONTENT_TYPE:
                return parse_json_page(response.text, str(response.url))
            return parse_html_page(response.text, str(response.url))
        except UnreadablePage as error:
            raise PackageIndexError(
                f"The index's answer for {redact_url(page)} is {error}",
                "check that index-url points at a Simple API root (it usually ends in /simple/)",
            ) from None
