"""The index's integrity API (PEP 740): a file's provenance, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from poetry_release_plugin.adapters.http import RetryPolicy, redact_url, send
from poetry_release_plugin.errors import HttpUnavailable, PackageIndexError

ACCEPT = "application/vnd.pypi.integrity.v1+json, application/json;q=0.9"


def fetch_provenance(url: str, policy: RetryPolicy | None = None) -> Any | None:
    """The provenance object at `url`, or None when the index has none for the file."""
    with httpx.Client(follow_redirects=True, max_redirects=5) as client:
        try:
            response = send(
                client, "GET", url, policy=policy or RetryPolicy(), headers={"Accept": ACCEPT}
            )
        except HttpUnavailable as error:
            raise PackageIndexError(
                f"The integrity API at {redact_url(url)} did not answer ({error.reason})",
                "run verify again later",
            ) from None
    if response.status_code == 404:
        return None
    try:
        data = response.json() if response.status_code == 200 else None
    except ValueError:
        data = None
    if data is None:
        raise PackageIndexError(
            f"The integrity API answered HTTP {response.status_code} for {redact_url(url)} "
            "without a provenance object",
            "check that the index has an integrity API (PyPI does)",
        )
    return data
