"""Loopback stand-ins for trusted publishing: GitHub Actions' OIDC token endpoint, and a PyPI
that implements the documented contracts (`/_/oidc/audience`, `/_/oidc/mint-token`, the upload
API at `/legacy/` with PEP 740 `attestations`, the Simple API and the integrity API).

The index keeps uploaded files in its own folder and serves them (PEP 503 HTML with sha256
fragments), so pip installs from it; it records every upload's form fields.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from support import ServedApp
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from pathlib import Path

ISSUER = "https://token.actions.githubusercontent.com"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims: dict[str, Any]) -> str:
    """A JWT-shaped token (the signature is random: the stand-in index knows what it issued)."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}.{_b64(secrets.token_bytes(32))}"


@dataclass
class ActionsIdentity:
    """GitHub Actions' token endpoint for one job (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN)."""

    repository: str = "acme/widget-kit"
    workflow: str = "release.yml"
    environment: str = "pypi"
    ref: str = "refs/tags/v0.9.1"
    request_token: str = field(default_factory=lambda: "actions-req-" + secrets.token_hex(12))
    issued: list[str] = field(default_factory=list)
    url: str = ""

    def claims(self, audience: str) -> dict[str, Any]:
        """What GitHub puts in a job's identity token."""
        workflow_ref = f"{self.repository}/.github/workflows/{self.workflow}@{self.ref}"
        now = int(time.time())
        return {
            "iss": ISSUER,
            "aud": audience,
            "sub": f"repo:{self.repository}:environment:{self.environment}",
            "repository": self.repository,
            "repository_owner": self.repository.split("/")[0],
            "workflow_ref": workflow_ref,
            "job_workflow_ref": workflow_ref,
            "environment": self.environment,
            "ref": self.ref,
            "iat": now,
            "exp": now + 300,
        }

    def gitlab_token(self, audience: str = "pypi") -> str:
        """What GitLab puts in a job's `id_tokens` variable (issued, so the index knows it)."""
        now = int(time.time())
        token = make_jwt(
            {
                "iss": "https://gitlab.example",
                "aud": audience,
                "project_path": self.repository,
                "ci_config_ref_uri": f"gitlab.example/{self.repository}//.gitlab-ci.yml@{self.ref}",
                "environment": self.environment,
                "ref": self.ref.rsplit("/", 1)[-1],
                "iat": now,
                "exp": now + 300,
            }
        )
        self.issued.append(token)
        return token

    def environment_variables(self) -> dict[str, str]:
        """What a job with `permissions: id-token: write` has."""
        return {
            "GITHUB_ACTIONS": "true",
            "ACTIONS_ID_TOKEN_REQUEST_URL": f"{self.url}/token?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": self.request_token,
        }

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.headers.get("Authorization", "").lower() != f"bearer {self.request_token}":
            response = Response('{"message": "Unauthorized"}', 401, mimetype="application/json")
        elif request.path != "/token" or "audience" not in request.args:
            response = Response('{"message": "Not Found"}', 404, mimetype="application/json")
        else:
            token = make_jwt(self.claims(request.args["audience"]))
            self.issued.append(token)
            response = Response(json.dumps({"value": token}), mimetype="application/json")
        return response(environ, start_response)


@dataclass(frozen=True)
class Publisher:
    """A trusted publisher registered on the index for the project."""

    repository: str = "acme/widget-kit"
    workflow: str = "release.yml"
    environment: str = "pypi"


@dataclass
class UploadRecord:
    """One upload request the index received."""

    fields: dict[str, list[str]]
    filename: str | None
    username: str | None
    password: str | None
    status: int


