"""GitHub's REST API for releases and workflow runs (httpx: timeouts, retries, no token leaks).

The token goes only to the API origin `core.github_address` allows (GitHub's, or one the user
configured): redirects are not followed, and the token is remembered by the one redaction
(`core.redaction`), so no message or log line can show it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from poetry_release_plugin.adapters.http import RetryPolicy, is_rate_limited, redact_url, send
from poetry_release_plugin.core.github_address import PUBLIC_HOST
from poetry_release_plugin.core.redaction import remember_secret
from poetry_release_plugin.core.release_assets import AttachedAsset, digest_sha256
from poetry_release_plugin.errors import GitHubError, HttpUnavailable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from poetry_release_plugin.core.github_address import GitHubAddress
    from poetry_release_plugin.core.release_assets import AssetFile

API_VERSION = "2022-11-28"
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")


@dataclass(frozen=True)
class Token:
    """A GitHub token and where it came from; its value never shows in repr or messages."""

    value: str
    source: str

    def __repr__(self) -> str:
        return f"Token(source={self.source!r}, value=<hidden>)"


def find_token(environ: Mapping[str, str], host: str = PUBLIC_HOST) -> Token | None:
    """GITHUB_TOKEN, then GH_TOKEN, then `gh auth token` for `host` (the API's GitHub, so gh's
    github.com token never goes to another server) if gh is installed; whitespace trimmed."""
    for name in TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            remember_secret(value)
            if any(character.isspace() or not character.isprintable() for character in value):
                # It could never be sent as a header, and HTTP libraries log it escaped.
                raise GitHubError(
                    f"{name} holds a space, a line break or a control character inside the token",
                    f"set {name} to the token alone",
                )
            return Token(value, name)
    gh = shutil.which("gh")
    if gh is None:
        return None
    try:
        completed = subprocess.run(
            [gh, "auth", "token", "--hostname", host],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = completed.stdout.strip()
    remember_secret(value)
    return Token(value, "gh auth token") if completed.returncode == 0 and value else None


@dataclass(frozen=True)
class GitHubRelease:
    """A release as GitHub describes it."""

    id: int
    tag_name: str
    name: str | None
    draft: bool
    prerelease: bool
    html_url: str
    body: str | None
    upload_url: str = ""
    immutable: bool = False  # published in a repository with immutable releases: locked
    assets: tuple[AttachedAsset, ...] = ()
    published_at: datetime | None = None  # None: a draft (or GitHub did not say)

    @classmethod
    def from_json(cls, data: Any) -> GitHubRelease:
        """From a release object of the REST API; anything else is a GitHubError saying the
        answer was not one (an API URL pointing elsewhere, a proxy's page)."""
        try:
            return cls(
                id=int(data["id"]),
                tag_name=str(data["tag_name"]),
                name=_optional_text(data.get("name")),
                draft=data.get("draft") is True,
                prerelease=data.get("prerelease") is True,
                html_url=str(data.get("html_url", "")),
                body=_optional_text(data.get("body")),
                upload_url=str(data.get("upload_url") or ""),
                immutable=data.get("immutable") is True,
                assets=tuple(_asset(asset) for asset in data.get("assets") or ()),
                published_at=_timestamp(data.get("published_at")),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            shown = repr(data)[:120]
            raise GitHubError(
                f"GitHub answered something that is not a release ({shown})",
                "check github-api-url (GITHUB_API_URL) points at GitHub's REST API",
            ) from None


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _listed(value: object) -> list[Any]:
    """A JSON array of the API; TypeError for anything else (a string iterates too)."""
    if not isinstance(value, list):
        raise TypeError(type(value).__name__)
    return value


def _timestamp(value: object) -> datetime | None:
    """An ISO 8601 time of the API (`2026-12-07T02:10:00Z`), None when absent or not one."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=timezone.utc)


def _asset(data: Any) -> AttachedAsset:
    """A release asset of the REST API (KeyError, TypeError or ValueError if it is not one)."""
    return AttachedAsset(
        id=int(data["id"]),
        name=str(data["name"]),
        state=str(data.get("state") or ""),
        sha256=digest_sha256(data.get("digest")),
        size=int(data.get("size") or 0),
    )


@dataclass(frozen=True)
class WorkflowRun:
    """A GitHub Actions run."""

    id: int
    name: str
    event: str
    status: str  # queued, in_progress, completed, ...
    conclusion: str | None  # success, failure, cancelled, ...
    html_url: str


class GitHub:
    """One repository on GitHub (or GitHub Enterprise), with a token."""

    def __init__(
        self,
        address: GitHubAddress,
        token: Token,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.address = address
        self.token = token
        self._admin = False  # whether the token may administer the repository (check_access)
        remember_secret(token.value)
        self._policy = policy or RetryPolicy(attempts=5, total_seconds=90)
        self._client = httpx.Client(
            base_url=address.api_url,
            follow_redirects=False,
            transport=transport,
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "poetry-release-plugin",
            },
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    @property
    def _repo(self) -> str:
        return f"/repos/{quote(self.address.owner)}/{quote(self.address.name)}"

    def check_access(self) -> None:
        """One authenticated request: the repository exists and the token is accepted."""
        data = self._expect(self._request("GET", self._repo), 200, "read the repository")
        permissions = data.get("permissions") if isinstance(data, dict) else None
        self._admin = isinstance(permissions, dict) and permissions.get("admin") is True

    def immutable_releases(self) -> bool | None:
        """Whether the repository's releases are immutable once published; None when the token
        cannot tell (GitHub answers 404 both when it is off and to a token without admin
        read access; an app token without the administration permission gets a 403)."""
        response = self._request("GET", f"{self._repo}/immutable-releases")
        if response.status_code == 404:
            return False if self._admin else None
        if response.status_code == 403 and not is_rate_limited(response):
            return None
        data = self._expect(response, 200, "read whether releases are immutable")
        return bool(data.get("enabled")) if isinstance(data, dict) else None

    def assets(self, release: GitHubRelease) -> list[AttachedAsset]:
        """The assets a release has now, unfinished uploads included."""
        response = self._request("GET", f"{self._repo}/releases/{release.id}/assets?per_page=100")
        data = self._expect(response, 200, f"list the assets of {release.tag_name}")
        try:
            return [_asset(asset) for asset in data]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise GitHubError(
                f"GitHub answered something that is not a list of assets ({str(data)[:120]})",
                "check github-api-url (GITHUB_API_URL) points at GitHub's REST API",
            ) from None

    def upload_asset(self, release: GitHubRelease, file: AssetFile) -> AttachedAsset:
        """Attach a file to a release (a draft, in a repository with immutable releases), at the
        release's `upload_url` only if that is GitHub's uploads host or the API's own origin."""
        target = release.upload_url.split("{", 1)[0]
        if not self.address.accepts_upload_url(target):
            raise GitHubError(
                f"The release of {release.tag_name} names {redact_url(target)} for its uploads, "
                f"which is neither GitHub's uploads host nor {self.address.api_url}: the token "
                "was not sent there",
                "check github-api-url / GITHUB_API_URL points at the GitHub the repository is on",
            )
        headers = {
            "Authorization": f"Bearer {self.token.value}",
            "Content-Type": file.content_type,
        }
        url = f"{target}?name={quote(file.name, safe='')}"
        policy = dataclasses.replace(self._policy, retry_failures=False, timeout_seconds=120)
        try:
            response = send(
                self._client, "POST", url, policy=policy, headers=headers, content=file.content
            )
        except HttpUnavailable as error:
            raise GitHubError(
                f"GitHub did not take {file.name} ({error.reason})",
                "run again: a half-sent asset is deleted and sent again",
            ) from None
        except httpx.HTTPError as error:
            raise GitHubError(
                f"Sending {file.name} to GitHub failed ({type(error).__name__})", "run again"
            ) from None
        if response.status_code == 422:
            raise GitHubError(
                f"GitHub refused {file.name} for the release of {release.tag_name} "
                f"({_message(response) or 'Validation Failed'})",
                "if the release is published in a repository with immutable releases its files "
                "can no longer change; otherwise run again",
            )
        data = self._expect(response, 201, f"attach {file.name} to {release.tag_name}")
        try:
            return _asset(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise GitHubError(
                f"GitHub answered the upload of {file.name} with something that is not an asset",
                "check github-api-url (GITHUB_API_URL) points at GitHub's REST API",
            ) from None

    def delete_asset(self, release: GitHubRelease, asset: AttachedAsset) -> None:
        """Delete an asset (an upload that never finished); one already gone is fine."""
        response = self._request("DELETE", f"{self._repo}/releases/assets/{asset.id}")
        if response.status_code not in (204, 404):
            self._expect(response, 204, f"delete {asset.name} from {release.tag_name}")

    def asset_sha256(self, asset: AttachedAsset) -> str | None:
        """An asset's sha256: GitHub's digest, else by downloading it; None when neither works."""
        if asset.sha256 is not None:
            return asset.sha256
        content = self.asset_content(asset)
        return hashlib.sha256(content).hexdigest() if content is not None else None

    def asset_content(self, asset: AttachedAsset) -> bytes | None:
        """An asset's bytes, downloaded (GitHub's download host gets no token); None when it
        cannot be downloaded."""
        response = self._request(
            "GET",
            f"{self._repo}/releases/assets/{asset.id}",
            accept="application/octet-stream",
        )
        if response.status_code == 200:
            return response.content
        location = response.headers.get("location")
        if response.status_code not in (301, 302, 307) or not location:
            return None
        with httpx.Client(follow_redirects=True, max_redirects=3) as anonymous:
            try:
                download = send(anonymous, "GET", location, policy=self._policy)
            except (HttpUnavailable, httpx.HTTPError):
                return None
        return download.content if download.status_code == 200 else None

    def release_for_tag(self, tag: str) -> GitHubRelease | None:
        """The release of a tag, drafts included (the by-tag endpoint hides drafts)."""
        response = self._request("GET", f"{self._repo}/releases/tags/{quote(tag, safe='')}")
        if response.status_code != 404:
            return GitHubRelease.from_json(
                self._expect(response, 200, f"look up the release of {tag}")
            )
        for page in range(1, 6):
            listed = self._request("GET", f"{self._repo}/releases?per_page=100&page={page}")
            releases = self._expect(listed, 200, "list the releases")
            if not isinstance(releases, list):
                releases = [releases]  # from_json says what it is
            for data in releases:
                if not isinstance(data, dict) or data.get("tag_name") == tag:
                    release = GitHubRelease.from_json(data)
                    if release.tag_name == tag:
                        return release
            if len(releases) < 100:
                break
        return None

    def list_releases(self) -> list[GitHubRelease]:
        """The repository's releases, drafts included, newest first (up to 500)."""
        found: list[GitHubRelease] = []
        for page in range(1, 6):
            listed = self._request("GET", f"{self._repo}/releases?per_page=100&page={page}")
            self._expect(listed, 200, "list the releases")
            batch = listed.json()
            if not isinstance(batch, list):
                batch = [batch]  # from_json says what it is
            found.extend(GitHubRelease.from_json(data) for data in batch)
            if len(batch) < 100:
                break
        return found

    def create_release(
        self,
        *,
        tag: str,
        commit: str,
        title: str,
        body: str,
        prerelease: bool,
        draft: bool,
        latest: bool,
    ) -> GitHubRelease:
        """Create the release of a pushed tag; `commit` is the tag's commit, so GitHub can never
        make the tag elsewhere (it would create a missing tag at `target_commitish`). `latest`:
        whether it becomes the repository's latest release (never a draft's or pre-release's)."""
        payload = {
            "tag_name": tag,
            "target_commitish": commit,
            "name": title,
            "body": body,
            "draft": draft,
            "prerelease": prerelease,
            "make_latest": "true" if latest and not (prerelease or draft) else "false",
        }
        response = self._create_once_and_for_all(tag, payload)
        if isinstance(response, GitHubRelease):
            return response
        if response.status_code == 422 and "already_exists" in _message(response):
            existing = self.release_for_tag(tag)  # made meanwhile, by CI or another run
            if existing is not None:
                return existing
        return GitHubRelease.from_json(self._expect(response, 201, f"create the release of {tag}"))

    def _create_once_and_for_all(
        self, tag: str, payload: dict[str, Any]
    ) -> httpx.Response | GitHubRelease:
        """POST the release; after a failure that may have created it anyway (a timeout, a 5xx),
        look for it before trying again, so a retry never makes a second (draft) release."""
        delay = self._policy.first_delay
        for attempt in range(1, self._policy.attempts + 1):
            try:
                return self._request("POST", f"{self._repo}/releases", json=payload, once=True)
            except GitHubError:
                existing = self.release_for_tag(tag)
                if existing is not None:
                    return existing
                if attempt == self._policy.attempts:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, self._policy.max_delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    def update_release(
        self,
        release: GitHubRelease,
        *,
        body: str | None = None,
        name: str | None = None,
        publish: bool = False,
        latest: bool = True,
    ) -> GitHubRelease:
        """Rewrite a release's body or title (both stay editable in an immutable release), or
        publish a draft (as the latest release if `latest` and it is no pre-release)."""
        payload: dict[str, Any] = {}
        if body is not None:
            payload["body"] = body
        if name is not None:
            payload["name"] = name
        if publish:
            payload["draft"] = False
            payload["make_latest"] = "true" if latest and not release.prerelease else "false"
        response = self._request("PATCH", f"{self._repo}/releases/{release.id}", json=payload)
        action = f"update the release of {release.tag_name}"
        return GitHubRelease.from_json(self._expect(response, 200, action))

    def delete_release(self, release: GitHubRelease) -> None:
        """Delete a release (never its tag); one already gone is fine. GitHub refuses an
        immutable release, whose tag could never be used again."""
        response = self._request("DELETE", f"{self._repo}/releases/{release.id}")
        if response.status_code == 422:
            raise GitHubError(
                f"GitHub refused to delete the release of {release.tag_name} "
                f"({_message(response) or 'Validation Failed'})",
                "an immutable release cannot be deleted: leave it, marked as not published",
            )
        if response.status_code not in (204, 404):
            self._expect(response, 204, f"delete the release of {release.tag_name}")

    def workflow_runs(self, head_sha: str) -> list[WorkflowRun]:
        """The Actions runs for a commit."""
        response = self._request(
            "GET", f"{self._repo}/actions/runs?head_sha={head_sha}&per_page=50"
        )
        data = self._expect(response, 200, "list the workflow runs")
        try:
            return [
                WorkflowRun(
                    int(run["id"]),
                    str(run.get("name") or run.get("display_title") or ""),
                    str(run.get("event", "")),
                    str(run.get("status") or ""),
                    _optional_text(run.get("conclusion")),
                    str(run.get("html_url", "")),
                )
                for run in _listed(data["workflow_runs"])
            ]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise GitHubError(
                f"GitHub answered something that is not a list of workflow runs "
                f"({repr(data)[:120]})",
                "check github-api-url (GITHUB_API_URL) points at GitHub's REST API",
            ) from None

    def _request(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        once: bool = False,
        accept: str | None = None,
    ) -> httpx.Response:
        """One API request; `once`: a failure that may have acted is not retried here (rate
        limits still are)."""
        headers = {"Authorization": f"Bearer {self.token.value}"}
        if accept is not None:
            headers["Accept"] = accept
        policy = dataclasses.replace(self._policy, retry_failures=False) if once else self._policy
        try:
            return send(self._client, method, path, policy=policy, headers=headers, json=json)
        except HttpUnavailable as error:
            raise GitHubError(
                f"GitHub's API at {self.address.api_url} did not answer ({error.reason})",
                "check github-api-url / GITHUB_API_URL and the network, then run again",
            ) from None
        except httpx.HTTPError as error:  # anything else httpx raises, named by its kind only
            raise GitHubError(
                f"GitHub's API request failed ({type(error).__name__})",
                "run again",
            ) from None

    def _expect(self, response: httpx.Response, status: int, action: str) -> Any:
        """The JSON of an expected answer, or an error saying what to fix."""
        if response.status_code == status:
            try:
                return response.json()
            except ValueError:
                raise GitHubError(
                    f"GitHub answered {action} with something that is not JSON",
                    "check github-api-url / GITHUB_API_URL points at GitHub's REST API",
                ) from None
        what, fix = self._explain(response, action)
        raise GitHubError(what, fix)

    def _explain(self, response: httpx.Response, action: str) -> tuple[str, str]:
        code = response.status_code
        message = _message(response)
        repo = self.address.full_name
        source = self.token.source
        if code == 401:
            return (
                f"GitHub rejected the token from {source} ({message or 'Bad credentials'})",
                f"replace the token in {source} with a valid one",
            )
        if is_rate_limited(response):
            return (
                f"GitHub's rate limit stopped us from trying to {action}",
                "wait, then run again",
            )
        if code == 403:
            return (
                f"The token from {source} may not {action} in {repo} ({message})",
                "give the token contents: write permission on the repository",
            )
        if code == 404:
            return (
                f"GitHub has no repository {repo}, or the token from {source} cannot see it",
                "check github-repository / GITHUB_REPOSITORY and the token's access",
            )
        if 300 <= code < 400:
            return (
                f"GitHub answered a redirect ({code}) for {repo}: renamed or moved?",
                "set github-repository to its current owner/name",
            )
        return (f"GitHub answered HTTP {code} when trying to {action} ({message})", "run again")


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(data, dict):
        return ""
    errors = data.get("errors")
    parts = [str(data.get("message", ""))]
    parts += [
        str(e.get("code", ""))
        for e in (errors if isinstance(errors, list) else [])
        if isinstance(e, dict)
    ]
    return ": ".join(part for part in parts if part)
