"""A package index through Poetry's own repository machinery.

Poetry's `LegacyRepository` and its `Authenticator` (through `poetry_api.py`) give the
repository's credentials (`http-basic.<name>`, `POETRY_HTTP_BASIC_<NAME>_*`, keyring, or
userinfo in the URL), its certificates (`certificates.<name>.cert`, `.client-cert`) and its
retries; Poetry's own page classes read PEP 691 JSON and PEP 503 HTML with their hashes. The
one thing read here is the status code, which Poetry's higher-level calls fold into "not
found": an index that refuses the credentials must say so. Every request has a total deadline
(see `deadline.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from poetry_release_plugin.adapters.deadline import within_deadline
from poetry_release_plugin.adapters.http import redact_url
from poetry_release_plugin.core.redaction import redact, remember_secret
from poetry_release_plugin.core.simple_api import (
    ACCEPT,
    JSON_CONTENT_TYPE,
    ProjectPage,
    describe_file,
    html_project_status,
    json_project_status,
    json_upload_times,
    project_page_url,
)
from poetry_release_plugin.errors import (
    DeadlineExceeded,
    IndexCredentialsRefused,
    PackageIndexError,
)

if TYPE_CHECKING:
    import requests
    from poetry.config.config import Config

    from poetry_release_plugin.adapters.poetry_api import PipView
    from poetry_release_plugin.core.simple_api import IndexFile

REQUEST_SECONDS = 10.0
READ_TIMEOUT = 10.0
MAX_REDIRECTS = 30  # requests' own limit
NOT_FOUND = (404, 410)
REFUSED = (401, 403)
HTML_CONTENT_TYPES = ("text/html", "application/vnd.pypi.simple.v1+html")


@dataclass(frozen=True)
class IndexAddress:
    """An index's Simple API root and the Poetry repository whose settings apply to it."""

    repository: str
    url: str = field(repr=False)  # may carry credentials: never printed

    @property
    def shown(self) -> str:
        """The URL as it may be printed (credentials hidden)."""
        return redact(self.url)


@dataclass(frozen=True)
class PipIndex:
    """How pip reaches an index with Poetry's settings (the URL may carry credentials)."""

    url: str = field(repr=False)
    cert: str | None = None
    client_cert: str | None = None
    trusted_host: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)


def _is_pypi(url: str) -> bool:
    """Whether a Simple API URL is PyPI's own."""
    from urllib.parse import urlsplit

    from poetry_release_plugin.adapters.repositories import pypi_simple_url

    return urlsplit(url).netloc == urlsplit(pypi_simple_url()).netloc


@dataclass
class _Seen:
    validators: dict[str, str]
    page: ProjectPage


