"""The bridge to Poetry's own build and credentials (`poetry publish --build`, from code).

Repositories and credentials are Poetry's (`repositories.<name>.url`, `pypi-token.<name>`,
`http-basic.<name>`, their POETRY_* variables, keyring); the upload is `adapters/upload.py`.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.core.redaction import remember_secret
from poetry_release_plugin.errors import BuildFailed, PublishError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cleo.io.io import IO
    from poetry.poetry import Poetry


@dataclass(frozen=True)
class Credentials:
    """A credential for an index; the secret never shows in its repr."""

    kind: str  # "token" or "username and password"
    secret: str = field(repr=False)
    username: str = "__token__"

    def __post_init__(self) -> None:
        remember_secret(self.secret)  # hidden from every output from now on (keyring's too)


def configured_credentials(poetry: Poetry, io: IO, repository: str) -> Credentials | None:
    """The credentials Poetry has for `repository` (token first, as Poetry's publisher)."""
    from poetry.utils.authenticator import Authenticator

    authenticator = Authenticator(poetry.config, io)
    token = authenticator.get_pypi_token(repository)
    if token:
        return Credentials("token", token)
    auth = authenticator.get_http_auth(repository)
    if auth is not None and auth.password:
        return Credentials("username and password", auth.password, auth.username or "")
    return None


def build_distributions(poetry: Poetry, io: IO, dist: Path) -> list[Path]:
    """Build sdist and wheel into `dist` (a folder of our own) the one way the plugin builds
    (`adapters/build.py`); the files of this version."""
    from poetry.publishing.uploader import Uploader

    from poetry_release_plugin.adapters.build import build_once

    try:
        build_once(poetry.pyproject_path.parent, dist)
    except BuildFailed as error:
        tail = "\n".join(error.output.strip().splitlines()[-5:])
        raise PublishError(
            f"Building the sdist and wheel failed:\n{tail}", "fix the build, then run cut again"
        ) from None
    return Uploader(poetry, io, dist_dir=dist).files  # the files Poetry's publisher would send


@contextmanager
def built_release(poetry: Poetry, io: IO) -> Iterator[list[Path]]:
    """The sdist and wheel, built into a temporary folder (removed afterwards), with the
    attestation files found beside them or in the project's `dist/` attached."""
    from poetry_release_plugin.adapters.upload import gather_attestations

    with tempfile.TemporaryDirectory(prefix="poetry-release-dist-") as scratch:
        files = build_distributions(poetry, io, Path(scratch))
        project_dist = poetry.pyproject_path.parent / "dist"
        gather_attestations(
            files, [Path(scratch)] + ([project_dist] if project_dist.is_dir() else [])
        )
        yield files
