"""The file transaction: every file put back byte for byte unless committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.files import FileTransaction, write_atomically

if TYPE_CHECKING:
    from collections.abc import Mapping
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


# --- Only what is still ours (issue 14, items 5 and 6) ----------------------------------------


def test_a_rollback_leaves_a_file_edited_since_it_was_written_and_names_it(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "pyproject.toml", tmp_path / "CHANGELOG.md"
    ours.write_bytes(b"version 1\n")
    theirs.write_bytes(b"log 1\n")

    transaction = FileTransaction()

    def release() -> None:
        with transaction:
            transaction.write_files({ours: b"version 2\n", theirs: b"log 2\n"})
            theirs.write_bytes(b"log 2\nand the maintainer's line\n")
            raise RuntimeError("a check failed")

    with pytest.raises(RuntimeError):
        release()

    assert ours.read_bytes() == b"version 1\n"
    assert theirs.read_bytes() == b"log 2\nand the maintainer's line\n"
    assert transaction.kept == [theirs]


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    target = tmp_path / "docs" / "CHANGELOG.md"
    target.write_bytes(b"old\n")
    link = tmp_path / "CHANGELOG.md"
    link.symlink_to("docs/CHANGELOG.md")

    write_atomically(link, b"new\n")

    assert link.is_symlink()
    assert target.read_bytes() == b"new\n"


class _Recorder:
    def __init__(self) -> None:
        self.recorded: list[dict[Path, tuple[bytes | None, bytes | None]]] = []
        self.discarded = False

    def record(self, originals: Mapping[Path, tuple[bytes | None, bytes | None]]) -> None:
        self.recorded.append(dict(originals))

    def discard(self) -> None:
        self.discarded = True


def test_the_journal_hears_of_every_original_before_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "v.py"
    path.write_bytes(b"1\n")
    journal = _Recorder()

    with FileTransaction(journal) as transaction:
        transaction.write_files({path: b"2\n", tmp_path / "new.txt": b"x"})
        assert journal.recorded == [{path: (b"1\n", b"2\n"), tmp_path / "new.txt": (None, b"x")}]
        transaction.commit()

    assert journal.discarded


def test_a_removed_file_comes_back_byte_for_byte_when_the_transaction_ends_uncommitted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "RELEASE.md"
    original = b"Release type: minor\r\n\r\nNotes\xc2\xa0here.\r\n"
    path.write_bytes(original)
    journal = _Recorder()

    with FileTransaction(journal) as transaction:
        transaction.write_files({path: None}, expected={path: original})
        assert not path.exists()
        assert journal.recorded == [{path: (original, None)}]

    assert path.read_bytes() == original


def test_a_removed_file_made_again_meanwhile_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "RELEASE.md"
    path.write_bytes(b"old\n")

    with FileTransaction() as transaction:
        transaction.write_files({path: None})
        path.write_bytes(b"someone else's\n")

    assert path.read_bytes() == b"someone else's\n"
    assert transaction.kept == [path]
