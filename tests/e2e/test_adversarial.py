"""Issue 14, attacked again: one test per finding of the adversarial review (real processes).

Secrets are recognisable values that no shape-based rule would catch (not `ghp_...`), put where
a user puts them: the environment, `[tool.poetry-release]`, `poetry.toml`, a Poetry source, a
git remote. A loopback TLS server with a certificate made here (trusted through
`SSL_CERT_FILE`, so a request *would* reach it) stands for a forge that is not GitHub.

Sections follow the issue's list; each owner adds the tests of their bullets in theirs.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.client import HTTPSConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import INDEX_PASSWORD, github_environment
from github_standin import GitHubStandIn, Server
from support import (
    CHANGELOG,
    POETRY,
    ServedApp,
    ends_within,
    guide_layout,
    widget_kit_files,
)
from test_cut import cut, prepared

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from conftest import LocalIndex, ProjectFactory
    from support import ReleaseProject, Run, Snapshot

TOKEN = "tok-ADVERSARY-7f3e9c1a5b"  # GITHUB_TOKEN / GH_TOKEN
GH_CLI_TOKEN = "cli-ADVERSARY-4b2d8e6f1a"  # what a logged-in `gh auth token` prints
PASSWORD = "pw-ADVERSARY-2d8b6e4f90"  # the index's password, in URLs and Poetry's variables
OIDC_TOKEN = "oidc-ADVERSARY-5c7a9e1d3f"  # GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_TOKEN
SECRETS = (TOKEN, GH_CLI_TOKEN, PASSWORD, OIDC_TOKEN)

pytestmark = pytest.mark.faults


def assert_no_secret(*texts: str) -> None:
    """None of the secrets, as written or URL-encoded, in any of the texts."""
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"{secret} leaked in:\n{text}"


def one_json_object(result: Run) -> dict[str, Any]:
    """stdout is exactly one JSON object (nothing before or after it)."""
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict), result.stdout
    return payload


# --- a forge that is not GitHub: a loopback HTTPS server that records every request ---------


@dataclass
class Received:
    """A request that reached the forge."""

    method: str
    path: str
    user_agent: str
    authorization: str | None


@dataclass
class Forge:
    """The running forge: its URL, its certificate, what it received."""

    host: str
    url: str
    certificate: Path
    received: list[Received] = field(default_factory=list)

    def from_the_plugin(self) -> list[Received]:
        """Requests other than git's own (git talking to its remote is not the plugin)."""
        return [r for r in self.received if not r.user_agent.startswith("git/")]


def self_signed_certificate(folder: Path, address: str) -> tuple[Path, Path]:
    """A certificate for `address` and localhost and its key, made now (cryptography, else the
    openssl command)."""
    certificate, key = folder / "forge.pem", folder / "forge.key"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(
            [
                shutil.which("openssl") or "openssl",
                *("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
                *("-nodes", "-days", "1", "-subj", f"/CN={address}"),
                *("-addext", f"subjectAltName=IP:{address},DNS:localhost"),
                *("-keyout", str(key), "-out", str(certificate)),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return certificate, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, address)])
    now = datetime.datetime.now(datetime.timezone.utc)
    public = private.public_key()
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(address)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(private, hashes.SHA256())
    )
    certificate.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate, key


def loopback_https_address() -> tuple[str, int]:
    """A loopback address of its own on port 443 when this user may bind it (a remote without a
    port means 443, as the old guessed `https://HOST/api/v3` did), else 127.0.0.1 on a free port."""
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
    with socket.socket() as probe:
        try:
            probe.bind((address, 443))
        except OSError:
            return "127.0.0.1", 0
    return address, 443


