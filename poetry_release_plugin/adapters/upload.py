"""Uploads through Poetry's own uploader, one file at a time, with PEP 740 attestations.

Poetry's `Uploader` does the upload (its metadata, hashes, certificates and "file exists"
handling; reached through `poetry_api.py`); this adapter adds what `poetry publish` lacks: the
credentials are checked before anything is tagged, a file's `<file>.*.attestation` files go
with it as the one multipart field `attestations` (a JSON array, as twine sends them),
credentials are asked for again before each file (a minted token may not outlive a long
upload), each file's upload has a total deadline, and a file the index already had is told
apart from a file uploaded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.adapters.deadline import within_deadline
from poetry_release_plugin.adapters.http import redact_url
from poetry_release_plugin.adapters.poetry_api import (
    repository_certificates,
    upload_one_file,
    uploader_session,
)
from poetry_release_plugin.adapters.repositories import pypi_upload_url, repository_url
from poetry_release_plugin.core.redaction import redact_with
from poetry_release_plugin.errors import DeadlineExceeded, PublishError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import requests
    from cleo.io.io import IO
    from poetry.poetry import Poetry

    from poetry_release_plugin.adapters.publisher import Credentials

ATTESTATION_SUFFIX = ".attestation"
PROBE_DEADLINE = 60.0  # seconds for the whole credentials check, however the index trickles
UPLOAD_BASE_SECONDS = 120.0  # each file's upload: this, plus its size at the slowest rate below
UPLOAD_SLOWEST_RATE = 64 * 1024  # bytes a second


def upload_deadline(size: int) -> float:
    """Seconds one file's upload may take in all, answer included: an index that reads the
    body slowly or trickles its answer a byte at a time satisfies every per-read timeout."""
    return UPLOAD_BASE_SECONDS + size / UPLOAD_SLOWEST_RATE


@dataclass(frozen=True)
class UploadTarget:
    """Where a Poetry repository's uploads go, with Poetry's certificates for it."""

    repository: str
    url: str
    cert: Path | bool
    client_cert: Path | None


@dataclass(frozen=True)
class UploadOutcome:
    """Files sent, and files the index already had (skipped)."""

    uploaded: list[str]
    already_on_index: list[str]


def upload_target(poetry: Poetry, io: IO, repository: str) -> UploadTarget | None:
    """The upload URL Poetry has for `repository`, or None. `pypi` is always PyPI's upload
    URL, as `poetry publish` uploads it whatever `repositories.pypi.url` says (see
    `redirected_pypi`); TestPyPI's is known."""
    url = None if repository == "pypi" else repository_url(poetry.config, repository)
    if url is None and repository in ("pypi", "testpypi"):
        url = pypi_upload_url(test=repository == "testpypi")
    if url is None:
        return None
    if url.endswith("/legacy"):
        url += "/"  # as Poetry's publisher does: the index would redirect otherwise
    cert, client_cert = repository_certificates(poetry, io, repository)
    return UploadTarget(repository, url, cert, client_cert)


def redirected_pypi(poetry: Poetry) -> str | None:
    """Where Poetry's configuration points the repository `pypi` (which uploads ignore), and
    who says so: the project's own `poetry.toml` is named. None when nothing does."""
    url = repository_url(poetry.config, "pypi")
    if url is None:
        return None
    said = (
        "poetry.toml in the project"
        if project_sets_url(poetry, "pypi")
        else "Poetry's configuration (POETRY_REPOSITORIES_PYPI_URL or config.toml)"
    )
    return f"{said} sets repositories.pypi.url = {redact_url(url)}"


def project_sets_url(poetry: Poetry, repository: str) -> str | None:
    """The URL the project's own (committed) `poetry.toml` gives `repository`, if it does,
    its credentials hidden (for messages)."""
    import tomlkit

    local = poetry.pyproject_path.parent / "poetry.toml"
    try:
        table = tomlkit.parse(local.read_text(encoding="utf-8")).unwrap()
    except (OSError, ValueError):  # none, or not TOML: Poetry itself says so
        return None
    found = table.get("repositories", {}).get(repository, {})
    url = found.get("url") if isinstance(found, dict) else None
    return redact_url(url) if isinstance(url, str) else None


def index_session(
    poetry: Poetry, io: IO, target: UploadTarget, credentials: Credentials | None = None
) -> requests.Session:
    """A session as Poetry's uploader makes it (user agent, certificates), for `target`."""
    session = (
        uploader_session(poetry, io)
        if credentials is None
        else uploader_session(poetry, io, credentials.username, credentials.secret)
    )
    session.verify = str(target.cert) if isinstance(target.cert, Path) else target.cert
    if target.client_cert:
        session.cert = str(target.client_cert)
    return session


def check_credentials(
    poetry: Poetry, io: IO, target: UploadTarget, credentials: Credentials
) -> None:
    """Ask the index whether it takes these credentials, without uploading anything: an
    authenticated upload request with no file. 401/403 means rejected; any other answer
    (the index complaining that the file is missing) means they passed as far as it tells."""
    import requests

    form = {":action": (None, "file_upload"), "protocol_version": (None, "1")}
    secret = credentials.secret
    with index_session(poetry, io, target, credentials) as session:
        try:
            response = within_deadline(
                PROBE_DEADLINE,
                lambda: session.post(target.url, files=form, allow_redirects=False, timeout=30),
            )
        except DeadlineExceeded:
            raise PublishError(
                f"{redact_url(target.url)} did not answer the credentials check within "
                f"{PROBE_DEADLINE:g} s",
                "check the network and the repository's URL, then run again",
            ) from None
        except requests.RequestException as error:
            raise PublishError(
                f"The index at {redact_url(target.url)} did not answer ({type(error).__name__})",
                f"check the URL of the repository {target.repository} and the network",
            ) from None
    if 300 <= response.status_code < 400:
        raise PublishError(
            f"The index at {redact_url(target.url)} answered the credentials check with a "
            f"redirect (HTTP {response.status_code}), so they were not checked; nothing was "
            "tagged",
            f"give the repository {target.repository} its upload URL as the index states it "
            "(a trailing /legacy/, https), then run cut again",
        )
    if response.status_code in (401, 403):
        said = redact_with(_reason(response), secret)
        raise PublishError(
            f"The index at {redact_url(target.url)} rejected the {credentials.kind} for "
            f"{target.repository} (HTTP {response.status_code}{': ' + said if said else ''}); "
            "nothing was tagged",
            _credentials_fix(target.repository, credentials),
        )


