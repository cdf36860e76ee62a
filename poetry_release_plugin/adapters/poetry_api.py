"""The parts of Poetry the plugin leans on that are not Poetry's plugin API, in one place, with
the Poetry versions each was checked on (`make test-floor`: 2.1.0; `make test-matrix`: the
newest patch of 2.1 to 2.5). When Poetry changes one of these, this module is where the plugin
adapts; no other module imports them (tests/unit/test_layers.py holds it).

Each internal, what it is used for, and the Poetry versions it was checked on:

- `PyPiRepository.__init__`'s `url` default: PyPI's address as Poetry knows it. 2.1-2.5.
- `Uploader`, subclassed (`post_data`, `files`, `make_session`): one file per upload with its
  PEP 740 attestations, the index's answers kept. 2.1-2.5.
- `Uploader.files`, `Uploader.make_session`: the files `poetry publish` would send; a session
  as it makes one. 2.1-2.5.
- `Authenticator` (`get_pypi_token`, `get_http_auth`, `get_certs_for_repository`): a
  repository's credentials and certificates, as `poetry publish` finds them. 2.1-2.5.
- `LegacyRepository`; `HTTPRepository.session`, `.authenticated_url`, `.certificates`: an
  index's pages and files with Poetry's credentials, certificates and retries. 2.1-2.5.
- `HTMLPage`, `SimpleJsonPage` (their `links`): PEP 503 / PEP 691 pages read as Poetry reads
  them. 2.1-2.5.
- `EnvManager`, `VirtualEnv`: the environment `poetry run` uses. 2.1-2.5.
- `IOHandler`: the handler of Poetry's log lines, swapped for a redacting one. 2.1-2.5.
- `TOMLFile`: the project's own `poetry.toml`. 2.1-2.5.

Shapes that changed inside that range: `Uploader.post_data` is an instance method up to 2.2 and
a classmethod from 2.3 (both are called as `self.post_data(file)`); `Uploader.files` is wheel
first up to 2.2 and sdist first after, so the plugin uploads in its own order (wheel first).
Poetry's message text is never parsed: an upload's reason comes from the index's answer.

Everything else the plugin takes from Poetry (`Factory`, `Poetry`, `Config`, `Command` with
`poetry`/`set_poetry`, `ApplicationPlugin`, poetry-core's versions) is the API its plugins use.
"""

from __future__ import annotations

import functools
import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

    import requests
    from cleo.io.io import IO
    from poetry.config.config import Config
    from poetry.poetry import Poetry
    from poetry.repositories.legacy_repository import LegacyRepository


def pypi_base_url() -> str:
    """PyPI's base URL as Poetry's own PyPI repository class defaults to it."""
    from poetry.repositories.pypi_repository import PyPiRepository

    return str(inspect.signature(PyPiRepository).parameters["url"].default)


# --- Uploads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadAnswer:
    """What came of one file's upload: the index's answers, in order, and Poetry's error text
    when its uploader raised (shown as it is, never parsed)."""

    responses: list[requests.Response]
    error: str | None


def upload_one_file(
    poetry: Poetry,
    io: IO,
    file: Path,
    *,
    url: str,
    certificates: tuple[Path | bool, Path | None],
    username: str | None,
    password: str | None,
    attestations: list[Any],
) -> UploadAnswer:
    """Upload `file` with Poetry's own uploader (its metadata, hashes, "file exists"
    handling), the attestations in the form field `attestations` (a JSON array)."""
    from poetry.publishing.uploader import UploadError

    uploader = _one_file_uploader()(poetry, io, file, attestations)
    uploader.auth(username, password)
    cert, client_cert = certificates
    try:
        uploader.upload(url, cert=cert, client_cert=client_cert, skip_existing=True)
    except UploadError as error:
        return UploadAnswer(uploader.responses, str(error))
    return UploadAnswer(uploader.responses, None)