@pytest.fixture
def forge(tmp_path: Path) -> Iterator[Forge]:
    """An HTTPS server on loopback answering 404 to everything, proven reachable and trusted
    through its certificate before the test starts (so a leak would be recorded)."""
    address, port = loopback_https_address()
    certificate, key = self_signed_certificate(tmp_path, address)
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        timeout = 10

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            received.append(
                Received(
                    self.command,
                    self.path,
                    self.headers.get("User-Agent", ""),
                    self.headers.get("Authorization"),
                )
            )
            body = b'{"message": "Not Found"}'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_HEAD = _answer

        def log_message(self, format: str, *args: Any) -> None:
            """No access log."""

    class Quiet(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            """A client that gives up on the certificate (git) is not an error here."""

    server = Quiet((address, port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        probe = HTTPSConnection(
            address, port, timeout=10, context=ssl.create_default_context(cafile=certificate)
        )
        probe.request("GET", "/probe")
        assert probe.getresponse().status == 404
        probe.close()
        assert [r.path for r in received] == ["/probe"]
        received.clear()
        url = f"https://{address}" if port == 443 else f"https://{address}:{port}"
        yield Forge(address, url, certificate, received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def fake_gh(folder: Path) -> Path:
    """A `gh` that is logged in: `gh auth token` prints GH_CLI_TOKEN; calls are logged."""
    folder.mkdir(exist_ok=True)
    script = folder / "gh"
    script.write_text(
        f'#!/bin/sh\necho "$@" >> "{folder / "calls"}"\necho "{GH_CLI_TOKEN}"\n', encoding="utf-8"
    )
    script.chmod(0o755)
    return folder


def python_check(name: str, code: str, env: tuple[str, ...] = ()) -> str:
    """A `{ name, run, env }` check table running `python -c CODE`."""
    run = (
        shlex.join([sys.executable, "-c", code])
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
    )
    names = ", ".join(f'"{variable}"' for variable in env)
    return f'{{ name = "{name}", run = "{run}", env = [{names}] }}'


def with_release_settings(files: dict[str, str], lines: str) -> dict[str, str]:
    """The guide's files with these lines added to `[tool.poetry-release]`."""
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", f"[tool.poetry-release]\n{lines}\n"
    )
    return files


def index_url_with_password(index: LocalIndex) -> str:
    """The local index's Simple API root with the user and PASSWORD in it."""
    return index.url.replace("http://", f"http://uploader:{PASSWORD}@")


# === Secrets (issue 14, items 1-3) ==========================================================


def test_secrets_no_request_and_no_token_reaches_a_remote_host_that_is_not_github(
    make_project: ProjectFactory, forge: Forge, index: LocalIndex, tmp_path: Path
) -> None:
    project = make_project()
    project.git("remote", "set-url", "origin", f"{forge.url}/someone/project.git")
    trusted = {"SSL_CERT_FILE": str(forge.certificate)}
    with_token = {**trusted, "GITHUB_TOKEN": TOKEN}
    gh = fake_gh(tmp_path / "gh-bin")
    logged_in_gh = {**trusted, "PATH": f"{gh}{os.pathsep}{project.env['PATH']}"}

    runs = [
        project.poetry("release", "status", extra_env=with_token),
        project.poetry("release", "status", "--json", extra_env=logged_in_gh),
        project.poetry("release", "verify", "--timeout", "1", extra_env=with_token),
        project.poetry("release", "verify", "--timeout", "1", extra_env=logged_in_gh),
        project.poetry("release", "cut", "--dry-run", "--no-push", extra_env=with_token),
        project.poetry("release", "cut", "--no-push", extra_env=logged_in_gh),
        project.poetry("release", "notes", extra_env=with_token),
    ]

    assert forge.from_the_plugin() == []
    assert not any(r.authorization for r in forge.received)
    status, status_json = runs[0], one_json_object(runs[1])
    assert status.code == 0, status.output
    assert "not GitHub" in status.output
    assert 'github-api-url = "https://' in status.output
    assert f"GH_HOST={forge.host}" in status.output
    assert status_json["github_release"] is None
    assert "not GitHub" in runs[2].output  # verify's github row says why it was not asked
    assert_no_secret(*(r.output for r in runs))


def test_secrets_gh_is_asked_for_the_token_of_the_apis_own_host(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project()
    gh = fake_gh(tmp_path / "gh-bin")
    with Server(GitHubStandIn(token=GH_CLI_TOKEN)) as github:
        environment = {
            "PATH": f"{gh}{os.pathsep}{project.env['PATH']}",
            "GITHUB_API_URL": github.url,
            "GITHUB_REPOSITORY": "acme/widget-kit",
        }
        result = project.poetry("release", "status", "--json", "-vvv", extra_env=environment)

    assert result.code == 0, result.output
    host = github.url.removeprefix("http://")
    assert (gh / "calls").read_text().splitlines() == [f"auth token --hostname {host}"]
    assert {r.authorization for r in github.requests} == {f"Bearer {GH_CLI_TOKEN}"}
    assert_no_secret(result.output)


def test_secrets_index_passwords_and_remote_credentials_are_never_printed(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    url = index_url_with_password(index)
    project = make_project(guide_layout(url))
    (index.packages / "arshai-1.5.5.tar.gz").write_bytes(b"not really an sdist")
    github = {"GITHUB_TOKEN": TOKEN}

    prepare = project.poetry("release", "prepare", "patch", "--no-checks", "-vv")
    verify = project.poetry("release", "verify", "1.5.5", "--timeout", "5", "--no-github", "-vv")
    verify_json = project.poetry("release", "verify", "1.5.5", "--no-github", "--json")
    project.git("remote", "set-url", "origin", f"https://someone:{TOKEN}@127.0.0.1:9/")
    verify_remote = project.poetry("release", "verify", "1.5.5", "--timeout", "1", extra_env=github)
    status_remote = project.poetry("release", "status", extra_env=github)

    assert prepare.code == 1
    assert "already on the index http://***@127.0.0.1" in prepare.stderr
    assert "http://***@127.0.0.1" in verify.stdout  # the table's index row
    index_row = one_json_object(verify_json)["checks"][0]
    assert "http://***@127.0.0.1" in index_row["detail"]
    assert "remote origin (https://***@127.0.0.1:9/)" in verify_remote.output
    assert_no_secret(*(r.output for r in (prepare, verify, verify_json, verify_remote)))
    assert "remote origin (https://***@127.0.0.1:9/)" in status_remote.output
    assert_no_secret(status_remote.output)


def test_secrets_checks_get_no_release_credentials_and_keep_private_redacted_logs(
    make_project: ProjectFactory, index: LocalIndex, tmp_path: Path
) -> None:
    seen = tmp_path / "seen.json"
    leak = (
        "import os, pathlib, sys\n"
        "for name in sorted(os.environ):\n"
        "    if 'TOKEN' in name or 'PASSWORD' in name: print(f'{name}={os.environ[name]}')\n"
        "print(pathlib.Path('pyproject.toml').read_text())\n"
        "sys.exit(1)"
    )
    named = (
        "import json, os, sys\n"
        "names = ['GH_TOKEN', 'GITHUB_TOKEN', 'POETRY_HTTP_BASIC_LOCAL_PASSWORD',"
        " 'PYPI_ID_TOKEN', 'CI_JOB_JWT_V2', 'SIGSTORE_ID_TOKEN']\n"
        f"open({str(seen)!r}, 'w').write(json.dumps({{n: n in os.environ for n in names}}))"
    )
    checks = (
        f"checks = [{python_check('leak', leak)}, {python_check('named', named, ('GH_TOKEN',))}]"
    )
    project = make_project(
        with_release_settings(guide_layout(index_url_with_password(index)), checks)
    )
    secrets = {
        "GITHUB_TOKEN": TOKEN,
        "GH_TOKEN": TOKEN,
        "POETRY_HTTP_BASIC_LOCAL_USERNAME": "uploader",
        "POETRY_HTTP_BASIC_LOCAL_PASSWORD": PASSWORD,
        "POETRY_PYPI_TOKEN_LOCAL": PASSWORD,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": OIDC_TOKEN,
        "PYPI_ID_TOKEN": OIDC_TOKEN,  # GitLab's id_tokens, Sigstore's
        "CI_JOB_JWT_V2": OIDC_TOKEN,
        "SIGSTORE_ID_TOKEN": OIDC_TOKEN,
    }

    result = project.poetry("release", "prepare", "patch", "-v", extra_env=secrets)

    assert result.code == 1, result.output
    assert 'index-url = "http://***@127.0.0.1' in result.output  # the tail, shown and redacted
    assert not re.search(
        r"^(GITHUB_TOKEN|POETRY_HTTP_BASIC_\w+|ACTIONS_ID_\w+|\w+_ID_TOKEN|CI_JOB_JWT\w*)=",
        result.output,
        re.M,
    )
    assert json.loads(seen.read_text()) == {
        "GH_TOKEN": True,
        "GITHUB_TOKEN": False,
        "POETRY_HTTP_BASIC_LOCAL_PASSWORD": False,
        "PYPI_ID_TOKEN": False,
        "CI_JOB_JWT_V2": False,
        "SIGSTORE_ID_TOKEN": False,
    }
    log = Path(re.findall(r"Full log: (\S+)", result.output)[0])
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert_no_secret(result.output, log.read_text())


def test_secrets_commit_hooks_get_no_release_credentials(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project()
    seen = tmp_path / "hook-saw"
    hook = project.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nenv | grep -c -e ADVERSARY > "{seen}"\nexit 0\n')
    hook.chmod(0o755)
    secrets = {"GITHUB_TOKEN": TOKEN, "POETRY_HTTP_BASIC_LOCAL_PASSWORD": PASSWORD}

    result = project.poetry(
        "release", "prepare", "patch", "--no-checks", "--offline", extra_env=secrets
    )

    assert result.code == 0, result.output
    assert seen.read_text().strip() == "0"


POETRY_TOML = """\
[repositories.local]
url = "{url}"
"""

SOURCE = """
[[tool.poetry.source]]
name = "private"
url = "{url}"
priority = "supplemental"
"""


@pytest.fixture
def secretive_project(make_project: ProjectFactory, index: LocalIndex) -> ReleaseProject:
    """The guide's project with a password in index-url, poetry.toml and a Poetry source."""
    url = index_url_with_password(index)
    files = with_release_settings(guide_layout(url), 'repository = "local"')
    files["pyproject.toml"] += SOURCE.format(url=url)
    files["poetry.toml"] = POETRY_TOML.format(url=url.removesuffix("simple/"))
    return make_project(files)


COMMANDS = {
    "prepare": ("prepare", "patch", "--dry-run"),
    "prepare-refused": ("prepare", "1.0.0", "--dry-run"),
    "cut": ("cut", "--dry-run"),
    "verify": ("verify", "--timeout", "1"),
    "status": ("status",),
    "notes": ("notes",),
    "usage-error": ("status", "--no-such-option"),
}


@pytest.mark.parametrize("verbosity", ["-v", "-vv", "-vvv"])
def test_secrets_json_is_one_object_at_every_verbosity_and_no_output_holds_a_secret(
    secretive_project: ReleaseProject, verbosity: str
) -> None:
    environment = {
        "GITHUB_TOKEN": TOKEN,
        "POETRY_HTTP_BASIC_LOCAL_USERNAME": "uploader",
        "POETRY_HTTP_BASIC_LOCAL_PASSWORD": PASSWORD,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": OIDC_TOKEN,
    }
    with Server(GitHubStandIn(token=TOKEN)) as github:
        environment |= {"GITHUB_API_URL": github.url, "GITHUB_REPOSITORY": "acme/widget-kit"}
        runs = {
            name: secretive_project.poetry(
                "release", *argv, verbosity, "--json", extra_env=environment
            )
            for name, argv in COMMANDS.items()
        }
        if verbosity == "-vvv":
            runs |= {
                f"{name} (text)": secretive_project.poetry(
                    "release", *argv, verbosity, extra_env=environment
                )
                for name, argv in COMMANDS.items()
            }

    for name, result in runs.items():
        assert_no_secret(result.stdout, result.stderr)
        if "(text)" not in name:
            payload = one_json_object(result)
            assert payload.get("ok", True) is (result.code == 0), (name, result.output)
    assert runs["prepare"].code == 0, runs["prepare"].output
    assert runs["status"].code == 0, runs["status"].output
    assert runs["prepare-refused"].code == 1
    assert runs["verify"].code == 1
    if verbosity != "-v":  # log lines were written, to stderr only
        assert "[httpx" in runs["status"].stderr or "HTTP Request" in runs["status"].stderr


@pytest.mark.parametrize("password", [PASSWORD, "right"])
def test_secrets_a_publish_at_vvv_with_json_prints_no_password_and_one_object(
    make_project: ProjectFactory, index: LocalIndex, password: str
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    upload = index.poetry_environment("demo")
    if password != "right":  # a wrong password: the index refuses it, the message names no secret
        upload["POETRY_HTTP_BASIC_DEMO_PASSWORD"] = password
    with Server(GitHubStandIn(token=TOKEN)) as github:
        environment = {
            **upload,
            "GITHUB_API_URL": github.url,
            "GITHUB_REPOSITORY": "acme/widget-kit",
            "GITHUB_TOKEN": TOKEN,
        }
        result = project.poetry(
            "release", "cut", "--publish", "-r", "demo", "--json", "-vvv", extra_env=environment
        )

    payload = one_json_object(result)
    assert payload["ok"] is (result.code == 0) is (password == "right"), result.output
    assert_no_secret(result.stdout, result.stderr)
    assert INDEX_PASSWORD not in result.output


# === Work destroyed or committed wrongly (issue 14, items 4-6: local-state) ==================
# - edits made while a slow check ran survive the rollback, which names them
# - two prepare runs at once: the second is refused, naming the first's process
# - prepare --allow-dirty commits only the release's change; the WIP stays uncommitted
# - a symlinked CHANGELOG.md is written through, never replaced
# - kill -9 / SIGHUP during the checks: status reports it, prepare --abort restores, no orphan


# === Faults handled wrongly (issue 14, items 7-9) ===========================================
# - GitHub 502 on creating the release is retried within the budget (item 7)
# - a trickling index cannot hold verify --timeout 5 or status; --timeout nan is refused (item 7)
# - latin-1 with a coding line, a UTF-8 BOM: read and written back; undecodable: named (item 9)


# --- cut's order protects users (issue 14, item 8) ---------------------------------------
# --no-push makes no GitHub release; the release names the pushed tag's commit; with --publish
# it is a draft until the upload is done; the upload credentials are checked before the tag;
# push refusals told apart (moved branch, hook, permission); "skipped: already on the index".


def publish_cut(
    project: ReleaseProject, github: GitHubStandIn, index: LocalIndex, *args: str, **extra: str
) -> Run:
    return cut(
        project,
        github,
        "--publish",
        "-r",
        "demo",
        *args,
        **{**index.poetry_environment("demo"), **extra},
    )


def test_item8_no_push_creates_no_github_release(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)

    result = cut(project, github, "--no-push")

    assert result.code == 0, result.output
    assert project.git("tag", "--list", "v0.9.1") == "v0.9.1"
    assert "v0.9.1" not in project.remote_tags()
    assert github.releases == []
    assert [r.method for r in github.requests if r.method != "GET"] == []
    assert "no GitHub release was made" in result.output


def test_item8_the_release_is_created_for_the_pushed_tags_commit(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    head = project.git("rev-parse", "HEAD")

    result = cut(project, github)

    assert result.code == 0, result.output
    posted = next(r.body for r in github.requests if r.method == "POST")
    assert posted["target_commitish"] == head
    assert github.violations == []


def test_item8_with_publish_the_release_is_a_draft_until_the_upload_is_done(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)

    result = publish_cut(project, github, index, "--json")

    assert result.code == 0, result.output
    writes = [
        (r.method, r.body)
        for r in github.requests
        if r.method in ("POST", "PATCH") and "/uploads/" not in r.path
    ]
    assert [method for method, _ in writes] == ["POST", "PATCH"]
    assert writes[0][1]["draft"] is True
    assert writes[1][1] == {"draft": False, "make_latest": "true"}
    assert github.releases[0]["draft"] is False
    steps = [(s["name"], s["result"]) for s in result.json()["steps"]]
    assert steps == [
        ("tag", "done"),
        ("push", "done"),
        ("github release", "done"),
        ("publish", "done"),
        ("assets", "done"),
        ("release published", "done"),
    ]
    assert github.violations == []


def test_item8_a_failed_build_stops_before_the_tag(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace(  # the build fails on it
        'requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\nreadme = "MISSING.md"\n'
    )
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    failed = publish_cut(project, github, index)

    assert failed.code == 1
    assert "MISSING.md" in failed.output, failed.output
    assert github.releases == []  # the build runs before the tag: nothing was released
    assert "v0.9.1" not in project.git("ls-remote", "--tags", "origin")
    assert not any(index.packages.iterdir())


def test_item8_a_wrong_upload_password_is_found_before_the_tag(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)
    result = publish_cut(project, github, index, POETRY_HTTP_BASIC_DEMO_PASSWORD=PASSWORD)

    assert result.code == 1
    assert "rejected the username and password for demo" in result.output
    assert "nothing was tagged" in result.output
    assert_no_secret(result.output)
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert "v0.9.1" not in project.remote_tags()
    assert github.releases == []


def test_item8_files_already_on_the_index_are_said_to_be_skipped(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)
    assert publish_cut(project, github, index).code == 0

    again = publish_cut(project, github, index, "--json")

    assert again.code == 0, again.output
    publish = next(s for s in again.json()["steps"] if s["name"] == "publish")
    assert publish["result"] == "skipped"
    assert publish["detail"] == (
        "already on the index: widget_kit-0.9.1.tar.gz, widget_kit-0.9.1-py3-none-any.whl"
    )
    assert "publish: skipped (already on the index" in again.stderr


def test_item8_a_hook_that_rejects_the_push_is_shown_and_not_blamed_on_a_moved_branch(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    hook = project.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'release tags need a second approver'\nexit 1\n")
    hook.chmod(0o755)

    result = cut(project, github)

    assert result.code == 1
    assert "A hook on origin rejected the push" in result.output
    assert "release tags need a second approver" in result.output
    assert "pull --rebase" not in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert github.releases == []


def test_item8_a_denied_push_is_called_a_permission_problem(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    with ServedApp(_forbidden) as server:
        project.git("remote", "set-url", "--push", "origin", f"{server.url}/widget-kit.git")

        result = cut(project, github)

    assert result.code == 1
    assert "denied the push of main and v0.9.1 (no permission)" in result.output
    assert "pull --rebase" not in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""


def _forbidden(environ: dict[str, object], start_response: Any) -> list[bytes]:
    start_response("403 Forbidden", [("Content-Type", "text/plain")])
    return [b"Permission to acme/widget-kit.git denied to release-bot.\n"]


# --- Local state: lock, journal, rollback, --allow-dirty, symlinks, encodings ------------------
# (issue 14, items 4, 5, 6 and 9)

OFFLINE_PREPARE = ("release", "prepare", "patch", "--offline")


def _waits_for(marker: Path, go: Path, exit_code: int) -> str:
    """Check code: write its pid to `marker`, wait (bounded) for `go`, then exit."""
    return (
        "import os, sys, time, pathlib; "
        f"pathlib.Path({str(marker) + '.tmp'!r}).write_text(str(os.getpid())); "
        f"os.replace({str(marker) + '.tmp'!r}, {str(marker)!r}); "
        f"any(os.path.exists({str(go)!r}) or time.sleep(0.05) for _ in range(2400)); "
        f"sys.exit({exit_code})"
    )


def _project(
    make_project: ProjectFactory, *checks: str, extra: dict[str, str] | None = None
) -> ReleaseProject:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["CHANGELOG.md"] = CHANGELOG
    if checks:
        files["pyproject.toml"] = files["pyproject.toml"].replace(
            "[tool.poetry-release]\n", f"[tool.poetry-release]\nchecks = [{', '.join(checks)}]\n"
        )
    files.update(extra or {})
    return make_project(files)


def _start(project: ReleaseProject, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [POETRY, *args],
        cwd=project.root,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_until(
    condition: Callable[[], bool], process: subprocess.Popen[str] | None = None
) -> None:
    deadline = time.monotonic() + 90
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(process.communicate()[0])
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.05)


def _ends(pid: int) -> bool:
    """Whether the process ends within 15 s."""
    return ends_within(pid, 15)


@dataclass
class _PrepareInACheck:
    """A prepare (a real `poetry` process) waiting in its one check until `go` exists."""

    project: ReleaseProject
    before: Snapshot
    process: subprocess.Popen[str]
    check_pid: int
    go: Path


def _prepare_in_a_check(
    make_project: ProjectFactory, tmp_path: Path, exit_code: int = 0
) -> _PrepareInACheck:
    marker, go = tmp_path / "check-started", tmp_path / "go"
    project = _project(make_project, python_check("slow", _waits_for(marker, go, exit_code)))
    before = project.snapshot()
    process = _start(project, *OFFLINE_PREPARE)
    _wait_until(marker.exists, process)
    return _PrepareInACheck(project, before, process, int(marker.read_text()), go)


def test_a_second_prepare_is_refused_naming_the_first_process(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    running = _prepare_in_a_check(make_project, tmp_path)
    project, first = running.project, running.process
    try:
        second = project.poetry(*OFFLINE_PREPARE, "--no-checks")
        cut = project.poetry("release", "cut", "--no-push")
        dry_run = project.poetry(*OFFLINE_PREPARE, "--no-checks", "--dry-run")
        state = project.poetry("release", "status", "--offline")

        running.go.touch()
        output, _ = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.code == 1, second.output
    assert f"Another poetry release prepare is running in this repository (process {first.pid}" in (
        second.output
    )
    assert cut.code == 1, cut.output
    assert f"(process {first.pid}" in cut.output
    assert f"a prepare is running (process {first.pid})" in dry_run.output  # not "interrupted"
    assert f"a prepare of 1.5.5 is running (process {first.pid})" in state.output
    assert first.returncode == 0, output
    assert project.git("show", "HEAD:pyproject.toml").count('version = "1.5.5"') == 1
    assert project.git("status", "--porcelain") == ""


def test_kill_9_during_a_check_then_status_and_abort_restore_every_byte(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    running = _prepare_in_a_check(make_project, tmp_path)
    project, prepare = running.project, running.process

    prepare.kill()  # SIGKILL: no handler runs, nothing is restored by the process itself
    prepare.communicate(timeout=30)

    assert _ends(running.check_pid), "the check outlived the killed prepare"
    assert 'version = "1.5.5"' in project.read("pyproject.toml")  # left changed by the kill
    state = project.poetry("release", "status", "--offline", "--json")
    assert state.code == 0, state.output
    payload = state.json()
    assert payload["next"] == "prepare"
    assert payload["interrupted_prepare"]["pid"] == prepare.pid
    assert set(payload["interrupted_prepare"]["changed"]) == {
        "pyproject.toml",
        "arshai/_version.py",
        "CHANGELOG.md",
    }
    human = project.poetry("release", "status", "--offline")
    assert f"an interrupted prepare of 1.5.5 (process {prepare.pid}) left changes" in human.stdout
    assert "Next: poetry release prepare --abort" in human.stdout

    aborted = project.poetry("release", "prepare", "--abort")

    assert aborted.code == 0, aborted.output
    assert "restored" in aborted.output
    assert f"took over the release lock of process {prepare.pid}" in aborted.output
    assert project.snapshot() == running.before
    assert not (project.root / ".git" / "poetry-release-journal.json").exists()
    again = project.poetry("release", "status", "--offline", "--json").json()
    assert again["interrupted_prepare"] is None


def test_the_next_prepare_restores_what_a_killed_one_left_and_says_so(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    running = _prepare_in_a_check(make_project, tmp_path)
    project, prepare = running.project, running.process
    prepare.kill()
    prepare.communicate(timeout=30)

    result = project.poetry(*OFFLINE_PREPARE, "--no-checks")

    assert result.code == 0, result.output
    assert f"An interrupted prepare of 1.5.5 (process {prepare.pid}) had changed" in result.output
    assert project.git("show", "HEAD:arshai/_version.py").count('"1.5.5"') == 1  # not 1.5.6


def test_sighup_during_the_checks_restores_everything_and_stops_them(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    running = _prepare_in_a_check(make_project, tmp_path)
    prepare = running.process

    prepare.send_signal(signal.SIGHUP)  # the terminal closed
    output, _ = prepare.communicate(timeout=60)

    assert prepare.returncode != 0, output
    assert "Interrupted while the checks ran; every file was restored" in output
    assert running.project.snapshot() == running.before
    assert _ends(running.check_pid)


def test_an_edit_made_during_a_failing_check_is_kept_and_named(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    running = _prepare_in_a_check(make_project, tmp_path, exit_code=3)
    project, prepare, before = running.project, running.process, running.before
    edited = project.read("CHANGELOG.md") + "\nA note the maintainer wrote meanwhile.\n"
    project.write("CHANGELOG.md", edited)

    running.go.touch()
    output, _ = prepare.communicate(timeout=120)

    assert prepare.returncode == 1, output
    assert "every file was restored" not in output
    assert "CHANGELOG.md changed since prepare wrote it, so it was left as it is" in output
    assert project.read("CHANGELOG.md") == edited
    after = project.snapshot()
    for path in ("pyproject.toml", "arshai/_version.py"):
        assert after.files[path] == before.files[path]


def test_a_commit_made_while_the_checks_run_stops_the_release_and_restores_the_files(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    running = _prepare_in_a_check(make_project, tmp_path)
    project, prepare, before = running.project, running.process, running.before
    project.git("commit", "--quiet", "--allow-empty", "--message", "feat!: made meanwhile")
    moved = project.git("rev-parse", "HEAD")

    running.go.touch()
    output, _ = prepare.communicate(timeout=120)

    assert prepare.returncode == 1, output
    assert "HEAD moved while prepare ran" in output
    assert project.git("rev-parse", "HEAD") == moved  # no release commit on top of it
    after = project.snapshot()
    for path in ("pyproject.toml", "arshai/_version.py", "CHANGELOG.md"):
        assert after.files[path] == before.files[path]


def test_allow_dirty_commits_only_the_release_and_leaves_the_wip_uncommitted(
    make_project: ProjectFactory,
) -> None:
    project = _project(make_project)
    wip_pyproject = project.read("pyproject.toml") + "# WIP: not ready for this release\n"
    project.write("pyproject.toml", wip_pyproject)
    project.write(
        "CHANGELOG.md",
        project.read("CHANGELOG.md").replace("# Changelog\n", "# Changelog\n<!-- WIP -->\n"),
    )
    project.write("notes.txt", "an untracked file\n")

    result = project.poetry(*OFFLINE_PREPARE, "--no-checks", "--allow-dirty")

    assert result.code == 0, result.output
    committed = project.git("show", "HEAD:pyproject.toml")
    assert 'version = "1.5.5"' in committed
    assert "WIP" not in committed
    changelog = project.git("show", "HEAD:CHANGELOG.md")
    assert "## [1.5.5]" in changelog
    assert "WIP" not in changelog
    assert sorted(project.head_files()) == ["CHANGELOG.md", "arshai/_version.py", "pyproject.toml"]
    assert project.read("pyproject.toml") == wip_pyproject.replace(
        'version = "1.5.4"', 'version = "1.5.5"'
    )
    assert "<!-- WIP -->" in project.read("CHANGELOG.md")
    assert "## [1.5.5]" in project.read("CHANGELOG.md")
    assert project.git("diff", "--cached", "--name-only") == ""  # nothing staged
    assert project.git("diff", "--name-only").splitlines() == ["CHANGELOG.md", "pyproject.toml"]
    assert project.git("ls-files", "--others", "--exclude-standard") == "notes.txt"
    changed = [
        line
        for line in project.git("diff", "HEAD").splitlines()
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == ["+<!-- WIP -->", "+# WIP: not ready for this release"]


def test_a_symlinked_changelog_stays_a_link_and_its_target_is_released(
    make_project: ProjectFactory,
) -> None:
    project = _project(make_project, extra={"docs/CHANGELOG.md": CHANGELOG})
    (project.root / "CHANGELOG.md").unlink()
    (project.root / "CHANGELOG.md").symlink_to("docs/CHANGELOG.md")
    project.commit_all("docs: one changelog, linked from the top")

    result = project.poetry(*OFFLINE_PREPARE, "--no-checks")

    assert result.code == 0, result.output
    link = project.root / "CHANGELOG.md"
    assert link.is_symlink()
    assert str(link.readlink()) == "docs/CHANGELOG.md"
    assert "## [1.5.5]" in project.read("docs/CHANGELOG.md")
    assert project.git("ls-tree", "HEAD", "CHANGELOG.md").startswith("120000 ")
    assert sorted(project.head_files()) == [
        "arshai/_version.py",
        "docs/CHANGELOG.md",
        "pyproject.toml",
    ]
    assert project.git("status", "--porcelain") == ""


LATIN1_VERSION_FILE = (
    '# -*- coding: latin-1 -*-\n"""Version of arshai, by Zo\xe9."""\n\n'
    '__version__ = "1.5.4"\n__version_info__ = (1, 5, 4)\n'
).encode("latin-1")
BOM_VERSION_FILE = b'\xef\xbb\xbf"""Caf\xc3\xa9."""\n__version__ = "1.5.4"\n'


def test_a_latin1_coding_line_and_a_bom_are_written_back_as_they_were(
    make_project: ProjectFactory,
) -> None:
    project = _project(make_project)
    project.write(
        "pyproject.toml",
        project.read("pyproject.toml").replace(
            "[tool.poetry-release]\n",
            '[tool.poetry-release]\nversion-files = ["arshai/_version.py", "arshai/_bom.py"]\n',
        ),
    )
    (project.root / "arshai" / "_version.py").write_bytes(LATIN1_VERSION_FILE)
    (project.root / "arshai" / "_bom.py").write_bytes(BOM_VERSION_FILE)
    project.commit_all("chore: a latin-1 version file and one with a BOM")

    result = project.poetry(*OFFLINE_PREPARE, "--no-checks")

    assert result.code == 0, result.output
    assert (project.root / "arshai" / "_version.py").read_bytes() == LATIN1_VERSION_FILE.replace(
        b"1.5.4", b"1.5.5"
    ).replace(b"(1, 5, 4)", b"(1, 5, 5)")
    assert (project.root / "arshai" / "_bom.py").read_bytes() == BOM_VERSION_FILE.replace(
        b"1.5.4", b"1.5.5"
    )
    assert project.git("status", "--porcelain") == ""


def test_an_undecodable_version_file_is_an_error_naming_it(make_project: ProjectFactory) -> None:
    project = _project(make_project)
    (project.root / "arshai" / "_version.py").write_bytes(
        LATIN1_VERSION_FILE.replace(b"# -*- coding: latin-1 -*-\n", b"")
    )
    project.commit_all("chore: lose the coding line")

    result = project.poetry("release", "status", "--offline")

    assert result.code == 1
    assert "arshai/_version.py is not valid utf-8: byte 0xe9" in result.output
    assert "coding line" in result.output
    assert "Traceback" not in result.output


def test_no_commit_with_allow_dirty_stages_only_the_release(make_project: ProjectFactory) -> None:
    project = _project(make_project)
    wip = project.read("pyproject.toml") + "# WIP\n"
    project.write("pyproject.toml", wip)

    result = project.poetry(*OFFLINE_PREPARE, "--no-checks", "--allow-dirty", "--no-commit")

    assert result.code == 0, result.output
    staged = project.git("show", ":pyproject.toml")
    assert 'version = "1.5.5"' in staged
    assert "WIP" not in staged
    assert project.read("pyproject.toml") == wip.replace('"1.5.4"', '"1.5.5"')


def test_abort_with_nothing_to_abort_says_so_in_one_json_object(
    make_project: ProjectFactory,
) -> None:
    project = _project(make_project)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "--abort", "--json")

    assert result.code == 0, result.output
    assert result.json() == {"ok": True, "aborted": False, "restored": [], "kept": []}
    assert "Nothing to abort" in result.stderr
    assert project.snapshot() == before


@pytest.mark.faults
def test_an_edit_saved_while_prepare_asks_the_index_is_never_overwritten(
    make_project: ProjectFactory,
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    edited = CHANGELOG.replace("- A `widgets` module.", "- A `widgets` module, edited meanwhile.")

    def index_while_the_user_saves(environ: dict[str, object], start_response: Any) -> list[bytes]:
        project.write("CHANGELOG.md", edited)  # saved in an editor during the look-up
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    with ServedApp(index_while_the_user_saves) as server:
        project.write(
            "pyproject.toml",
            project.read("pyproject.toml")
            + f'\n[tool.poetry-release]\nindex-url = "{server.url}/simple/"\n',
        )
        project.commit_all("chore: the index")
        head = project.git("rev-parse", "HEAD")

        result = project.poetry("release", "prepare", "patch", "--no-checks")

    assert result.code == 1
    assert "CHANGELOG.md changed after it was read" in result.stderr
    assert project.read("CHANGELOG.md") == edited  # the edit is kept
    assert project.git("rev-parse", "HEAD") == head
    assert '__version__ = "0.9.0"' in project.read("widget_kit/__init__.py")


# --- Issue 22: credentials go where Poetry sends them -----------------------------------------


def test_item2_a_committed_poetry_toml_never_redirects_the_pypi_token(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    seen: list[str] = []

    def attacker(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(f"{environ['REQUEST_METHOD']} {environ.get('HTTP_AUTHORIZATION', '')}")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"audience": "pypi"}']

    with ServedApp(attacker) as server:
        files = widget_kit_files()
        files["poetry.toml"] = f'[repositories.pypi]\nurl = "{server.url}/legacy/"\n'
        project = make_project(files, tags=("v0.9.0",))
        project.env.pop("POETRY_REPOSITORIES_PYPI_URL")  # the project's file decides alone
        prepare = ("release", "prepare", "patch", "--offline", "--no-checks")
        assert project.poetry(*prepare).code == 0
        env = {
            **github_environment(github),
            "POETRY_PYPI_TOKEN_PYPI": "pypi-ADVERSARY-91f3",
            "POETRY_HTTP_BASIC_PYPI_USERNAME": "__token__",
            "POETRY_HTTP_BASIC_PYPI_PASSWORD": "pypi-ADVERSARY-77b1",
        }

        status = project.poetry("release", "status", extra_env=env)  # asks the index
        result = project.poetry("release", "cut", "--publish", "--dry-run", "-vvv", extra_env=env)

    assert result.code == 0, result.output
    assert (
        f"poetry.toml in the project sets repositories.pypi.url = {server.url}/legacy/: "
        "ignored, as poetry publish ignores it; the release goes to PyPI"
    ) in result.output
    assert "would upload with Poetry's token for pypi (dry run: not sent)" in result.output
    assert [request for request in seen if not request.startswith("GET ")] == []
    assert not any("Basic" in request or "ADVERSARY" in request for request in seen), seen
    assert "pypi-ADVERSARY-91f3" not in result.output
    assert status.code == 0, status.output
    assert any(request.startswith("GET ") for request in seen)  # looked up, anonymously


def test_item4_poetrys_own_vvv_lines_are_redacted_too(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    project = make_project(guide_layout(index_url_with_password(index)))

    runs = [
        project.poetry("release", *command, "-vvv")
        for command in (("status", "--json"), ("status",), ("prepare", "patch", "--dry-run"))
    ]

    assert "Creating new session for" in runs[0].output  # Poetry's own line, at -vvv
    assert_no_secret(*(run.output for run in runs))


def test_item15_a_silent_remote_is_said_to_be_waited_on(make_project: ProjectFactory) -> None:
    def silent(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        time.sleep(3)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such repository\n"]

    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    with ServedApp(silent) as server:
        project.git("remote", "set-url", "origin", f"{server.url}/widget-kit.git")
        result = project.poetry("release", "status", "--json")

    assert result.code == 0, result.output
    assert "waiting for the remote (git ls-remote, at most 60 s)" in result.stderr
    assert result.json()["tag_remote"] is None  # not known, and said so


def test_item9_kill_9_while_the_commit_hook_runs_never_lets_a_commit_undo_the_release(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    marker = tmp_path / "hook-started"
    hook = project.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep 2\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    args = [POETRY, "release", "prepare", "patch", "--offline", "--no-checks"]
    prepare = subprocess.Popen(
        args, cwd=project.root, env=project.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        prepare.kill()  # the hook and its `git commit` go on without prepare
        prepare.communicate(timeout=30)
    finally:
        if prepare.poll() is None:
            prepare.kill()
    for _ in range(200):  # the orphaned commit lands once its hook is done
        if project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1":
            break
        time.sleep(0.05)
    time.sleep(0.5)

    # straight away, before any plugin command: an ordinary commit must not undo the release
    project.write("notes.txt", "an ordinary change\n")
    project.git("add", "notes.txt")
    project.git("commit", "--quiet", "--no-verify", "--message", "docs: notes")
    assert 'version = "0.9.1"' in project.git("show", "HEAD:pyproject.toml")  # not undone
    assert project.git("status", "--porcelain") == ""
    state = project.poetry("release", "status", "--offline")
    cut = project.poetry("release", "cut", "--no-push", "--no-github-release")

    assert "was stopped after its commit landed" in state.stdout, state.output
    assert cut.code == 1  # HEAD is past the release commit now: cut says so, names it
    assert "past the commit that set 0.9.1" in cut.output
    assert list((project.root / ".git").glob("poetry-release-*.index")) == []
    assert not (project.root / ".git" / "poetry-release-journal.json").exists()
