"""The file transaction: every file put back byte for byte unless committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.files import FileTransaction

if TYPE_CHECKING:
    from pathlib import Path


def test_an_error_restores_every_written_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(b"one\r\n")
    second.write_bytes(b"two")

    def release() -> None:
        with FileTransaction() as transaction:
            transaction.write_text(first, "changed\n")
            transaction.write_text(second, "changed too\n")
            raise RuntimeError("a later step failed")

    with pytest.raises(RuntimeError):
        release()
    assert first.read_bytes() == b"one\r\n"
    assert second.read_bytes() == b"two"


def test_ctrl_c_restores_too(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"original")

    def release() -> None:
        with FileTransaction() as transaction:
            transaction.write_text(target, "new")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        release()
    assert target.read_bytes() == b"original"


def test_committed_files_stay_written_and_keep_their_mode(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("old")
    target.chmod(0o755)
    with FileTransaction() as transaction:
        transaction.write_text(target, "new")
        transaction.commit()
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.sh"]
