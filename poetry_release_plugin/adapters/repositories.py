"""Which package index a Poetry repository name stands for, from Poetry's own configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from poetry_release_plugin.adapters.index import IndexAddress

if TYPE_CHECKING:
    from poetry.config.config import Config

    from poetry_release_plugin.config import ReleaseSettings


def pypi_simple_url(*, test: bool = False) -> str:
    """PyPI's Simple API root as Poetry itself knows PyPI (TestPyPI's: the `test.` host)."""
    from poetry_release_plugin.adapters.poetry_api import pypi_base_url

    base = urlsplit(pypi_base_url())
    host = f"test.{base.netloc}" if test else base.netloc
    return urlunsplit((base.scheme, host, "/simple/", "", ""))


def pypi_upload_url(*, test: bool = False) -> str:
    """PyPI's upload endpoint (`upload.` host) or TestPyPI's (`test.` host), both `/legacy/`."""
    base = urlsplit(pypi_simple_url())
    host = f"test.{base.netloc}" if test else f"upload.{base.netloc}"
    return urlunsplit((base.scheme, host, "/legacy/", "", ""))


def simple_url_from_repository_url(url: str) -> str:
    """The Simple API root next to a repository's upload URL (`.../legacy/` -> `.../simple/`)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/legacy"):
        path = path[: -len("/legacy")]
    if not path.endswith("/simple"):
        path = f"{path}/simple"
    return urlunsplit((parts.scheme, parts.netloc, f"{path}/", "", ""))


def repository_url(config: Config, repository: str) -> str | None:
    """The URL Poetry has for a named repository (config or POETRY_REPOSITORIES_*_URL)."""
    url = config.get(f"repositories.{repository}.url")
    return str(url) if url else None


def simple_index_url(config: Config, repository: str) -> str | None:
    """The Simple API root of a Poetry repository, or None when Poetry does not know it."""
    url = repository_url(config, repository)
    if url:
        return simple_url_from_repository_url(url)
    if repository in ("pypi", "testpypi"):
        return pypi_simple_url(test=repository == "testpypi")
    return None


def index_address(
    settings: ReleaseSettings, config: Config, repository: str | None, override: str | None = None
) -> IndexAddress | None:
    """The index to look a release up in, and the Poetry repository whose credentials and
    certificates apply: the override, index-url (for the configured repository), else the
    Simple API of the repository as Poetry knows it. None when nothing says which index."""
    name = repository or settings.repository
    if override:
        return IndexAddress(name, override)
    if settings.index_url and name == settings.repository:
        return IndexAddress(name, settings.index_url)
    url = simple_index_url(config, name)
    return IndexAddress(name, url) if url else None
