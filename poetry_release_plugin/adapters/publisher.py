"""The bridge to Poetry's own build and publisher: `poetry publish --build`, from code.

Repositories and credentials are Poetry's (`repositories.<name>.url`, `pypi-token.<name>`,
`http-basic.<name>`, their POETRY_* variables, keyring). A file the index already has is
skipped and reported by Poetry, so publishing again is harmless.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.repositories import repository_url
from poetry_release_plugin.errors import PublishError

if TYPE_CHECKING:
    from cleo.io.io import IO
    from poetry.poetry import Poetry

PYPI = "pypi"


@dataclass(frozen=True)
class Credentials:
    """The credential Poetry has for a repository; the secret never shows in its repr."""

    kind: str  # "token" or "username and password"
    secret: str = field(repr=False)


def credentials_for(poetry: Poetry, io: IO, repository: str) -> Credentials:
    """The credentials Poetry would use for `repository`, or an error saying how to set them."""
    from poetry.utils.authenticator import Authenticator

    if repository != PYPI and repository_url(poetry.config, repository) is None:
        variable = f"POETRY_REPOSITORIES_{repository.upper().replace('-', '_')}_URL"
        raise PublishError(
            f"Poetry has no repository named {repository}",
            f"poetry config repositories.{repository} URL (or set {variable})",
        )
    authenticator = Authenticator(poetry.config, io)
    token = authenticator.get_pypi_token(repository)
    if token:
        return Credentials("token", token)
    auth = authenticator.get_http_auth(repository)
    if auth is not None and auth.password:
        return Credentials("username and password", auth.password)
    name = repository.upper().replace("-", "_")
    raise PublishError(
        f"Poetry has no credentials for the repository {repository}",
        f"poetry config pypi-token.{repository} TOKEN (or set POETRY_PYPI_TOKEN_{name}, or "
        f"POETRY_HTTP_BASIC_{name}_USERNAME and _PASSWORD)",
    )


def build_and_publish(poetry: Poetry, io: IO, repository: str, secret: str) -> list[str]:
    """Build sdist and wheel into a temporary folder and upload them; the file names."""
    from poetry.console.commands.build import BuildHandler, BuildOptions
    from poetry.publishing import Publisher
    from poetry.publishing.uploader import UploadError
    from poetry.utils.env import EnvManager

    with tempfile.TemporaryDirectory(prefix="poetry-release-dist-") as scratch:
        dist = Path(scratch)
        env = EnvManager(poetry).get()
        options = BuildOptions(clean=True, formats=["sdist", "wheel"], output=str(dist))
        if BuildHandler(poetry, env, io).build(options) != 0:
            raise PublishError(
                "Building the sdist and wheel failed", "fix the build, then run cut again"
            )
        publisher = Publisher(poetry, io, dist_dir=dist)  # after the build: it lists dist once
        files = [path.name for path in publisher.files]
        try:
            publisher.publish(
                None if repository == PYPI else repository, None, None, skip_existing=True
            )
        except (UploadError, RuntimeError) as error:
            detail = str(error).split(" | ", 1)[0]  # Poetry appends the whole response body
            detail = detail.replace(secret, "<hidden>") if secret else detail
            raise PublishError(
                f"Uploading to {repository} failed: {detail}",
                "check the repository's URL and credentials in Poetry's config, then run cut again",
            ) from None
        return files
