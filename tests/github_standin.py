"""A GitHub REST API stand-in on 127.0.0.1: the release endpoints, answered the way GitHub does.

Status codes, error bodies and headers follow GitHub's (401 "Bad credentials", 404 "Not Found",
422 "Validation Failed" with `already_exists`, 403/429 rate limits with their headers); request
bodies are validated against GitHub's own OpenAPI schemas (tests/data), and a request that does
not validate gets GitHub's 422 and is recorded as a violation. Faults can be queued per route.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator
from support import ServedApp
from werkzeug.wrappers import Request, Response

SCHEMAS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "github-rest-releases.openapi.json").read_text()
)
DOCS = "https://docs.github.com/rest"


def schema_errors(key: str, instance: Any) -> list[str]:
    """Where `instance` breaks GitHub's schema `key` (empty when it conforms)."""
    validator = OAS30Validator(SCHEMAS[key])
    return [
        f"{'/'.join(map(str, error.path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


@dataclass
class Fault:
    """An answer to give instead of the real one, `times` times."""

    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Any
    times: int
    reset_in: int | None = None  # a rate limit: x-ratelimit-reset this many seconds after answering


@dataclass
class Hold:
    """Matching requests are recorded at once but answered (normally) only after `let_go()`."""

    method: str
    pattern: re.Pattern[str]
    times: int
    held: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    answered: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def takes(self, method: str, path: str) -> bool:
        """Whether this request is one to hold (counting it)."""
        if self.times > 0 and self.method == method and self.pattern.search(path):
            self.times -= 1
            self.held += 1
            return True
        return False


# A held request is answered after this long even if the test never lets go: nothing hangs.
HOLD_LIMIT_SECONDS = 300


@dataclass
class Recorded:
    """A request the stand-in received."""

    method: str
    path: str
    query: str
    authorization: str | None
    body: Any
    received_at: float = field(default_factory=time.time)  # the stand-in's wall clock


@dataclass
class GitHubStandIn:
    """The state of a fake GitHub with one repository."""

    owner: str = "acme"
    name: str = "widget-kit"
    token: str = "ghp_standinToken0123456789abcdef"
    releases: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    resets: list[int] = field(default_factory=list)  # x-ratelimit-reset values answered
    immutable: bool = False  # releases are locked once published (tag and assets)
    admin: bool = False  # the token may administer the repository (sees immutable-releases)
    digests: bool = True  # assets carry their sha256 `digest` (GitHub's since 2025)
    upload_origin: str | None = None  # the origin `upload_url` names (default: this server)
    broken_uploads: list[str] = field(default_factory=list)  # names answered 502, left `starter`
    blobs: dict[int, bytes] = field(default_factory=dict)  # asset id: its bytes
    host: str = "127.0.0.1"
    port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- controlling it from a test ------------------------------------------------------

    @property
    def url(self) -> str:
        """The API root, for GITHUB_API_URL."""
        return f"http://{self.host}:{self.port}"

    def fail(
        self,
        method: str,
        path_pattern: str,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next `times` matching requests with this status instead."""
        default = (
            body if body is not None else {"message": "Server Error", "documentation_url": DOCS}
        )
        self.faults.append(
            Fault(method, re.compile(path_pattern), status, headers or {}, default, times)
        )

    def hold(self, method: str, path_pattern: str, *, times: int = 1) -> None:
        """Keep the next `times` matching requests waiting (recorded in `requests` on arrival,
        so a test can see one is waiting) until `let_go()`; then answer them as usual."""
        self.holds.append(Hold(method, re.compile(path_pattern), times))

    def let_go(self, *, wait: bool = True) -> None:
        """Answer every held request; with `wait`, return once each one was answered (its
        effect, a release created say, is then in place, whether or not its client is still
        there to read the answer)."""
        for hold in self.holds:
            hold.released.set()
        for hold in self.holds if wait else ():
            for _ in range(hold.held):
                assert hold.answered.acquire(timeout=60), "a held request was never answered"
            hold.held = 0

    def rate_limit(
        self, method: str, path_pattern: str, *, reset_in: int = 2, times: int = 1
    ) -> None:
        """GitHub's primary rate limit: 403 with x-ratelimit-remaining 0 and the reset time,
        `reset_in` seconds after the refusal is answered (recorded in `resets`), however long
        the client took to ask."""
        self.fail(
            method,
            path_pattern,
            403,
            times=times,
            headers={"x-ratelimit-remaining": "0"},
            body={
                "message": "API rate limit exceeded for user ID 1.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
        )
        self.faults[-1].reset_in = reset_in

    def add_release(
        self, tag: str, *, draft: bool = False, prerelease: bool = False
    ) -> dict[str, Any]:
        """A release that exists already."""
        release = self._release(
            {
                "tag_name": tag,
                "name": f"Release {tag}",
                "draft": draft,
                "prerelease": prerelease,
                "body": "",
            }
        )
        self.releases.append(release)
        return release

    def release(self, tag: str) -> dict[str, Any] | None:
        """The release of a tag, drafts included."""
        return next((r for r in self.releases if r["tag_name"] == tag), None)

    def asset_names(self, tag: str) -> list[str]:
        """The names of a release's assets, in the order they were attached."""
        release = self.release(tag)
        return [asset["name"] for asset in release["assets"]] if release else []

    def attach(self, tag: str, name: str, content: bytes) -> dict[str, Any]:
        """An asset attached already (by hand, or by an earlier run)."""
        release = self.release(tag)
        assert release is not None, f"no release of {tag}"
        return self._add_asset(release, name, content, "application/octet-stream")

    def swap_asset(self, tag: str, name: str, content: bytes) -> None:
        """Give a release's asset other bytes (what verify must catch)."""
        release = self.release(tag)
        assert release is not None
        asset = next(a for a in release["assets"] if a["name"] == name)
        self.blobs[asset["id"]] = content
        asset["size"] = len(content)
        asset["digest"] = f"sha256:{hashlib.sha256(content).hexdigest()}" if self.digests else None

    def add_run(
        self, head_sha: str, *, status: str, conclusion: str | None, event: str = "release"
    ) -> None:
        """A GitHub Actions run for a commit."""
        run_id = next(self._ids)
        base = f"{self.url}/repos/{self.owner}/{self.name}"
        self.runs.append(
            {
                "id": run_id,
                "name": "Publish to PyPI",
                "display_title": "Publish to PyPI",
                "event": event,
                "status": status,
                "conclusion": conclusion,
                "head_sha": head_sha,
                "html_url": f"https://github.com/{self.owner}/{self.name}/actions/runs/{run_id}",
                "url": f"{base}/actions/runs/{run_id}",
            }
        )

    # --- serving ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if "/uploads/" in request.path:
            body: Any = request.get_data()
        else:
            body = request.get_json(silent=True) if request.data else None
        auth = request.headers.get("Authorization")
        with self._lock:
            self.requests.append(
                Recorded(request.method, request.path, request.query_string.decode(), auth, body)
            )
            hold = next((h for h in self.holds if h.takes(request.method, request.path)), None)
        if hold is not None:  # waits outside the lock: other requests are answered meanwhile
            hold.released.wait(HOLD_LIMIT_SECONDS)
        try:
            with self._lock:
                response = self._answer(request, body, auth)
        finally:
            if hold is not None:
                hold.answered.release()
        return response(environ, start_response)

    def _answer(self, request: Request, body: Any, auth: str | None) -> Response:
        for fault in self.faults:
            if (
                fault.times > 0
                and fault.method == request.method
                and fault.pattern.search(request.path)
            ):
                fault.times -= 1
                if isinstance(fault.body, bytes):  # not JSON at all: a proxy's page, say
                    return Response(fault.body, status=fault.status, content_type="text/html")
                headers = fault.headers
                if fault.reset_in is not None:
                    self.resets.append(int(time.time()) + fault.reset_in)
                    headers = {**headers, "x-ratelimit-reset": str(self.resets[-1])}
                return self._json(fault.body, fault.status, headers)
        download = re.fullmatch(r"/download/(\d+)", request.path)
        if download and request.method == "GET":  # pre-signed, as GitHub's download host
            blob = self.blobs.get(int(download[1]))
            if blob is None:
                return self._not_found()
            return Response(blob, status=200, content_type="application/octet-stream")
        if auth not in (f"Bearer {self.token}", f"token {self.token}"):
            return self._json(
                {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}, 401
            )
        repo = f"/repos/{self.owner}/{self.name}"
        upload = re.fullmatch(rf"/uploads{repo}/releases/(\d+)/assets", request.path)
        if upload and request.method == "POST":
            return self._upload_asset(int(upload[1]), request, body)
        if not request.path.startswith(repo):
            return self._not_found()
        route = request.path[len(repo) :]
        if route == "" and request.method == "GET":
            return self._json(self._repository())
        if route == "/releases" and request.method == "POST":
            return self._create_release(body)
        if route == "/releases" and request.method == "GET":
            page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 30))
            listed = list(reversed(self.releases))[(page - 1) * per_page : page * per_page]
            return self._json(listed)
        if route.startswith("/releases/tags/") and request.method == "GET":
            release = self.release(route[len("/releases/tags/") :])
            if release is None or release["draft"]:  # GitHub hides drafts from this endpoint
                return self._not_found("releases/releases#get-a-release-by-tag-name")
            return self._json(release)
        match = re.fullmatch(r"/releases/(\d+)", route)
        if match and request.method == "PATCH":
            return self._update_release(int(match[1]), body)
        if match and request.method == "DELETE":
            return self._delete_release(int(match[1]))
        if route == "/immutable-releases" and request.method == "GET":
            if not (self.immutable and self.admin):  # 404 when off, or to a token not admin
                return self._not_found(
                    "repos/repos#check-if-immutable-releases-are-enabled-for-a-repository"
                )
            return self._json({"enabled": True, "enforced_by_owner": False})
        match = re.fullmatch(r"/releases/(\d+)/assets", route)
        if match and request.method == "GET":
            release = self._by_id(int(match[1]))
            return self._not_found() if release is None else self._json(release["assets"])
        match = re.fullmatch(r"/releases/assets/(\d+)", route)
        if match:
            return self._asset_route(int(match[1]), request)
        if route == "/actions/runs" and request.method == "GET":
            runs = [
                r for r in self.runs if r["head_sha"] == request.args.get("head_sha", r["head_sha"])
            ]
            return self._json({"total_count": len(runs), "workflow_runs": runs})
        return self._not_found()

    def _create_release(self, body: Any) -> Response:
        errors = schema_errors("POST /repos/{owner}/{repo}/releases request", body)
        if errors:
            self.violations.extend(errors)
            return self._json(
                {
                    "message": "Invalid request.\n\n" + "\n".join(errors),
                    "documentation_url": f"{DOCS}/releases/releases#create-a-release",
                    "status": "422",
                },
                422,
            )
        if self.release(body["tag_name"]) is not None:
            return self._already_exists("Release", "tag_name", "releases#create-a-release")
        release = self._release(body)
        self.releases.append(release)
        return self._json(release, 201)

    def _update_release(self, release_id: int, body: Any) -> Response:
        errors = schema_errors("PATCH /repos/{owner}/{repo}/releases/{release_id} request", body)
        if errors:
            self.violations.extend(errors)
            return self._json(
                {"message": "Invalid request.", "documentation_url": DOCS, "status": "422"}, 422
            )
        release = self._by_id(release_id)
        if release is None:
            return self._not_found()
        if (
            release.get("immutable")
            and body.get("tag_name", release["tag_name"]) != release["tag_name"]
        ):
            return self._unprocessable("Cannot change the tag of an immutable release")
        release.update(
            {
                k: v
                for k, v in body.items()
                if k in ("name", "body", "draft", "prerelease", "tag_name")
            }
        )
        if not release["draft"] and release["published_at"] is None:
            release["published_at"] = _now()
            release["immutable"] = self.immutable
            web = f"https://github.com/{self.owner}/{self.name}"
            release["html_url"] = f"{web}/releases/tag/{release['tag_name']}"
        return self._json(release)

    def _delete_release(self, release_id: int) -> Response:
        """204 and gone (its tag stays); an immutable release is refused, as its tag could
        never be used by another release."""
        release = self._by_id(release_id)
        if release is None:
            return self._not_found("releases/releases#delete-a-release")
        if release.get("immutable"):
            return self._unprocessable("Cannot delete an immutable release")
        self.releases.remove(release)
        for asset in release["assets"]:
            self.blobs.pop(asset["id"], None)
        return Response(status=204)

    def _release(self, body: dict[str, Any]) -> dict[str, Any]:
        release_id = next(self._ids)
        api = f"{self.url}/repos/{self.owner}/{self.name}"
        web = f"https://github.com/{self.owner}/{self.name}"
        tag = body["tag_name"]
        draft = bool(body.get("draft", False))
        return {
            "url": f"{api}/releases/{release_id}",
            # A draft's page is an `untagged-<20 hex digits>` placeholder until it is published.
            "html_url": f"{web}/releases/tag/"
            + (
                f"untagged-{hashlib.sha1(str(release_id).encode()).hexdigest()[:20]}"
                if draft
                else tag
            ),
            "assets_url": f"{api}/releases/{release_id}/assets",
            "upload_url": f"{self.upload_origin or self.url}/uploads/repos/{self.owner}/{self.name}/releases/{release_id}/assets{{?name,label}}",
            "tarball_url": f"{api}/tarball/{tag}",
            "zipball_url": f"{api}/zipball/{tag}",
            "id": release_id,
            "node_id": f"RE_kwDO{release_id:08d}",
            "tag_name": tag,
            "target_commitish": body.get("target_commitish", "main"),
            "name": body.get("name"),
            "body": body.get("body"),
            "draft": draft,
            "prerelease": bool(body.get("prerelease", False)),
            "created_at": _now(),
            "published_at": None if draft else _now(),
            "author": _author(),
            "assets": [],
            "immutable": self.immutable and not draft,
        }

    def _by_id(self, release_id: int) -> dict[str, Any] | None:
        return next((r for r in self.releases if r["id"] == release_id), None)

    def _upload_asset(self, release_id: int, request: Request, content: bytes) -> Response:
        release = self._by_id(release_id)
        if release is None:
            return self._not_found("releases/assets#upload-a-release-asset")
        if release.get("immutable"):
            return self._unprocessable("Cannot upload assets to an immutable release")
        name = request.args.get("name", "")
        if not name:
            return self._unprocessable("name is missing")
        if any(asset["name"] == name for asset in release["assets"]):
            return self._already_exists("ReleaseAsset", "name", "assets#upload-a-release-asset")
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        if name in self.broken_uploads:  # GitHub's notes: a 502 may leave an empty asset
            self.broken_uploads.remove(name)
            asset = self._add_asset(release, name, b"", content_type)
            asset.update({"state": "starter", "digest": None})
            return self._json({"message": "Bad Gateway", "status": "502"}, 502)
        return self._json(self._add_asset(release, name, content, content_type), 201)

    def _add_asset(
        self, release: dict[str, Any], name: str, content: bytes, content_type: str
    ) -> dict[str, Any]:
        asset_id = next(self._ids)
        self.blobs[asset_id] = content
        api = f"{self.url}/repos/{self.owner}/{self.name}"
        web = f"https://github.com/{self.owner}/{self.name}"
        asset = {
            "url": f"{api}/releases/assets/{asset_id}",
            "browser_download_url": f"{web}/releases/download/{release['tag_name']}/{name}",
            "id": asset_id,
            "node_id": f"RA_kwDO{asset_id:08d}",
            "name": name,
            "label": None,
            "state": "uploaded",
            "content_type": content_type,
            "size": len(content),
            "digest": f"sha256:{hashlib.sha256(content).hexdigest()}" if self.digests else None,
            "download_count": 0,
            "created_at": _now(),
            "updated_at": _now(),
            "uploader": _author(),
        }
        release["assets"].append(asset)
        return asset

    def _asset_route(self, asset_id: int, request: Request) -> Response:
        release, asset = next(
            (
                (release, asset)
                for release in self.releases
                for asset in release["assets"]
                if asset["id"] == asset_id
            ),
            (None, None),
        )
        if release is None or asset is None:
            return self._not_found("releases/assets")
        if request.method == "DELETE":
            if release.get("immutable"):
                return self._unprocessable("Cannot delete assets of an immutable release")
            release["assets"].remove(asset)
            self.blobs.pop(asset_id, None)
            return Response(status=204)
        if request.method != "GET":
            return self._not_found()
        if request.headers.get("Accept") == "application/octet-stream":
            response = Response(status=302)
            response.headers["Location"] = f"{self.url}/download/{asset_id}"
            return response
        return self._json(asset)

    def _already_exists(self, resource: str, field_name: str, doc: str) -> Response:
        """GitHub's 422 for a second release of a tag, or a second asset of a name."""
        return self._json(
            {
                "message": "Validation Failed",
                "errors": [{"resource": resource, "code": "already_exists", "field": field_name}],
                "documentation_url": f"{DOCS}/releases/{doc}",
                "status": "422",
            },
            422,
        )

    def _unprocessable(self, message: str) -> Response:
        return self._json(
            {"message": message, "documentation_url": f"{DOCS}/releases", "status": "422"}, 422
        )

    def _repository(self) -> dict[str, Any]:
        return {
            "id": 1,
            "node_id": "R_kgDOAAAAAQ",
            "name": self.name,
            "full_name": f"{self.owner}/{self.name}",
            "private": False,
            "html_url": f"https://github.com/{self.owner}/{self.name}",
            "default_branch": "main",
            "permissions": {
                "admin": self.admin,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
        }

    def _not_found(self, doc: str = "") -> Response:
        return self._json(
            {
                "message": "Not Found",
                "documentation_url": f"{DOCS}/{doc}".rstrip("/"),
                "status": "404",
            },
            404,
        )

    def _json(
        self, payload: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        response = Response(
            json.dumps(payload), status=status, content_type="application/json; charset=utf-8"
        )
        response.headers.update(
            {
                "x-github-api-version-selected": "2022-11-28",
                "x-github-media-type": "github.v3; format=json",
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "4999",
                "x-ratelimit-reset": str(int(time.time()) + 3600),
                "x-ratelimit-used": "1",
                "x-ratelimit-resource": "core",
                "x-github-request-id": f"STANDIN:{len(self.requests)}",
            }
        )
        response.headers.update(headers or {})
        return response


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _author() -> dict[str, Any]:
    api = "https://api.github.com/users/release-bot"
    return {
        "login": "release-bot",
        "id": 7,
        "node_id": "U_kgDOAAAABw",
        "avatar_url": "https://avatars.githubusercontent.com/u/7?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": "https://github.com/release-bot",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": "User",
        "site_admin": False,
    }


class Server(ServedApp):
    """Serves a stand-in on 127.0.0.1 in a background thread; `with` gives the stand-in."""

    def __init__(self, standin: GitHubStandIn) -> None:
        super().__init__(standin)
        self.standin = standin
        standin.port = int(self.url.rsplit(":", 1)[1])

    def __enter__(self) -> GitHubStandIn:  # type: ignore[override]
        super().__enter__()
        return self.standin

    def __exit__(self, *exc: object) -> None:
        self.standin.let_go(wait=False)  # no request thread stays waiting after the test
        super().__exit__(*exc)
