"""Trusted publishing: the CI job's OIDC identity exchanged for a short-lived upload token.

The index names its audience (`GET <upload host>/_/oidc/audience`), PyPA's `id` library gets
the job's identity token for it (GitHub Actions with `id-token: write`, GitLab CI `id_tokens`,
and the other CI systems it knows), and the index swaps that for an API token
(`POST <upload host>/_/oidc/mint-token`) valid for about 15 minutes. Neither token is ever
printed: both are kept out of every message, and `MintedToken` hides its value.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.adapters.http import redact_url
from poetry_release_plugin.core.redaction import redact_with, remember_secret
from poetry_release_plugin.core.trusted_publishing import (
    IdentityClaims,
    MintRefusal,
    explain_mint_refusal,
    oidc_url,
)
from poetry_release_plugin.errors import TrustedPublishingError

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

DEFAULT_LIFETIME = 15 * 60.0  # what the index gives when its answer has no `expires`
TIMEOUT = 30.0


@dataclass(frozen=True)
class MintedToken:
    """A short-lived upload token; its value never shows in repr or messages."""

    value: str
    expires_at: float
    claims: IdentityClaims

    def __post_init__(self) -> None:
        remember_secret(self.value)  # hidden from every output from now on

    def __repr__(self) -> str:
        return f"MintedToken(expires_at={self.expires_at:.0f}, value=<hidden>)"


# The audiences PyPI documents for its trusted publishing, and GitLab's variables for them.
PYPI_AUDIENCES = {"pypi": "PYPI_ID_TOKEN", "testpypi": "TESTPYPI_ID_TOKEN"}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def expected_audience(upload_url: str, configured: str | None) -> str:
    """The audience an identity token may be minted for, for this upload URL: PyPI's or
    TestPyPI's (known by their URLs, as Poetry knows them), else the one configured
    (`oidc-audience`). Refuses an index that is neither, and plain HTTP off the loopback."""
    from urllib.parse import urlsplit

    from poetry_release_plugin.adapters.repositories import pypi_upload_url

    parts = urlsplit(upload_url)
    if parts.scheme != "https" and (parts.hostname or "") not in LOOPBACK_HOSTS:
        raise TrustedPublishingError(
            f"Trusted publishing needs HTTPS, and {redact_url(upload_url)} is not",
            "use the index's https:// upload URL (plain http is allowed on the loopback only)",
        )
    known = {
        audience: urlsplit(pypi_upload_url(test=test)).netloc
        for audience, test in (("pypi", False), ("testpypi", True))
    }
    if configured is not None:
        if not re.fullmatch(r"[\w.:/-]+", configured):
            raise TrustedPublishingError(
                f"oidc-audience = {configured!r} is not an audience (no spaces, no quotes)",
                'write the audience the index documents, for example oidc-audience = "myindex"',
            )
        loopback = (parts.hostname or "") in LOOPBACK_HOSTS
        if configured in known and parts.netloc != known[configured] and not loopback:
            raise TrustedPublishingError(
                f"oidc-audience = {configured!r} is {configured}'s own audience, and "
                f"{redact_url(upload_url)} is not {configured}: a token for it would let that "
                "index publish as you there",
                "set the audience the index documents for itself, or upload to the real one",
            )
        return configured
    for audience, test in (("pypi", False), ("testpypi", True)):
        if urlsplit(pypi_upload_url(test=test)).netloc == parts.netloc:
            return audience
    raise TrustedPublishingError(
        f"Trusted publishing mints tokens for PyPI and TestPyPI only, and "
        f"{redact_url(upload_url)} is neither",
        'for an index of your own that supports it, set oidc-audience = "AUDIENCE" in '
        "[tool.poetry-release] (the audience it documents); otherwise configure a token",
    )


def ambient_identity_token(audience: str) -> str | None:
    """The CI job's OIDC token for `audience` (PyPA's `id`), or None outside a known CI. On
    GitLab CI only the variables PyPI documents are read (`PYPI_ID_TOKEN`,
    `TESTPYPI_ID_TOKEN`), never another job token named after an index's answer."""
    import os

    import id as oidc

    if os.environ.get("GITLAB_CI") and audience not in PYPI_AUDIENCES:
        raise TrustedPublishingError(
            f"On GitLab CI trusted publishing reads PYPI_ID_TOKEN or TESTPYPI_ID_TOKEN only, "
            f"not a token for the audience {audience}",
            "publish to PyPI or TestPyPI with those id_tokens, or configure a token",
        )

    try:
        return oidc.detect_credential(audience)
    except oidc.GitHubOidcPermissionCredentialError:
        raise TrustedPublishingError(
            "This GitHub Actions job has no OIDC identity: the permission id-token: write is "
            "missing (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN are unset)",
            "add `permissions: id-token: write` to the publish job (poetry release init-ci "
            "writes such a workflow); on a pull request from a fork it is never granted",
        ) from None
    except oidc.IdentityError as error:
        raise TrustedPublishingError(
            f"Could not get this CI job's identity token for the audience {audience} ({error})",
            "on GitLab CI declare id_tokens: { PYPI_ID_TOKEN: { aud: pypi } } in the job; "
            "elsewhere check the CI system's OIDC settings, or configure a token",
        ) from None


