"""Which GitHub repository a project releases to, and where its API and web pages are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from poetry_release_plugin.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from poetry_release_plugin.config import ReleaseSettings

PUBLIC_HOST = "github.com"
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


@dataclass(frozen=True)
class GitHubAddress:
    """A GitHub repository: `owner/name`, its web root and its REST API root."""

    owner: str
    name: str
    web_url: str
    api_url: str

    @property
    def full_name(self) -> str:
        """`owner/name`."""
        return f"{self.owner}/{self.name}"

    @property
    def html_url(self) -> str:
        """The repository's web page."""
        return f"{self.web_url}/{self.full_name}"

    def compare_url(self, start: str, end: str) -> str:
        """The web page comparing two refs."""
        return f"{self.html_url}/compare/{start}...{end}"


def parse_remote_url(url: str) -> tuple[str, str, str] | None:
    """(host, owner, name) from an https, ssh:// or scp-like (`git@host:owner/name.git`) URL."""
    if "://" in url:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    else:
        match = _SCP_LIKE.match(url)
        if match is None:
            return None
        host, path = match["host"], match["path"]
    pieces = [piece for piece in path.strip("/").split("/") if piece]
    if len(pieces) < 2 or not host:
        return None
    owner, name = pieces[-2], pieces[-1].removesuffix(".git")
    return host, owner, name


def resolve_github_address(
    settings: ReleaseSettings, environ: Mapping[str, str], remote_url: str | None
) -> GitHubAddress:
    """GITHUB_REPOSITORY or github-repository, else the remote's URL; API from GITHUB_API_URL,
    github-api-url, else the host's (GitHub Enterprise: `https://HOST/api/v3`)."""
    parsed = parse_remote_url(remote_url) if remote_url else None
    host = parsed[0] if parsed else PUBLIC_HOST
    full_name = environ.get("GITHUB_REPOSITORY") or settings.github_repository
    if full_name:
        owner, _, name = full_name.partition("/")
    elif parsed is not None:
        _, owner, name = parsed
    else:
        raise ConfigError(
            f"Cannot tell the GitHub repository from the remote {settings.remote}"
            + (f" ({remote_url})" if remote_url else " (not configured)"),
            'set github-repository = "owner/name" in [tool.poetry-release] '
            "or the GITHUB_REPOSITORY environment variable",
        )
    web_url = environ.get("GITHUB_SERVER_URL") or f"https://{host}"
    api_url = environ.get("GITHUB_API_URL") or settings.github_api_url
    if not api_url:
        api_url = f"https://api.{PUBLIC_HOST}" if host == PUBLIC_HOST else f"{web_url}/api/v3"
    return GitHubAddress(owner, name, web_url.rstrip("/"), api_url.rstrip("/"))
