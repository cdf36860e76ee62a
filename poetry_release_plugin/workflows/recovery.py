"""An interrupted prepare (killed, power cut): what it left, and putting it back.

prepare journals the original files inside `.git` before its first write; the journal outlives
a `kill -9`. `status` and a dry run read what it left; `prepare --abort` and the next prepare
put it back (only files still holding what prepare wrote) and forget the journal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.journal import (
    discard_journal,
    git_folders,
    left_changes,
    read_journal,
    restore,
)

if TYPE_CHECKING:
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.journal import LeftChanges


def left_by_prepare(git: Git) -> LeftChanges | None:
    """What a prepare that did not finish (or still runs) left in the work tree; reads only."""
    folders = git_folders(git)
    record = read_journal(folders.journal, folders.top) if folders is not None else None
    return left_changes(record, git.head()) if record is not None else None


def recover_interrupted_prepare(git: Git) -> LeftChanges | None:
    """Put back what an interrupted prepare left (unless its commit landed), then forget its
    journal; what it had left, or None when nothing was journaled."""
    folders = git_folders(git)
    if folders is None:
        return None
    record = read_journal(folders.journal, folders.top)
    left = restore(record, git.head()) if record is not None else None
    if record is not None and left is not None and left.committed:
        # Killed once `git commit` had begun: the commit landed from the private index, the
        # repository's index still holds the files as they were, and the next commit would
        # undo the release. The index takes HEAD's entries for those files.
        paths = [entry.path.relative_to(folders.top).as_posix() for entry in record.files]
        git.reset_index_to_head(paths)
    discard_journal(folders)
    return left
