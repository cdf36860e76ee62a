"""Which GitHub repository a project releases to, and where its API and web pages are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from poetry_release_plugin.errors import ConfigError, NotOnGitHub

if TYPE_CHECKING:
    from collections.abc import Mapping

    from poetry_release_plugin.config import ReleaseSettings

PUBLIC_HOST = "github.com"
PUBLIC_API_URL = f"https://api.{PUBLIC_HOST}"
# The names github.com answers git on (`ssh.github.com` is its SSH-over-443 endpoint).
_PUBLIC_GIT_HOSTS = frozenset({PUBLIC_HOST, f"www.{PUBLIC_HOST}", f"ssh.{PUBLIC_HOST}"})
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

    @property
    def api_host(self) -> str:
        """The host the token is sent to, as gh names it (`github.com` for GitHub's own API)."""
        host = urlsplit(self.api_url).netloc.lower()
        return PUBLIC_HOST if host == f"api.{PUBLIC_HOST}" else host

    def compare_url(self, start: str, end: str) -> str:
        """The web page comparing two refs."""
        return f"{self.html_url}/compare/{start}...{end}"

    def accepts_upload_url(self, url: str) -> bool:
        """Whether a release's `upload_url` may receive the token: GitHub's uploads host for
        GitHub's own API, else only the configured API's own origin (GitHub Enterprise
        serves uploads at `https://HOST/api/uploads`)."""
        upload, api = urlsplit(url), urlsplit(self.api_url)
        if upload.username or upload.password:
            return False
        origin = (upload.scheme, (upload.netloc or "").lower())
        if api.netloc.lower() == f"api.{PUBLIC_HOST}":
            return origin == ("https", f"uploads.{PUBLIC_HOST}")
        return origin == (api.scheme, api.netloc.lower())


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
    """GITHUB_REPOSITORY or github-repository, else the remote's URL. The API is the one the
    user configured (GITHUB_API_URL, github-api-url, GH_HOST for an Enterprise host), else
    GitHub's own; a remote on any other host is refused (NotOnGitHub), never guessed at, so the
    token cannot reach a server that is not GitHub."""
    parsed = parse_remote_url(remote_url) if remote_url else None
    host = parsed[0].lower() if parsed else None
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
    enterprise = _host_name(environ.get("GH_HOST", ""))
    if enterprise in _PUBLIC_GIT_HOSTS:
        enterprise = ""
    configured = environ.get("GITHUB_API_URL") or settings.github_api_url
    web_host = host or enterprise or PUBLIC_HOST
    if configured:
        api_url = configured
    elif host is None and enterprise:  # no remote to go by: GH_HOST says which GitHub
        api_url = f"https://{enterprise}/api/v3"
    elif host is None or host in _PUBLIC_GIT_HOSTS:
        api_url, web_host = PUBLIC_API_URL, PUBLIC_HOST
    elif host == enterprise:
        api_url = f"https://{host}/api/v3"
    else:
        raise NotOnGitHub(settings.remote, host)
    web_url = environ.get("GITHUB_SERVER_URL") or f"https://{web_host}"
    return GitHubAddress(owner, name, web_url.rstrip("/"), api_url.rstrip("/"))


def _host_name(value: str) -> str:
    """GH_HOST's host name (`ghe.example.com`, also when written as a URL)."""
    value = value.strip().lower()
    return (urlsplit(value).hostname or "") if "://" in value else value.strip("/")
