"""`cut --publish --rehearse`: the release's very files uploaded to a rehearsal index (TestPyPI)
and installed from it, before anything is tagged, pushed, released or uploaded for real.

The install takes the package from the rehearsal index alone and its dependencies from the
real index (a rehearsal index does not hold them): the one place an install is not hermetic.
A rerun finds the files there already, which is fine only when they are these very bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.files import file_digests
from poetry_release_plugin.errors import ReleaseError
from poetry_release_plugin.workflows.verify import (
    Installer,
    Outcome,
    VerifyAdapters,
    VerifyRequest,
    verify,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from poetry_release_plugin.core.simple_api import IndexReader
    from poetry_release_plugin.workflows.cut import Publishing

NOTHING_DONE = "nothing was tagged, pushed, released or uploaded to the real index"
NOT_UPLOADED = "nothing was uploaded to the real index"


@dataclass(frozen=True)
class RehearsalRequest:
    """What to rehearse, where, and how long to wait for the index to list it."""

    name: str
    package: str | None
    version: str
    repository: str
    timeout: float = 300.0
    tagged: bool = False  # the tag is out already (a CI job on the pushed tag)


@dataclass
class RehearsalAdapters:
    """The rehearsal repository's upload and index, and the installer."""

    publishing: Publishing  # uploads the files built for the real release
    index: IndexReader
    install: Installer
    waiting: Callable[[str], None]


def rehearse(request: RehearsalRequest, adapters: RehearsalAdapters) -> str:
    """Upload, check the index serves these very bytes, install from it; a ReleaseError says
    what failed and that nothing irreversible was done."""
    built = adapters.publishing.built()
    adapters.publishing.check()
    upload = adapters.publishing.publish()
    names = {path.name for path in built}
    folders = {path.parent for path in built}
    digests = {
        name: digest
        for folder in folders
        for name, digest in file_digests(folder).items()
        if name in names
    }
    rows = verify(
        VerifyRequest(
            name=request.name,
            package=request.package,
            version=request.version,
            tag="",
            commit=None,
            timeout=request.timeout,
            dist_dir=Path(request.repository),
            dist_files=digests,
            install=True,
            github=False,
            assets=False,
        ),
        VerifyAdapters(
            index=adapters.index,
            github=lambda: None,
            waiting=adapters.waiting,
            install=adapters.install,
        ),
    )
    failed = {row.name: row.detail for row in rows if row.outcome is Outcome.FAILED}
    where = f"The rehearsal on {request.repository}"
    done = NOT_UPLOADED if request.tagged else NOTHING_DONE
    if "index" in failed:
        raise ReleaseError(f"{where} failed: {failed['index']}; {done}", "run cut again")
    if "files" in failed:
        instead = (
            "the tag is out already: run cut --publish without --rehearse to upload this build"
            if request.tagged
            else "rehearse another version (a .devN pre-release: poetry release prepare "
            f"{request.version}.dev1, or the next patch), or cut without --rehearse"
        )
        raise ReleaseError(
            f"{where} found other files of {request.version} there: {failed['files']}; {done}",
            f"an index never takes a file name twice: {instead}",
        )
    if "install" in failed:
        raise ReleaseError(
            f"{where} does not install: {failed['install']}; {done}",
            "fix the package, prepare again, then run cut again",
        )
    sent = upload.uploaded or upload.already_on_index
    again = " (there already, the same bytes)" if not upload.uploaded else ""
    return f"{', '.join(sent)} on {request.repository}{again}; installed from it"
