"""The one place a command opens GitHub and the package index, with one policy for both.

- No token: `github()` is None, and the caller says it was not asked (status, verify);
  `required_github()` raises NoGitHubToken saying which variable or login gives one (cut
  creating a release, notes --update).
- A remote whose GitHub cannot be told, or that is not on GitHub (and no API configured):
  raises a ConfigError saying how to configure it, so no token is ever sent elsewhere;
  `known_github_address()` is None instead, for what only links to GitHub (notes, provenance).
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
    from collections.abc import Mapping

    from poetry.poetry import Poetry

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.github import GitHub
    from poetry_release_plugin.adapters.index import PackageIndex, PipIndex
    from poetry_release_plugin.core.github_address import GitHubAddress
    from poetry_release_plugin.core.project import Project


class Services:
    """GitHub and package indexes for one command run."""

    def __init__(
        self,
        poetry: Poetry,
        project: Project,
        git: Git,
        *,
        remote: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.poetry = poetry
        self.project = project
        self.git = git
        self.remote = remote or project.settings.remote
        self.environ = os.environ if environ is None else environ
        self._address: GitHubAddress | None = None
        self._github: GitHub | None = None

    def close(self) -> None:
        """Close every client opened."""
        if self._github is not None:
            self._github.close()
            self._github = None

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
        from poetry_release_plugin.adapters.index import pip_index_for
        from poetry_release_plugin.adapters.poetry_api import pip_view, project_sources

        return [pip_index_for(pip_view(source)) for source in project_sources(self.poetry)]

    def github_address(self) -> GitHubAddress:
        """Which GitHub the project releases to: GITHUB_REPOSITORY or github-repository, else
        the remote's URL; a ConfigError says how to configure it when that cannot be told."""
        from poetry_release_plugin.core.github_address import resolve_github_address

        if self._address is None:
            remote_url = self.git.remote_url(self.remote) if self.git.is_work_tree() else None
            self._address = resolve_github_address(self.project.settings, self.environ, remote_url)
        return self._address

    def known_github_address(self) -> GitHubAddress | None:
        """The GitHub address, or None when it cannot be told (for links, never for a token)."""
        from poetry_release_plugin.errors import ConfigError

        try:
            return self.github_address()
        except ConfigError:
            return None

    def github(self) -> GitHub | None:
        """The GitHub client with the user's token for the API's host, or None without a token
        (one client per run, closed by `close()`)."""
        from poetry_release_plugin.adapters.github import GitHub, find_token

        if self._github is None:
            address = self.github_address()
            token = find_token(self.environ, address.api_host)
            if token is None:
                return None
            self._github = GitHub(address, token)
        return self._github

    def required_github(self, *, instead: str = "") -> GitHub:
        """The GitHub client, or NoGitHubToken saying how to give a token (or the option that
        does without GitHub, `instead`): for what writes to GitHub (a release, its body)."""
        from poetry_release_plugin.errors import NoGitHubToken

        github = self.github()
        if github is None:
            raise NoGitHubToken(self.github_address().api_host, instead)
        return github
