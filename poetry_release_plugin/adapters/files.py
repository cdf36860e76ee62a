"""Atomic file writes, and a transaction that puts every written file back byte for byte."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType


def read_text(path: Path) -> str:
    """A file's text exactly as stored (no newline translation)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` through a temporary file and a rename, keeping its mode."""
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


class FileTransaction:
    """Writes files atomically; unless committed, leaving the block restores them all.

    Any exception, KeyboardInterrupt included, restores every file this transaction wrote to
    the bytes it held before (or removes it, if it did not exist).
    """

    def __init__(self) -> None:
        self._originals: dict[Path, bytes | None] = {}
        self._committed = False

    @property
    def paths(self) -> list[Path]:
        """The files written so far, in order."""
        return list(self._originals)

    def write_text(self, path: Path, text: str) -> None:
        """Write `text` (UTF-8, newlines as given) to `path`, remembering what it held."""
        if path not in self._originals:
            self._originals[path] = path.read_bytes() if path.exists() else None
        write_atomically(path, text.encode("utf-8"))

    def commit(self) -> None:
        """Keep the written files: leaving the block no longer restores them."""
        self._committed = True

    def rollback(self) -> None:
        """Put every written file back as it was."""
        for path, original in reversed(self._originals.items()):
            if original is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, original)
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