class PackageIndex:
    """One index, asked through Poetry with the repository's credentials and certificates."""

    def __init__(
        self, address: IndexAddress, config: Config, *, request_seconds: float = REQUEST_SECONDS
    ) -> None:
        from poetry_release_plugin.adapters.poetry_api import IndexRepository

        self.address = address
        self.repository = address.repository
        self.url = address.shown
        self.request_seconds = request_seconds
        # "pypi" is reserved for Poetry's PyPI repository class; its pages need no credentials.
        name = "pypi-simple" if address.repository == "pypi" else address.repository
        if address.repository == "pypi" and not _is_pypi(address.url):
            # `repositories.pypi.url` pointing elsewhere (a committed poetry.toml, say): PyPI's
            # credentials never go with the look-up; the index is read as an anonymous one.
            from poetry.config.config import Config

            config = Config(use_environment=False)
        self._poetry_repository = IndexRepository(name, address.url, config)
        self._seen: dict[str, _Seen] = {}
        self._last_answer = ""  # what the last attempt got, for "no answer in time" messages
        self._redirects = 0

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        """What the index lists for `project` (its files and status), or None if it has never
        heard of it.

        Asks conditionally when the index gave validators before (a 304 costs nothing), and
        never for longer than `seconds` (default: this index's request budget).
        """
        url = project_page_url(self.address.url, project)
        seen = self._seen.get(url)
        headers = {"Accept": ACCEPT, **(seen.validators if seen else {})}
        budget = self.request_seconds if seconds is None else min(seconds, self.request_seconds)
        self._last_answer, self._redirects = "", 0
        try:
            response = within_deadline(budget, lambda: self._get(url, headers, budget))
        except DeadlineExceeded:
            last = f" (it last answered {self._last_answer})" if self._last_answer else ""
            raise PackageIndexError(
                f"The index {self.url} gave no complete answer within {budget:g} s{last}",
                "check that it is up (or give more time with --timeout), or run with --offline",
            ) from None
        except Exception as error:  # requests' and Poetry's errors: described, never echoed
            raise PackageIndexError(
                f"The index {self.url} did not answer ({_describe(error, self.repository)})",
                "check the repository's URL and certificates in Poetry's config, "
                "or run with --offline",
            ) from None
        if response.status_code == 304 and seen is not None:
            return seen.page
        if response.status_code in NOT_FOUND:
            return None
        if response.status_code in REFUSED:
            raise self._refused(url)
        if response.status_code != 200:
            raise PackageIndexError(
                f"The index {self.url} answered HTTP {response.status_code} for {project}",
                "check the repository's URL in Poetry's config (or index-url)",
            )
        page = _page_of(response, self.repository)
        validators = {
            request_header: response.headers[answer_header]
            for answer_header, request_header in (
                ("ETag", "If-None-Match"),
                ("Last-Modified", "If-Modified-Since"),
            )
            if answer_header in response.headers
        }
        self._seen[url] = _Seen(validators, page)
        return page

    def download(self, file: IndexFile, *, seconds: float = 120.0) -> bytes | None:
        """A file's bytes as the index serves them (with the repository's credentials), or
        None when it does not give them within `seconds`."""

        def fetch() -> requests.Response:
            return self._poetry_repository.get(file.url, timeout=(5.0, READ_TIMEOUT))

        try:
            response = within_deadline(seconds, fetch)
        except Exception:  # requests' and Poetry's errors, a deadline: the caller says what
            return None
        return response.content if response.status_code == 200 else None

    def pip_index(self) -> PipIndex:
        """This index for pip: its URL with Poetry's credentials, and its certificates."""
        return pip_index_for(self._poetry_repository.pip_view())

    def _get(self, url: str, headers: dict[str, str], budget: float) -> requests.Response:
        return self._poetry_repository.get(
            url,
            headers=headers,
            timeout=(min(5.0, budget), min(READ_TIMEOUT, budget)),
            on_response=self._remember,  # Poetry retries 5xx itself: keep what it got
        )

    def _remember(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        self._redirects = self._redirects + 1 if response.is_redirect else 0
        too_many = self._redirects > MAX_REDIRECTS
        self._last_answer = "too many redirects" if too_many else f"HTTP {response.status_code}"

    def _refused(self, page: str) -> PackageIndexError:
        password = self._poetry_repository.password_for(page)
        name = self.repository.upper().replace("-", "_")
        fix = (
            f"poetry config http-basic.{self.repository} USER PASSWORD (or set "
            f"POETRY_HTTP_BASIC_{name}_USERNAME and _PASSWORD, or use keyring)"
        )
        if password:
            return IndexCredentialsRefused(
                f"The index {self.url} refused the credentials for repository {self.repository}",
                f"check them: {fix}",
            )
        return IndexCredentialsRefused(
            f"The index {self.url} needs credentials, and Poetry has none for repository "
            f"{self.repository}",
            fix,
        )


def pip_index_for(repository: PipView) -> PipIndex:
    """pip's view of a Poetry HTTP repository: URL with credentials, CA, client certificate."""
    remember_secret(repository.password)  # hidden from every output from now on
    url = repository.url
    return PipIndex(
        url=url if url.endswith("/") else f"{url}/",
        cert=repository.cert,
        client_cert=repository.client_cert,
        trusted_host=None if repository.verify else urlsplit(url).hostname,
        secrets=tuple(filter(None, (repository.password,))),
    )


def _page_of(response: requests.Response, repository: str = "") -> ProjectPage:
    """A project page: its files read by Poetry's own PEP 691 / PEP 503 page classes (names,
    hashes, PEP 592 yanks), plus what they do not give on every Poetry supported: PEP 700
    upload times and the PEP 792 project status."""
    from poetry_release_plugin.adapters.poetry_api import page_links

    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type not in (*HTML_CONTENT_TYPES, JSON_CONTENT_TYPE):
        raise PackageIndexError(
            f"The index's answer for {redact_url(response.url)} is not a Simple API page "
            f"(content type {content_type or 'none'})",
            "check that index-url points at a Simple API root (it usually ends in /simple/)",
        )
    try:
        content = response.json() if content_type == JSON_CONTENT_TYPE else None
        links = page_links(response.url, content, response.text if content is None else "")
        status = (
            json_project_status(content)
            if content is not None
            else html_project_status(response.text)
        )
        times = json_upload_times(content) if content is not None else {}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise PackageIndexError(
            f"The index's answer for {redact_url(response.url)} is not a Simple API page "
            f"({type(error).__name__})",
            "check that index-url points at a Simple API root (it usually ends in /simple/)",
        ) from None
    files = [
        describe_file(
            link.filename,
            link.url,
            link.sha256,
            yanked=link.yanked,
            upload_time=times.get(link.filename),
        )
        for link in links
    ]
    return ProjectPage(files, status)


def _describe(error: BaseException, repository: str) -> str:
    """A short reason for a failed request, from the error and its causes (no URLs)."""
    import requests

    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in chain:
        if isinstance(item, requests.exceptions.SSLError):
            return (
                "its TLS certificate is not trusted: set certificates."
                f"{repository}.cert to its CA bundle"
            )
    for item in chain:
        if isinstance(item, requests.exceptions.TooManyRedirects):
            return "too many redirects"
        if isinstance(item, requests.exceptions.Timeout):
            return "no answer in time"
        if isinstance(item, requests.exceptions.ConnectionError | ConnectionError):
            return "connection failed"
    return type(error).__name__
