"""Which package index a Poetry repository name stands for, from Poetry's own configuration."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from poetry.config.config import Config


def pypi_simple_url() -> str:
    """PyPI's Simple API root, as Poetry itself knows PyPI."""
    from poetry.repositories.pypi_repository import PyPiRepository

    base = inspect.signature(PyPiRepository).parameters["url"].default
    return f"{str(base).rstrip('/')}/simple/"


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
    if repository == "pypi":
        return pypi_simple_url()
    url = repository_url(config, repository)
    return simple_url_from_repository_url(url) if url else None