@dataclass
class PyPIStandIn:
    """An index with trusted publishing, as PyPI documents it."""

    files: Path
    identity: ActionsIdentity
    audience: str = "pypi"
    enabled: bool = True
    publisher: Publisher | None = field(default_factory=Publisher)
    forced_error: str | None = None  # a mint-token error code to answer with
    token_lifetime: float = 900.0
    minted: dict[str, float] = field(default_factory=dict)  # token -> expiry
    minted_for: dict[str, Publisher] = field(default_factory=dict)
    uploads: list[UploadRecord] = field(default_factory=list)
    mint_requests: list[Any] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)  # file -> object
    fail_uploads: int = 0
    refuse_minted: bool = False  # a token for another project: minted, then refused on upload
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def upload_url(self) -> str:
        return f"{self.url}/legacy/"

    @property
    def simple_url(self) -> str:
        return f"{self.url}/simple/"

    def poetry_environment(self, name: str = "trusted") -> dict[str, str]:
        """The Poetry repository `name` at this index, with no credentials."""
        return {f"POETRY_REPOSITORIES_{name.upper()}_URL": self.upload_url}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            response = self._answer(request)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        path = request.path
        if path == "/_/oidc/audience" and request.method == "GET":
            return _json({"audience": self.audience})
        if path == "/_/oidc/mint-token" and request.method == "POST":
            return self._mint(request)
        if path == "/legacy/" and request.method == "POST":
            return self._upload(request)
        if path.startswith("/simple/"):
            return self._simple(path.strip("/").split("/")[1:])
        if path.startswith("/packages/"):
            target = self.files / path.rsplit("/", 1)[-1]
            if target.is_file():
                return Response(target.read_bytes(), mimetype="application/octet-stream")
        if path.startswith("/integrity/") and path.endswith("/provenance"):
            filename = path.split("/")[-2]
            if filename in self.provenance:
                return _json(self.provenance[filename])
            return _json({"message": "No provenance available"}, 404)
        return Response("Not Found", 404)

    def _mint(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        self.mint_requests.append(body)
        if not self.enabled:
            return _errors("not-enabled", "Trusted publishing functionality not enabled")
        if self.forced_error:
            return _errors(self.forced_error, f"the stand-in refuses with {self.forced_error}")
        if not isinstance(body, dict) or not isinstance(body.get("token"), str):
            return _errors("invalid-payload", "malformed payload")
        token = body["token"]
        if token not in self.identity.issued:
            return _errors("invalid-token", "Valid token, but no known issuer")
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        if claims.get("aud") != self.audience:
            return _errors("invalid-token", "audience mismatch")
        if "project_path" in claims:  # GitLab CI: the pipeline file instead of a workflow
            workflow_ref = claims["ci_config_ref_uri"]
            repository = claims["project_path"]
        else:
            workflow_ref, repository = claims["job_workflow_ref"], claims["repository"]
        seen = Publisher(
            repository,
            workflow_ref.split("@")[0].rsplit("/", 1)[-1],
            claims.get("environment", ""),
        )
        if self.publisher is None or seen != self.publisher:
            return _errors(
                "invalid-publisher",
                "valid token, but no corresponding publisher (Publisher with matching claims "
                "was not found)",
            )
        api_token = "pypi-" + secrets.token_urlsafe(48)
        expires = time.time() + self.token_lifetime
        self.minted[api_token] = expires
        self.minted_for[api_token] = seen
        return _json({"success": True, "token": api_token, "expires": int(expires)})

    def _upload(self, request: Request) -> Response:
        auth = request.authorization
        fields = {key: request.form.getlist(key) for key in request.form}
        content = request.files.get("content")
        record = UploadRecord(
            fields,
            content.filename if content else None,
            auth.username if auth else None,
            auth.password if auth else None,
            0,
        )
        self.uploads.append(record)
        response = self._upload_answer(request, record, content)
        record.status = response.status_code
        return response

    def _upload_answer(self, request: Request, record: UploadRecord, content: Any) -> Response:
        password = record.password or ""
        fresh = self.minted.get(password, 0) >= time.time() and not self.refuse_minted
        if record.username != "__token__" or not fresh:
            return Response(
                "403 Invalid or non-existent authentication information.",
                403,
                mimetype="text/plain",
            )
        if content is None:
            return Response("400 Upload payload does not have a file.", 400)
        if self.fail_uploads:
            self.fail_uploads -= 1
            return Response("503 Service Unavailable", 503)
        data = content.read()
        name = content.filename
        if (self.files / name).exists():
            return Response("400 File already exists.", 400)
        digest = hashlib.sha256(data).hexdigest()
        if request.form.get("sha256_digest") != digest:
            return Response("400 The digest supplied does not match", 400)
        attestations = json.loads(request.form.get("attestations", "[]"))
        for attestation in attestations:
            statement = json.loads(base64.b64decode(attestation["envelope"]["statement"]))
            if {"name": name, "digest": {"sha256": digest}} not in statement["subject"]:
                return Response("400 Invalid attestations supplied during upload", 400)
        (self.files / name).write_bytes(data)
        if attestations:
            publisher = self.minted_for[password]
            self.provenance[name] = {
                "version": 1,
                "attestation_bundles": [
                    {
                        "publisher": {
                            "kind": "GitHub",
                            "repository": publisher.repository,
                            "workflow": publisher.workflow,
                            "environment": publisher.environment,
                        },
                        "attestations": attestations,
                    }
                ],
            }
        return Response("OK", 200)

    def _simple(self, parts: list[str]) -> Response:
        if not parts:
            return Response("<html><body></body></html>", mimetype="text/html")
        project = parts[0].replace("_", "-").lower()
        links = []
        for path in sorted(self.files.iterdir()):
            if path.name.split("-")[0].replace("_", "-").lower() == project:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                links.append(f'<a href="/packages/{path.name}#sha256={digest}">{path.name}</a>')
        if not links:
            return Response("Not Found", 404)
        return Response(f"<html><body>{''.join(links)}</body></html>", mimetype="text/html")


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status, mimetype="application/json")


def _errors(code: str, description: str) -> Response:
    return _json(
        {"message": "Token request failed", "errors": [{"code": code, "description": description}]},
        422,
    )


def attestation_for(filename: str, data: bytes) -> dict[str, Any]:
    """A PEP 740 attestation object for these bytes, shaped as PyPA's tooling writes it (the
    signature is not a real one: the stand-in checks the statement, not Sigstore)."""
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": filename, "digest": {"sha256": hashlib.sha256(data).hexdigest()}}],
        "predicateType": "https://docs.pypi.org/attestations/publish/v1",
        "predicate": None,
    }
    return {
        "version": 1,
        "verification_material": {"certificate": _b64(b"certificate"), "transparency_entries": []},
        "envelope": {
            "statement": base64.b64encode(json.dumps(statement).encode()).decode(),
            "signature": base64.b64encode(secrets.token_bytes(64)).decode(),
        },
    }


class Served(ServedApp):
    """A stand-in on 127.0.0.1 whose `url` it learns once served."""

    def __init__(self, app: ActionsIdentity | PyPIStandIn) -> None:
        super().__init__(app)
        app.url = self.url
