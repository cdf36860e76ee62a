"""Issue 22's item 16, attacked again: a journal that is valid JSON of another shape, or whose
pid or format only looks like one, is refused in one message (no Python words)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.journal import LOCK_NAME, RepositoryLock, read_journal
from poetry_release_plugin.errors import ReleaseError

if TYPE_CHECKING:
    from pathlib import Path

RECORD = '"head": "abc", "version": "1.0.1", "files": []'


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[]", "cannot be read"),
        ("null", "cannot be read"),
        ("5", "cannot be read"),
        ('"a journal"', "cannot be read"),
        (f'{{"format": 1, "pid": 1e400, {RECORD}}}', "cannot be read"),  # an infinity
        (f'{{"format": 1, "pid": 4242.7, {RECORD}}}', "cannot be read"),
        (f'{{"format": 1, "pid": true, {RECORD}}}', "cannot be read"),
        (f'{{"format": true, "pid": 4242, {RECORD}}}', "has format True"),
        (f'{{"format": 1.0, "pid": 4242, {RECORD}}}', "has format 1.0"),
    ],
)
def test_a_journal_of_another_shape_is_refused_in_one_message(
    tmp_path: Path, text: str, said: str
) -> None:
    journal = tmp_path / "journal.json"
    journal.write_text(text)

    with pytest.raises(ReleaseError, match=said):
        read_journal(journal, tmp_path)


@pytest.mark.parametrize("pid", ["1e400", "4242.5", '"4242"', "[]"])
def test_a_stale_lock_whose_pid_is_no_process_id_is_taken_over(tmp_path: Path, pid: str) -> None:
    lock = tmp_path / LOCK_NAME
    lock.write_text(f'{{"pid": {pid}, "command": "prepare", "started": "then"}}')
    taken = RepositoryLock(lock, "prepare")

    try:
        previous = taken.acquire()
    finally:
        taken.release()

    assert previous is None  # no owner to name: nothing printed but the take-over
