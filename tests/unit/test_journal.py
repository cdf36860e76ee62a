"""The release lock and the journal of a prepare (issue 14, item 4)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.files import FileTransaction
from poetry_release_plugin.adapters.git import Git
from poetry_release_plugin.adapters.journal import (
    JOURNAL_NAME,
    LOCK_NAME,
    Journal,
    RepositoryLock,
    git_folders,
    left_changes,
    read_journal,
    restore,
)
from poetry_release_plugin.errors import ReleaseBusy, ReleaseError

if TYPE_CHECKING:
    from pathlib import Path


def test_a_held_lock_refuses_a_second_holder_naming_the_first(tmp_path: Path) -> None:
    first = RepositoryLock(tmp_path / "poetry-release.lock", "prepare")
    assert first.acquire() is None
    try:
        with pytest.raises(ReleaseBusy, match=rf"prepare is running .*\(process {os.getpid()},"):
            RepositoryLock(tmp_path / "poetry-release.lock", "cut").acquire()
    finally:
        first.release()
    again = RepositoryLock(tmp_path / "poetry-release.lock", "cut")
    assert again.acquire() is None  # released: free again, and nothing to take over
    again.release()
    assert not (tmp_path / "poetry-release.lock").exists()


def test_the_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    path = tmp_path / "poetry-release.lock"
    path.write_text(json.dumps({"pid": pid, "command": "prepare", "started": "earlier"}))

    lock = RepositoryLock(path, "prepare")
    previous = lock.acquire()
    lock.release()

    assert previous is not None
    assert previous.pid == pid


def test_a_journal_left_by_a_killed_prepare_restores_only_what_is_still_ours(
    tmp_path: Path,
) -> None:
    ours, theirs, created = tmp_path / "a.py", tmp_path / "b.md", tmp_path / "c.txt"
    ours.write_bytes(b"1\n")
    theirs.write_bytes(b"log\n")
    journal_path = tmp_path / "journal.json"
    transaction = FileTransaction(
        Journal(journal_path, head="abc", version="2", top=tmp_path.resolve())
    )
    transaction.write_files({ours: b"2\n", theirs: b"log 2\n", created: b"new\n"})
    # killed here: no rollback ran; then someone edits one of the files
    theirs.write_bytes(b"log 2\nedited\n")

    record = read_journal(journal_path, tmp_path.resolve())
    assert record is not None
    left = left_changes(record, "abc")
    assert (left.changed, left.edited, left.committed) == ((ours, created), (theirs,), False)
    restore(record, "abc")

    assert ours.read_bytes() == b"1\n"
    assert not created.exists()
    assert theirs.read_bytes() == b"log 2\nedited\n"


def test_a_file_a_killed_prepare_removed_comes_back_from_the_journal(tmp_path: Path) -> None:
    notes = tmp_path / "RELEASE.md"
    notes.write_bytes(b"Release type: minor\r\n\r\nNotes.\r\n")
    journal_path = tmp_path / "journal.json"
    transaction = FileTransaction(
        Journal(journal_path, head="abc", version="2", top=tmp_path.resolve())
    )
    transaction.write_files({notes: None})  # killed here: no rollback ran

    record = read_journal(journal_path, tmp_path.resolve())
    assert record is not None
    assert left_changes(record, "abc").changed == (notes,)
    restore(record, "abc")

    assert notes.read_bytes() == b"Release type: minor\r\n\r\nNotes.\r\n"


def test_a_journal_whose_commit_landed_restores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"1\n")
    journal_path = tmp_path / "journal.json"
    FileTransaction(
        Journal(journal_path, head="abc", version="2", top=tmp_path.resolve())
    ).write_files({path: b"2\n"})
    record = read_journal(journal_path, tmp_path.resolve())
    assert record is not None

    left = restore(record, "def")  # HEAD moved: the release commit was made

    assert left.committed
    assert path.read_bytes() == b"2\n"


def test_worktrees_share_the_lock_and_keep_their_own_journal(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    main, other = tmp_path / "main", tmp_path / "other"
    main.mkdir()
    for args in (
        ["init", "--quiet", "--initial-branch", "main"],
        ["commit", "--quiet", "--allow-empty", "--message", "first"],
        ["worktree", "add", "--quiet", str(other), "-b", "hotfix"],
    ):
        subprocess.run(["git", *args], cwd=main, env=env, check=True, capture_output=True)

    in_main, in_other = git_folders(Git(main)), git_folders(Git(other))

    assert in_main is not None
    assert in_other is not None
    assert in_main.lock == in_other.lock == (main / ".git" / LOCK_NAME).resolve()
    assert in_main.journal == (main / ".git" / JOURNAL_NAME).resolve()
    assert in_other.journal.parent.parent == (main / ".git" / "worktrees").resolve()
    assert git_folders(Git(tmp_path)) is None  # not a work tree: no lock, no journal


def test_a_git_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "git"
    folder.write_text("not a folder: every write below it fails, whoever runs the test")

    with pytest.raises(ReleaseError, match=r"Cannot keep the release's lock or journal in"):
        RepositoryLock(folder / LOCK_NAME, "prepare").acquire()
    with pytest.raises(ReleaseError, match=r"make the repository's git folder writable"):
        Journal(folder / JOURNAL_NAME, head=None, version="2", top=tmp_path).record({})


@pytest.mark.parametrize("pid", [0, -1, 2**31, 10**40])
def test_a_journal_whose_pid_is_no_process_id_is_refused_in_one_message(
    tmp_path: Path, pid: int
) -> None:
    from poetry_release_plugin.adapters.journal import read_journal

    journal = tmp_path / "journal.json"
    journal.write_text(
        json.dumps({"format": 1, "pid": pid, "head": "abc", "version": "1.0.1", "files": []})
    )

    with pytest.raises(ReleaseError, match="cannot be read"):
        read_journal(journal, tmp_path)


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ({"format": 99}, "has format 99, which this plugin does not write"),
        ({"files": [{"path": "/etc/passwd", "original": None, "written": None}]}, "outside"),
        ({"files": [{"path": "../x", "original": None, "written": None}]}, "outside"),
        ({"files": [{"path": ".git/config", "original": None, "written": None}]}, "outside"),
    ],
)
def test_a_journal_of_another_format_or_naming_a_path_outside_is_refused(
    tmp_path: Path, entry: dict[str, object], said: str
) -> None:
    from poetry_release_plugin.adapters.journal import read_journal

    top = tmp_path / "project"
    top.mkdir()
    journal = tmp_path / "journal.json"
    record = {"format": 1, "pid": 4242, "head": "abc", "version": "1.0.1", "files": []}
    journal.write_text(json.dumps({**record, **entry}))

    with pytest.raises(ReleaseError, match=said):
        read_journal(journal, top)


def test_a_copied_checkout_restores_its_own_files(tmp_path: Path) -> None:
    original, copy = tmp_path / "original", tmp_path / "copy"
    original.mkdir()
    (original / "a.py").write_bytes(b"1\n")
    journal = original / "journal.json"
    FileTransaction(Journal(journal, head="abc", version="2", top=original)).write_files(
        {original / "a.py": b"2\n"}
    )  # killed here
    shutil.copytree(original, copy)

    record = read_journal(copy / "journal.json", copy)
    assert record is not None
    restore(record, "abc")

    assert (copy / "a.py").read_bytes() == b"1\n"
    assert (original / "a.py").read_bytes() == b"2\n"


def test_a_lock_that_is_a_symbolic_link_is_refused_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    (tmp_path / LOCK_NAME).symlink_to(target)

    with pytest.raises(ReleaseError, match="is a symbolic link"):
        RepositoryLock(tmp_path / LOCK_NAME, "prepare").acquire()
    assert target.read_text() == "keep me\n"
