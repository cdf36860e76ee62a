"""`cut --publish`: which credentials upload the release, checked before the tag.

Poetry's own credentials for the repository, or (`trusted-publishing`) a short-lived token
minted from the CI job's OIDC identity: `auto` mints one when Poetry has no credentials,
`always` always mints, `never` never does. Before each file a token that would expire within
`REMINT_MARGIN` seconds is minted again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.publisher import Credentials
from poetry_release_plugin.errors import PublishError, TrustedPublishingError
from poetry_release_plugin.workflows.cut import Upload

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from pathlib import Path

    from cleo.io.io import IO
    from poetry.poetry import Poetry

    from poetry_release_plugin.adapters.trusted_publishing import MintedToken, TrustedPublisher
    from poetry_release_plugin.adapters.upload import UploadTarget
    from poetry_release_plugin.workflows.prepare import Reporter

REMINT_MARGIN = 300.0


@dataclass
class IndexPublishing:
    """The upload of `cut --publish` through Poetry, with Poetry's or minted credentials."""

    poetry: Poetry
    io: IO
    reporter: Reporter
    repository: str
    trusted_publishing: str = "auto"
    oidc_audience: str | None = None
    dry_run: bool = False  # settle everything, send nothing: no probe, no identity, no mint
    prebuilt: list[Path] | None = None  # files built for another upload: these bytes, again
    clock: Callable[[], float] = time.time
    _target: UploadTarget | None = field(default=None, init=False)
    _credentials: Credentials | None = field(default=None, init=False)
    _publisher: TrustedPublisher | None = field(default=None, init=False)
    _minted: MintedToken | None = field(default=None, init=False)
    _build: AbstractContextManager[list[Path]] | None = field(default=None, init=False)
    _built: list[Path] | None = field(default=None, init=False)

    def check(self) -> None:
        """Settle the credentials and have the index check them, before anything is tagged."""
        from poetry_release_plugin.adapters.publisher import configured_credentials
        from poetry_release_plugin.adapters.upload import (
            check_credentials,
            project_sets_url,
            redirected_pypi,
            upload_target,
        )

        if self.repository == "pypi" and (redirect := redirected_pypi(self.poetry)):
            self.reporter.warning(
                f"{redirect}: ignored, as poetry publish ignores it; the release goes to PyPI "
                "(name another repository with -r to upload elsewhere)"
            )
        elif url := project_sets_url(self.poetry, self.repository):
            self.reporter.warning(
                f"poetry.toml in the project sets repositories.{self.repository}.url = "
                f"{url}: the release and the credentials for {self.repository} "
                "go there, as poetry publish sends them (check that the file is yours)"
            )
        target = upload_target(self.poetry, self.io, self.repository)
        if target is None:
            name = self.repository.upper().replace("-", "_")
            raise PublishError(
                f"Poetry has no repository named {self.repository}",
                f"poetry config repositories.{self.repository} URL "
                f"(or set POETRY_REPOSITORIES_{name}_URL)",
            )
        self._target = target
        configured = configured_credentials(self.poetry, self.io, self.repository)
        mode = self.trusted_publishing
        if self.dry_run:
            self._say_what_would_be_sent(target, configured, mode)
            return
        if mode == "always" or (mode == "auto" and configured is None):
            self._minted = self._mint_first(target, required=mode == "always")
        if self._minted is None:
            if configured is None:
                raise self._no_credentials()
            self._credentials = configured
        check_credentials(self.poetry, self.io, target, self._credentials or self._token())

    def built(self) -> list[Path]:
        """The sdist and wheel, built once into a folder of our own (removed when the
        command ends), the attestations gathered: what `publish` uploads."""
        from poetry_release_plugin.adapters.publisher import built_release

        if self.prebuilt is not None:
            return self.prebuilt
        if self._built is None:
            self._build = built_release(self.poetry, self.io)
            self._built = self._build.__enter__()
        return self._built

    def close(self) -> None:
        """Remove the built files."""
        if self._build is not None:
            self._build.__exit__(None, None, None)
            self._build, self._built = None, None

    def publish(self) -> Upload:
        """Upload the built files (built now if they are not yet) one by one; they stay until
        `close`, for the GitHub release."""
        from poetry_release_plugin.adapters.upload import upload_files

        if self._target is None:
            self.check()
        assert self._target is not None
        outcome = upload_files(
            self.poetry, self.io, self._target, self.built(), self._current_credentials
        )
        return Upload(outcome.uploaded, outcome.already_on_index)

    def attachable(self) -> list[Path]:
        """What the GitHub release carries: the files `publish` uploads and their attestations."""
        from poetry_release_plugin.adapters.upload import attestation_paths

        built = self.built()
        return [*built, *(path for file in built for path in attestation_paths(file))]

    def _say_what_would_be_sent(
        self, target: UploadTarget, configured: Credentials | None, mode: str
    ) -> None:
        """A dry run's account of the credentials, with nothing sent or exchanged."""
        from poetry_release_plugin.adapters.trusted_publishing import expected_audience

        if mode == "always" or (mode == "auto" and configured is None):
            audience = expected_audience(target.url, self.oidc_audience)
            self.reporter.info(
                f"trusted publishing: would mint a token for {self.repository} from this job's "
                f"identity, for the audience {audience!r} (dry run: nothing exchanged)"
            )
        elif configured is not None:
            self.reporter.info(
                f"would upload with Poetry's {configured.kind} for {self.repository} "
                "(dry run: not sent)"
            )
        else:
            raise self._no_credentials()

    def _mint_first(self, target: UploadTarget, *, required: bool) -> MintedToken | None:
        from poetry_release_plugin.adapters.trusted_publishing import (
            TrustedPublisher,
            expected_audience,
        )
        from poetry_release_plugin.adapters.upload import index_session

        audience = expected_audience(target.url, self.oidc_audience)
        self._publisher = TrustedPublisher(
            target.url,
            index_session(self.poetry, self.io, target),
            index_name=self.repository,
            project=self.poetry.package.pretty_name,
            audience=audience,
        )
        identity = self._publisher.identity_token()
        if identity is None:
            if required:
                raise TrustedPublishingError(
                    f"trusted-publishing is always, but this job has no OIDC identity for "
                    f"{self.repository} (not a CI job with one, or the index has no trusted "
                    "publishing)",
                    "run cut --publish in the CI workflow poetry release init-ci writes, or "
                    'set trusted-publishing = "auto" and configure a token',
                )
            return None
        minted = self._publisher.mint(identity)
        self.reporter.info(
            f"trusted publishing: a short-lived token for {self.repository}, minted for "
            f"{minted.claims.describe() or 'this job'}"
        )
        return minted

    def _current_credentials(self) -> Credentials:
        if self._minted is None:
            assert self._credentials is not None
            return self._credentials
        if self._minted.expires_at - self.clock() < REMINT_MARGIN:
            assert self._publisher is not None
            self._minted = self._publisher.mint()
            self.reporter.info("trusted publishing: minted a fresh token (the last would expire)")
        return self._token()

    def _token(self) -> Credentials:
        assert self._minted is not None
        return Credentials("token minted by trusted publishing", self._minted.value)

    def _no_credentials(self) -> PublishError:
        name = self.repository.upper().replace("-", "_")
        how = (
            f"poetry config pypi-token.{self.repository} TOKEN (or set "
            f"POETRY_PYPI_TOKEN_{name}, or POETRY_HTTP_BASIC_{name}_USERNAME and _PASSWORD)"
        )
        if self.trusted_publishing == "auto":
            how += (
                "; or publish from CI with trusted publishing (poetry release init-ci), "
                "which needs no token"
            )
        return PublishError(f"Poetry has no credentials for the repository {self.repository}", how)
