"""The one place a command opens GitHub and the package index, with one policy for both.

- No token: GitHub is None, and the caller says it was not asked; a remote not on GitHub (and
  no API configured) raises, and the caller says how to configure it.
- No index known for the repository: the index is None, and the caller says so.
- No answer: the adapters raise `ReleaseError`s with the reason; `status` notes them, `prepare`
  warns (except refused credentials, which stop it), `verify` fails the check.
Everything opened here is closed by `close()` (commands use `contextlib.closing`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.index import REQUEST_SECONDS

if TYPE_CHECKING:
    from poetry.poetry import Poetry

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.github import GitHub
    from poetry_release_plugin.adapters.index import PackageIndex, PipIndex
    from poetry_release_plugin.console.base import ConsoleReporter
    from poetry_release_plugin.core.project import Project


class Services:
    """GitHub and package indexes for one command run."""

    def __init__(
        self,
        poetry: Poetry,
        project: Project,
        git: Git,
        reporter: ConsoleReporter,
        *,
        remote: str | None = None,
    ) -> None:
        self.poetry = poetry
        self.project = project
        self.git = git
        self.reporter = reporter
        self.remote = remote or project.settings.remote
        self._github: list[GitHub] = []

    def close(self) -> None:
        """Close every client opened."""
        for client in self._github:
            client.close()
        self._github.clear()

    def index(
        self,
        repository: str | None = None,
        index_url: str | None = None,
        *,
        request_seconds: float = REQUEST_SECONDS,
    ) -> PackageIndex | None:
        """The index of `repository` (or the configured one) through Poetry, or None when
        neither the options, `[tool.poetry-release]` nor Poetry say which index it is."""
        from poetry_release_plugin.adapters.index import PackageIndex
        from poetry_release_plugin.adapters.repositories import index_address

        address = index_address(
            self.project.settings, self.poetry.config, repository, override=index_url
        )
        if address is None:
            return None
        return PackageIndex(address, self.poetry.config, request_seconds=request_seconds)

    def dependency_indexes(self) -> list[PipIndex]:
        """Poetry's sources for the project's dependencies, as pip reaches them (PyPI unless
        the project configures a primary source), in Poetry's order."""
        from poetry.repositories.http_repository import HTTPRepository

        from poetry_release_plugin.adapters.index import pip_index_for

        return [
            pip_index_for(repository)
            for repository in self.poetry.pool.all_repositories
            if isinstance(repository, HTTPRepository)
        ]

    def github(self) -> GitHub | None:
        """A GitHub client with the user's token for the API's host, or None without a token.

        A remote whose GitHub cannot be told, or that is not on GitHub (with no API configured),
        raises a ConfigError saying how to configure it: no token is ever sent elsewhere."""
        from poetry_release_plugin.adapters.github import GitHub, find_token
        from poetry_release_plugin.core.github_address import resolve_github_address

        remote_url = self.git.remote_url(self.remote) if self.git.is_work_tree() else None
        address = resolve_github_address(self.project.settings, os.environ, remote_url)
        token = find_token(os.environ, address.api_host)
        if token is None:
            return None
        client = GitHub(address, token)
        self._github.append(client)
        return client
