"""Atomic file writes, and a transaction that puts back the files it wrote, byte for byte.

A rollback restores only what is still ours: a file someone edited after the transaction wrote
it is left as it is, and named.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from poetry_release_plugin.core.sources import TextEncoding, decode_python, decode_text
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType


def read_source(path: Path, shown_as: str, *, python: bool = False) -> tuple[str, TextEncoding]:
    """A file's text and how it is stored: PEP 263 for Python files, else UTF-8 (BOM kept)."""
    data = path.read_bytes()
    return decode_python(data, shown_as) if python else decode_text(data, shown_as)


def shown_path(root: Path, path: Path) -> str:
    """A path as the user knows it: from the project's folder when it is inside it."""
    for base in (root, root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def digest(data: bytes | None) -> str | None:
    """A short fingerprint of a file's bytes (None for a file that does not exist)."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def create_file(path: Path, data: bytes, *, replace: bool) -> bool:
    """Write a new file (and its folders), atomically; an existing one only if `replace`.
    Whether it was written."""
    if path.exists() and not replace:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    return True


def file_digests(folder: Path) -> dict[str, str]:
    """The sha256 of each regular file directly in `folder`, by name."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def read_or_none(path: Path) -> bytes | None:
    """A file's bytes (through a symlink), or None if it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` through a temporary file and a rename, keeping its mode.

    A symlink is written through: its target gets the bytes, the link stays a link.
    """
    if path.is_symlink():
        path = path.resolve()
    mode = path.stat().st_mode if path.exists() else None
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def put_back(path: Path, original: bytes | None, written: str | None) -> bool:
    """Restore `original` if the file still holds what was written (digest `written`).

    True when the file holds its original bytes afterwards; False when someone changed it
    since it was written, and it was left as it is.
    """
    current = read_or_none(path)
    if current == original:
        return True
    if digest(current) != written:
        return False
    if original is None:
        path.unlink(missing_ok=True)
    else:
        write_atomically(path, original)
    return True


class WriteJournal(Protocol):
    """Where the originals are kept safe before the first write (see adapters/journal.py)."""

    def record(self, originals: Mapping[Path, tuple[bytes | None, bytes | None]]) -> None:
        """Persist each path's original bytes and the bytes about to be written (None: the
        file is about to be removed)."""

    def discard(self) -> None:
        """The writes were kept or undone: nothing is left to recover."""


class FileTransaction:
    """Writes files atomically; unless committed, leaving the block puts them back.

    Any exception, KeyboardInterrupt included, restores every file this transaction wrote to
    the bytes it held before (or removes it, if it did not exist), unless the file changed
    since it was written: that one is left as it is and listed in `kept`.
    """

    def __init__(self, journal: WriteJournal | None = None) -> None:
        self._originals: dict[Path, bytes | None] = {}
        self._written: dict[Path, str | None] = {}
        self._journal = journal
        self._committed = False
        self.kept: list[Path] = []

    @property
    def paths(self) -> list[Path]:
        """The files written so far, in order."""
        return list(self._originals)

    def write_files(
        self,
        contents: Mapping[Path, bytes | None],
        *,
        expected: Mapping[Path, bytes] | None = None,
    ) -> None:
        """Write each file (None: remove it), after journaling what they all held (when there
        is a journal). With `expected` (what each held when it was read), a file changed since
        is refused before anything is written: an edit saved meanwhile is never overwritten."""
        for path, was in (expected or {}).items():
            if read_or_none(path) != was:
                raise ProjectError(
                    f"{path.name} changed after it was read ({path}), so nothing was written",
                    "run the command again: it reads the files anew",
                )
        for path in contents:
            if path not in self._originals:
                self._originals[path] = read_or_none(path)
        if self._journal is not None:
            self._journal.record(
                {path: (self._originals[path], data) for path, data in contents.items()}
            )
        for path, data in contents.items():
            self._written[path] = digest(data)
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, data)

    def write_text(self, path: Path, text: str, encoding: TextEncoding | None = None) -> None:
        """Write `text` (stored as `encoding`, UTF-8 by default) to `path`."""
        self.write_files({path: (encoding or TextEncoding()).encode(text, path.name)})

    def commit(self) -> None:
        """Keep the written files: leaving the block no longer restores them."""
        self._committed = True

    def rollback(self) -> None:
        """Put back every written file that still holds what was written; list the others."""
        for path, original in reversed(self._originals.items()):
            if not put_back(path, original, self._written.get(path)):
                self.kept.append(path)
        self._originals.clear()

    def __enter__(self) -> FileTransaction:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.rollback()
        if self._journal is not None:
            self._journal.discard()