def _credentials_fix(repository: str, credentials: Credentials) -> str:
    if credentials.kind.startswith("token minted"):
        return (
            f"the index refused the token it minted for this job: check that the trusted "
            f"publisher on {repository} may upload this project (not a pending publisher "
            "of another name), then run cut again"
        )
    name = repository.upper().replace("-", "_")
    return (
        f"poetry config pypi-token.{repository} TOKEN (or set POETRY_PYPI_TOKEN_{name}, or "
        f"POETRY_HTTP_BASIC_{name}_USERNAME and _PASSWORD), then run cut again"
    )


def attestation_statement_subjects(path: Path) -> list[tuple[str, str]]:
    """The (file name, sha256) pairs a PEP 740 attestation file vouches for."""
    try:
        attestation = json.loads(path.read_text(encoding="utf-8"))
        statement = json.loads(base64.b64decode(attestation["envelope"]["statement"]))
        return [
            (str(subject["name"]), str(subject["digest"]["sha256"]))
            for subject in statement["subject"]
        ]
    except (OSError, ValueError, KeyError, TypeError, binascii.Error):
        raise PublishError(
            f"{path} is not a PEP 740 attestation (an envelope with an in-toto statement)",
            "make it again with PyPA's attestation tooling, or delete it",
        ) from None


def gather_attestations(files: Iterable[Path], folders: Iterable[Path]) -> None:
    """Copy each `<file>.*.attestation` found in `folders` beside its file, after checking it
    vouches for exactly these bytes (the index rejects a file whose attestation does not)."""
    for file in files:
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        for folder in folders:
            for found in sorted(folder.glob(f"{file.name}.*{ATTESTATION_SUFFIX}")):
                if (file.name, digest) not in attestation_statement_subjects(found):
                    raise PublishError(
                        f"{found} was made for other bytes than the {file.name} built now",
                        "build and attest again from this commit (builds are reproducible), "
                        "or delete the stale attestation",
                    )
                beside = file.parent / found.name
                if found.resolve() != beside.resolve():
                    shutil.copyfile(found, beside)


def attestation_paths(file: Path) -> list[Path]:
    """The attestation files beside a distribution file."""
    return sorted(file.parent.glob(f"{file.name}.*{ATTESTATION_SUFFIX}"))


def attestations_of(file: Path) -> list[Any]:
    """The attestation objects beside a distribution file, for the upload's form."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in attestation_paths(file)]


def upload_files(
    poetry: Poetry,
    io: IO,
    target: UploadTarget,
    files: list[Path],
    credentials: Callable[[], Credentials],
) -> UploadOutcome:
    """Upload each file with the credentials current at that moment; files the index has
    already are skipped and reported as such."""
    uploaded: list[str] = []
    present: list[str] = []
    for file in files:
        current = credentials()
        password = current.secret
        seconds = upload_deadline(file.stat().st_size)
        try:
            answer = within_deadline(
                seconds,
                partial(
                    upload_one_file,
                    poetry,
                    io,
                    file,
                    url=target.url,
                    certificates=(target.cert, target.client_cert),
                    username=current.username,
                    password=password,
                    attestations=attestations_of(file),
                ),
            )
        except DeadlineExceeded:
            raise PublishError(
                f"Uploading {file.name} to {target.repository} did not finish within "
                f"{seconds:.0f} s"
                + (f" (after {', '.join(uploaded)} went up)" if uploaded else ""),
                "check the network and the index, then run cut again: the index may have the "
                "file by now, and files already up are skipped",
            ) from None
        last = answer.responses[-1] if answer.responses else None
        if answer.error is not None:
            detail = redact_with(
                _answer_reason(last) if last is not None else answer.error, password
            )
            rejected = last is not None and last.status_code in (401, 403)
            raise PublishError(
                f"Uploading {file.name} to {target.repository} failed: {detail}"
                + (f" (after {', '.join(uploaded)} went up)" if uploaded else ""),
                _credentials_fix(target.repository, current)
                if rejected
                else "check the repository's URL in Poetry's config, then run cut again "
                "(files already up are skipped)",
            )
        answered = last.status_code if last is not None else 200
        (uploaded if 200 <= answered < 300 else present).append(file.name)
    return UploadOutcome(uploaded, present)


def _answer_reason(response: requests.Response) -> str:
    """Why the index refused an upload, from its answer."""
    if response.is_redirect:
        return f"HTTP {response.status_code}, a redirect, which uploads do not follow"
    reason = _reason(response)
    return f"HTTP {response.status_code}" + (f": {reason}" if reason else "")


def _reason(response: requests.Response) -> str:
    text = (response.reason or "").strip()
    body = response.text.strip().splitlines()
    detail = body[0][:200] if body and not body[0].lstrip().startswith("<") else ""
    return ": ".join(part for part in (text, detail) if part)