class TrustedPublisher:
    """Mints upload tokens for one index from the job's ambient identity."""

    def __init__(
        self,
        upload_url: str,
        session: requests.Session,
        *,
        index_name: str,
        project: str,
        audience: str,
        identity: Callable[[str], str | None] = ambient_identity_token,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.upload_url = upload_url
        self.expected_audience = audience
        self._session = session
        self._index_name = index_name
        self._project = project
        self._identity = identity
        self._clock = clock

    def audience(self) -> str | None:
        """The audience the index wants in identity tokens, which must be the one expected;
        None if it has no trusted publishing (the endpoint is missing)."""
        url = oidc_url(self.upload_url, "audience")
        response = self._call("GET", url)
        if response.status_code == 404:
            return None
        data = self._json(response, url)
        audience = data.get("audience") if isinstance(data, dict) else None
        if response.status_code != 200 or not isinstance(audience, str) or not audience:
            raise TrustedPublishingError(
                f"{redact_url(url)} answered HTTP {response.status_code} without an audience",
                "check the repository's upload URL: trusted publishing needs an index that "
                "supports it",
            )
        if audience != self.expected_audience:
            raise TrustedPublishingError(
                f"{redact_url(url)} asks for identity tokens for the audience {audience!r}, "
                f"but this index's audience is {self.expected_audience!r}: no token was minted",
                "check the repository's upload URL (an index may not choose where your CI "
                "identity is valid); set oidc-audience in [tool.poetry-release] if the index "
                "really documents that audience",
            )
        return audience

    def identity_token(self) -> str | None:
        """The job's identity token for this index, or None outside a CI job with one."""
        audience = self.audience()
        if audience is None:
            return None
        return self._identity(audience)

    def mint(self, identity_token: str | None = None) -> MintedToken:
        """A fresh upload token (a new identity token is fetched unless one is given)."""
        token = identity_token or self.identity_token()
        remember_secret(token)
        if token is None:
            raise TrustedPublishingError(
                "This job has no OIDC identity to publish with",
                "run the upload in a CI job with one (GitHub Actions: permissions: "
                "id-token: write), or configure a token",
            )
        claims = IdentityClaims.from_token(token)
        url = oidc_url(self.upload_url, "mint-token")
        minted_at = self._clock()
        response = self._call("POST", url, json={"token": token})
        data = self._json(response, url, secret=token)
        if response.status_code == 200 and isinstance(data, dict) and data.get("token"):
            expires = data.get("expires")
            expires_at = (
                float(expires)
                if isinstance(expires, int | float) and not isinstance(expires, bool)
                else minted_at + DEFAULT_LIFETIME
            )
            return MintedToken(str(data["token"]), expires_at, claims)
        refusals = _refusals(data)
        if not refusals:
            refusals = [MintRefusal("", f"HTTP {response.status_code}")]
        what, fix = explain_mint_refusal(refusals, claims, self._index_name, self._project)
        raise TrustedPublishingError(redact_with(what, token), fix)

    def _call(self, method: str, url: str, json: Any = None) -> requests.Response:
        """One request, its whole answer within TIMEOUT seconds (an index trickling its answer
        a byte at a time satisfies every per-read timeout: one clock bounds the call)."""
        import requests

        from poetry_release_plugin.adapters.deadline import within_deadline
        from poetry_release_plugin.errors import DeadlineExceeded

        def call() -> requests.Response:
            response = self._session.request(
                method, url, json=json, timeout=TIMEOUT, allow_redirects=False
            )
            _ = response.content  # the body too, inside the deadline
            return response

        try:
            return within_deadline(TIMEOUT, call)
        except DeadlineExceeded:
            raise TrustedPublishingError(
                f"The index at {redact_url(url)} did not answer within {TIMEOUT:g} s",
                "check the network and the repository's upload URL, then run again",
            ) from None
        except requests.RequestException as error:
            raise TrustedPublishingError(
                f"The index at {redact_url(url)} did not answer ({type(error).__name__})",
                "check the network and the repository's upload URL, then run again",
            ) from None

    def _json(self, response: requests.Response, url: str, secret: str = "") -> Any:
        try:
            return response.json()
        except ValueError:
            if response.status_code == 404:
                return None
            raise TrustedPublishingError(
                redact_with(
                    f"{redact_url(url)} answered HTTP {response.status_code} with something "
                    "that is not JSON",
                    secret,
                ),
                "check the repository's upload URL: trusted publishing needs an index that "
                "supports it",
            ) from None


def _refusals(data: Any) -> list[MintRefusal]:
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return []
    return [
        MintRefusal(str(e.get("code", "")), str(e.get("description", "")).strip())
        for e in errors
        if isinstance(e, dict)
    ]
