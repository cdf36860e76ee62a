"""The files a GitHub release carries: the distributions uploaded to the index, their
SHA256SUMS and attestations, and what attaching them to a release (draft or not) still needs.

Pure: the adapters list and send assets (`adapters/github.py`); this decides what to send,
what to delete (an empty asset a failed upload left), and what may not be touched (an asset
whose bytes differ from the file uploaded to the index).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

SHA256SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class AssetFile:
    """A file to attach: its name on the release, its bytes' sha256, and its bytes."""

    name: str
    sha256: str
    content: bytes

    @classmethod
    def read(cls, path: Path) -> AssetFile:
        """The file at `path`, under its own name."""
        return cls.of(path.name, path.read_bytes())

    @classmethod
    def of(cls, name: str, content: bytes) -> AssetFile:
        """These bytes under this name."""
        return cls(name, hashlib.sha256(content).hexdigest(), content)

    @property
    def content_type(self) -> str:
        """What GitHub is told the file is."""
        if self.name.endswith(".whl") or self.name.endswith(".zip"):
            return "application/zip"
        if self.name.endswith(".tar.gz"):
            return "application/gzip"
        if self.name.endswith(".json") or self.name.endswith(".attestation"):
            return "application/json"
        if self.name == SHA256SUMS:
            return "text/plain"
        return "application/octet-stream"


@dataclass(frozen=True)
class AttachedAsset:
    """An asset a release has: GitHub's id, name, state and sha256 (None: not given)."""

    id: int
    name: str
    state: str  # "uploaded"; anything else is an upload that never finished
    sha256: str | None
    size: int


def sha256sums(files: Iterable[AssetFile]) -> AssetFile:
    """A SHA256SUMS file in `sha256sum`'s format (`sha256sum -c SHA256SUMS` checks it)."""
    lines = "".join(f"{file.sha256}  {file.name}\n" for file in sorted(files, key=_by_name))
    content = lines.encode("ascii")
    return AssetFile(SHA256SUMS, hashlib.sha256(content).hexdigest(), content)


def release_files(paths: Sequence[Path]) -> list[AssetFile]:
    """What a release carries: the distributions and attestations, then their SHA256SUMS."""
    files = [AssetFile.read(path) for path in sorted(paths, key=lambda path: path.name)]
    return [*files, sha256sums(files)]


def with_index_bytes(
    files: Sequence[AssetFile], from_index: Mapping[str, AssetFile]
) -> list[AssetFile]:
    """The release's files with the index's own bytes for the ones it serves differently (a
    resumed run built them again); their attestations, made for the other bytes, are left
    out; SHA256SUMS made anew."""
    kept = [
        from_index.get(file.name, file)
        for file in files
        if file.name != SHA256SUMS
        and not any(file.name.startswith(f"{name}.") for name in from_index)
    ]
    return [*kept, sha256sums(kept)]


@dataclass(frozen=True)
class AssetMismatch:
    """An asset that exists under a file's name with other bytes."""

    name: str
    attached_sha256: str
    file_sha256: str


@dataclass(frozen=True)
class AttachPlan:
    """What attaching `files` to a release takes, given what it has already."""

    upload: tuple[AssetFile, ...]
    delete: tuple[AttachedAsset, ...]  # unfinished uploads, sent again after
    present: tuple[str, ...]
    mismatched: tuple[AssetMismatch, ...]
    unverified: tuple[str, ...]  # assets GitHub gave no digest for (a download tells)

    @property
    def done(self) -> bool:
        """Whether the release already carries every file, byte for byte."""
        return not (self.upload or self.delete or self.mismatched or self.unverified)


def plan_attach(files: Sequence[AssetFile], attached: Sequence[AttachedAsset]) -> AttachPlan:
    """Which files to send, which assets to delete first, and which differ: a file already
    attached with the same bytes is never sent twice."""
    by_name = {asset.name: asset for asset in attached}
    upload: list[AssetFile] = []
    delete: list[AttachedAsset] = []
    present: list[str] = []
    mismatched: list[AssetMismatch] = []
    unverified: list[str] = []
    for file in files:
        asset = by_name.get(file.name)
        if asset is None:
            upload.append(file)
        elif asset.state != "uploaded":
            delete.append(asset)
            upload.append(file)
        elif asset.sha256 is None:
            unverified.append(file.name)
        elif asset.sha256 == file.sha256:
            present.append(file.name)
        else:
            mismatched.append(AssetMismatch(file.name, asset.sha256, file.sha256))
    return AttachPlan(
        tuple(upload), tuple(delete), tuple(present), tuple(mismatched), tuple(unverified)
    )


def read_sha256sums(content: bytes) -> dict[str, str]:
    """A SHA256SUMS file's digests by file name (lines it cannot read are left out)."""
    found = {}
    for line in content.decode("utf-8", "replace").splitlines():
        digest, _, name = line.strip().partition(" ")
        name = name.strip().lstrip("*")  # `sha256sum -b` marks binary mode with a star
        if len(digest) == 64 and name:
            found[name] = digest.lower()
    return found


def lacks_files(assets: Sequence[AttachedAsset]) -> bool:
    """Whether a release lacks the files `cut --publish` attaches (their SHA256SUMS comes last,
    so a release without a finished one lacks some)."""
    return not any(a.name == SHA256SUMS and a.state == "uploaded" for a in assets)


def digest_sha256(digest: object) -> str | None:
    """The hex sha256 of GitHub's asset `digest` field (`sha256:<hex>`), or None."""
    if isinstance(digest, str) and digest.startswith("sha256:"):
        value = digest[len("sha256:") :].lower()
        if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
            return value
    return None


def _by_name(file: AssetFile) -> str:
    return file.name
