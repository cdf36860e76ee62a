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
    from poetry_release_plugin.adapters.poetry_api import repository_secrets

    secrets = repository_secrets(poetry, io, repository)
    if secrets.token:
        return Credentials("token", secrets.token)
    if secrets.password:
        return Credentials("username and password", secrets.password, secrets.username or "")
    return None


def build_distributions(poetry: Poetry, io: IO, dist: Path) -> list[Path]:
    """Build sdist and wheel into `dist` (a folder of our own) the one way the plugin builds
    (`adapters/build.py`); the files of this version."""
    from poetry_release_plugin.adapters.build import build_once
    from poetry_release_plugin.adapters.poetry_api import publishable_files

    try:
        build_once(poetry.pyproject_path.parent, dist)
    except BuildFailed as error:
        tail = "\n".join(error.output.strip().splitlines()[-5:])
        raise PublishError(
            f"Building the sdist and wheel failed:\n{tail}", "fix the build, then run cut again"
        ) from None
    # The plugin's own upload order on every Poetry (Poetry's changed in 2.3): the sdist
    # first, then the wheels by name.
    return sorted(publishable_files(poetry, io, dist), key=lambda f: (f.suffix == ".whl", f.name))


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