@functools.cache
def _one_file_uploader() -> Any:
    """Poetry's `Uploader`, for one file with its attestations, keeping the index's answers
    (made on first use: the module stays cheap to import)."""
    from poetry.publishing.uploader import Uploader

    class OneFileUploader(Uploader):
        def __init__(self, poetry: Poetry, io: IO, file: Path, attestations: list[Any]) -> None:
            super().__init__(poetry, io, file.parent)
            self._file = file
            self._attestations = attestations
            self.responses: list[requests.Response] = []

        @property
        def files(self) -> list[Path]:
            return [self._file]

        # An instance method: Poetry 2.1 defines post_data on the instance, later 2.x on the
        # class, and both call it as self.post_data(file) (the floor test runs it on 2.1).
        def post_data(self, file: Path) -> dict[str, Any]:  # type: ignore[override]
            data = super().post_data(file)
            if self._attestations:
                data["attestations"] = json.dumps(self._attestations)
            return data

        def make_session(self) -> requests.Session:
            session = super().make_session()
            session.hooks["response"].append(self._keep_answer)
            return session

        def _keep_answer(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
            self.responses.append(response)

    return OneFileUploader


def uploader_session(
    poetry: Poetry, io: IO, username: str | None = None, password: str | None = None
) -> requests.Session:
    """A session as Poetry's uploader makes it (its user agent, the credentials if given)."""
    from poetry.publishing.uploader import Uploader

    uploader = Uploader(poetry, io)
    if password is not None:
        uploader.auth(username, password)
    return uploader.make_session()


def publishable_files(poetry: Poetry, io: IO, dist: Path) -> list[Path]:
    """The files of the newest version in `dist` that Poetry's publisher would send."""
    from poetry.publishing.uploader import Uploader

    return Uploader(poetry, io, dist_dir=dist).files


# --- Credentials and certificates -----------------------------------------------------------


@dataclass(frozen=True)
class RepositorySecrets:
    """What Poetry has for a repository's uploads: a token, or a username and password."""

    token: str | None
    username: str | None
    password: str | None


def repository_secrets(poetry: Poetry, io: IO, repository: str) -> RepositorySecrets:
    """A repository's upload credentials as `poetry publish` finds them (config, environment,
    keyring)."""
    from poetry.utils.authenticator import Authenticator

    authenticator = Authenticator(poetry.config, io)
    auth = authenticator.get_http_auth(repository)
    return RepositorySecrets(
        authenticator.get_pypi_token(repository),
        auth.username if auth is not None else None,
        auth.password if auth is not None else None,
    )


def repository_certificates(
    poetry: Poetry, io: IO, repository: str
) -> tuple[Path | bool, Path | None]:
    """A repository's CA bundle (or whether to verify) and client certificate, from Poetry's
    `certificates.<name>.*`."""
    from poetry.utils.authenticator import Authenticator

    certificates = Authenticator(poetry.config, io).get_certs_for_repository(repository)
    return certificates.cert or certificates.verify, certificates.client_cert


def merge_project_config(config: Config, folder: Path) -> None:
    """Merge the project's own `poetry.toml` (if any) into `config`, as Poetry does."""
    from poetry.toml.file import TOMLFile

    local = TOMLFile(folder / "poetry.toml")
    if local.exists():
        config.merge(local.read())


# --- Indexes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLink:
    """One file a Simple API page lists."""

    filename: str
    url: str
    sha256: str | None
    yanked: str | None  # the reason ("" for none given) when yanked, else None


@dataclass(frozen=True)
class PipView:
    """An HTTP repository as pip reaches it."""

    url: str  # with the credentials in it
    password: str | None
    cert: str | None
    client_cert: str | None
    verify: bool


class IndexRepository:
    """A Poetry repository for an index: its credentials, certificates and retries."""

    def __init__(self, name: str, url: str, config: Config) -> None:
        from poetry.repositories.legacy_repository import LegacyRepository

        self._repository: LegacyRepository = LegacyRepository(
            name, url, config=config, disable_cache=True
        )

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: tuple[float, float],
        on_response: Any = None,
    ) -> requests.Response:
        """GET `url` with the repository's credentials, never raising for a status; each
        answer (redirects and Poetry's own retries too) goes to `on_response` first."""
        authenticator = self._repository.session
        if on_response is not None:
            hooks = authenticator.get_session(url).hooks["response"]
            if on_response not in hooks:
                hooks.append(on_response)
        return authenticator.get(url, raise_for_status=False, headers=headers, timeout=timeout)

    def password_for(self, url: str) -> str | None:
        """The password Poetry would send to `url`, if any."""
        return self._repository.session.get_credentials_for_url(url).password

    def pip_view(self) -> PipView:
        """This repository as pip reaches it."""
        return pip_view(self._repository)


def pip_view(repository: object) -> PipView:
    """A Poetry HTTP repository (one of a project's sources too) as pip reaches it."""
    from poetry.repositories.http_repository import HTTPRepository

    assert isinstance(repository, HTTPRepository)
    credential = repository.session.get_credentials_for_url(repository.url)
    certificates = repository.certificates
    return PipView(
        repository.authenticated_url,
        credential.password,
        str(certificates.cert) if certificates.cert else None,
        str(certificates.client_cert) if certificates.client_cert else None,
        bool(certificates.verify),
    )


def project_sources(poetry: Poetry) -> list[object]:
    """The project's HTTP package sources, in Poetry's order."""
    from poetry.repositories.http_repository import HTTPRepository

    return [r for r in poetry.pool.all_repositories if isinstance(r, HTTPRepository)]


def page_links(url: str, json_content: Any, html: str) -> list[PageLink]:
    """The files a PEP 691 JSON page (`json_content`, when not None) or a PEP 503 HTML page
    lists, read by Poetry's own page classes (names, hashes, PEP 592 yanks)."""
    from poetry.repositories.link_sources.html import HTMLPage
    from poetry.repositories.link_sources.json import SimpleJsonPage

    page = SimpleJsonPage(url, json_content) if json_content is not None else HTMLPage(url, html)
    return [
        PageLink(
            link.filename,
            link.url_without_fragment,
            link.hashes.get("sha256"),
            link.yanked_reason if link.yanked else None,
        )
        for link in page.links
    ]


# --- Environments and logging ---------------------------------------------------------------


@dataclass(frozen=True)
class PoetryEnvironment:
    """The environment `poetry run` uses."""

    python: Path
    bin_dir: Path
    is_virtualenv: bool
    is_the_interpreter_poetry_runs_on: bool


def poetry_environment(poetry: Poetry) -> PoetryEnvironment:
    """The environment `poetry run` would use (the interpreter Poetry runs on when Poetry has
    made no environment for the project yet)."""
    from poetry.utils.env import EnvManager, VirtualEnv

    manager = EnvManager(poetry)
    env = manager.get()
    return PoetryEnvironment(
        Path(env.python),
        Path(env.bin_dir),
        isinstance(env, VirtualEnv),
        env.path == manager.get_system_env().path,
    )


def is_poetry_log_handler(handler: logging.Handler) -> bool:
    """Whether `handler` is the one Poetry's console writes its log lines through."""
    from poetry.console.logging.io_handler import IOHandler

    return isinstance(handler, IOHandler)
