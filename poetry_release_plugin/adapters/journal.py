"""One `prepare`/`cut` per repository at a time, and a journal that outlives a killed prepare.

The lock is a file in the repository's common git folder (shared by all its worktrees) held
with `flock`: the kernel lets go of it when its process ends, however it ends, so a lock left by
a dead process is simply taken over. The journal lives in the work tree's own git folder:
before prepare's first write it holds every file's original bytes, so after `kill -9`, a power
cut or a closed terminal, `prepare --abort` (or the next prepare) puts back what is still ours.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.adapters.files import digest, put_back, read_or_none, write_atomically
from poetry_release_plugin.errors import ReleaseBusy, ReleaseError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from poetry_release_plugin.adapters.git import Git

LOCK_NAME = "poetry-release.lock"
JOURNAL_NAME = "poetry-release-journal.json"
FORMAT = 1


@dataclass(frozen=True)
class LockOwner:
    """The process that holds (or held) the repository's release lock."""

    pid: int | None
    command: str
    started: str


class RepositoryLock:
    """The repository's release lock: one `prepare` or `cut` at a time."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self._descriptor: int | None = None

    def acquire(self) -> LockOwner | None:
        """Take the lock, or raise ReleaseBusy naming its holder.

        Returns the previous owner when the lock was left by a process that ended without
        letting go of it (killed), None otherwise.
        """
        while True:
            try:
                # never through a symbolic link: the lock is written, and may be elsewhere
                descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            except OSError as error:
                if self.path.is_symlink():
                    raise ReleaseError(
                        f"The release lock {self.path} is a symbolic link",
                        "delete that link (no release runs now), then run again",
                    ) from None
                raise _unwritable(self.path, error) from None
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = self._owner(descriptor)
                os.close(descriptor)
                raise ReleaseBusy(owner.pid, owner.command, owner.started) from None
            except OSError as error:  # a file system without locks
                os.close(descriptor)
                raise _unwritable(self.path, error) from None
            if _same_file(descriptor, self.path):
                break
            os.close(descriptor)  # its owner removed it between our open and flock: again
        previous = _parse_owner(os.pread(descriptor, 4096, 0))
        record = {
            "pid": os.getpid(),
            "command": self.command,
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(record).encode(), 0)
        self._descriptor = descriptor
        return previous

    def release(self) -> None:
        """Let go of the lock (the file goes too: a file left behind means a killed owner)."""
        if self._descriptor is None:
            return
        self.path.unlink(missing_ok=True)
        os.close(self._descriptor)
        self._descriptor = None

    def _owner(self, descriptor: int) -> LockOwner:
        """Who holds the lock (it writes its record just after taking it: wait a moment)."""
        for _ in range(40):
            owner = _parse_owner(os.pread(descriptor, 4096, 0))
            if owner is not None:
                return owner
            time.sleep(0.025)
        return LockOwner(None, "prepare or cut", "just now")


def _unwritable(path: Path, error: OSError) -> ReleaseError:
    return ReleaseError(
        f"Cannot keep the release's lock or journal in {path.parent} ({error.strerror})",
        "make the repository's git folder writable (and lockable), then run again",
    )


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _parse_owner(data: bytes) -> LockOwner | None:
    try:
        record = json.loads(data)
        pid = record["pid"]
        if type(pid) is not int:  # a float, an infinity (1e400), a string: not a process id
            raise TypeError(pid)
        return LockOwner(pid, str(record["command"]), str(record["started"]))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class JournaledFile:
    """A file prepare was about to write: its original bytes and a digest of the new ones."""

    path: Path
    original: bytes | None
    written: str | None


@dataclass(frozen=True)
class JournalRecord:
    """What a prepare had started to change, as kept in the journal."""

    pid: int
    head: str | None
    version: str
    files: tuple[JournaledFile, ...]


class Journal:
    """The journal of one prepare: written before each write, removed once kept or undone."""

    def __init__(self, path: Path, *, head: str | None, version: str, top: Path) -> None:
        self.path = path
        self.head = head
        self.version = version
        self.top = top
        self._files: dict[Path, JournaledFile] = {}

    def record(self, originals: Mapping[Path, tuple[bytes | None, bytes | None]]) -> None:
        """Persist each file's original bytes before it is written or removed (fsync'ed)."""
        for path, (original, new) in originals.items():
            known = self._files.get(path)
            kept = known.original if known is not None else original
            self._files[path] = JournaledFile(path, kept, digest(new))
        payload = {
            "format": FORMAT,
            "pid": os.getpid(),
            "head": self.head,
            "version": self.version,
            "files": [
                {
                    "path": entry.path.resolve().relative_to(self.top).as_posix(),
                    "original": None
                    if entry.original is None
                    else base64.b64encode(entry.original).decode(),
                    "written": entry.written,
                }
                for entry in self._files.values()
            ],
        }
        try:
            write_atomically(self.path, json.dumps(payload, indent=1).encode())
        except OSError as error:
            raise _unwritable(self.path, error) from None
        _sync_folder(self.path.parent)

    def discard(self) -> None:
        """Nothing left to recover."""
        self.path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def read_journal(path: Path, top: Path) -> JournalRecord | None:
    """The journal a prepare left, or None. Its files are named from the work tree's `top`
    (so a copied or moved checkout restores its own files); one that would lead outside it,
    a journal that is a symbolic link, or one of another format is refused."""
    if path.is_symlink():
        raise ReleaseError(
            f"The journal of an interrupted prepare ({path}) is a symbolic link",
            "check the project's files with git diff, then delete that link",
        )
    data = read_or_none(path)
    if data is None:
        return None
    try:
        payload: Any = json.loads(data)
        if not isinstance(payload, dict):
            raise TypeError(type(payload).__name__)
        written_format = payload.get("format")
        if type(written_format) is not int or written_format != FORMAT:  # `true` is no 1
            raise ReleaseError(
                f"The journal of an interrupted prepare ({path}) has format "
                f"{written_format!r}, which this plugin does not write",
                "finish it with the plugin version that wrote it, or check the project's files "
                "with git diff, then delete that file",
            )
        files = tuple(
            JournaledFile(
                _inside(top, entry["path"], path),
                None if entry["original"] is None else base64.b64decode(entry["original"]),
                entry["written"],
            )
            for entry in payload["files"]
        )
        pid = payload["pid"]
        if type(pid) is not int or not 0 < pid < 2**31:  # a process id: never a group, all
            raise ValueError(pid)  # processes (os.kill), a float or an infinity
        return JournalRecord(pid, payload["head"], str(payload["version"]), files)
    except (ValueError, KeyError, TypeError):
        raise ReleaseError(
            f"The journal of an interrupted prepare ({path}) cannot be read",
            "check the project's files with git diff, then delete that file",
        ) from None


def _inside(top: Path, named: object, journal: Path) -> Path:
    """A journaled path, relative to the work tree, as a path in it; refused when it leads out
    (absolute, `..`, or through a symbolic link)."""
    from pathlib import PurePosixPath

    relative = PurePosixPath(str(named))
    target = (top / relative).resolve() if not relative.is_absolute() else None
    inside_git = ".git" in relative.parts or (target is not None and ".git" in target.parts)
    if target is None or ".." in relative.parts or inside_git or not target.is_relative_to(top):
        raise ReleaseError(
            f"The journal of an interrupted prepare ({journal}) names {named}, outside the "
            "work tree",
            "check the project's files with git diff, then delete that file",
        )
    return top / relative


@dataclass(frozen=True)
class LeftChanges:
    """What an interrupted (or running) prepare left in the work tree."""

    pid: int
    running: bool
    version: str
    changed: tuple[Path, ...]  # still holding what prepare wrote
    edited: tuple[Path, ...]  # changed by someone since prepare wrote them
    committed: bool  # HEAD moved since: its commit landed (or another was made)


def left_changes(record: JournalRecord, head: str | None) -> LeftChanges:
    """Sort the journaled files by what they hold now; reads files, changes nothing."""
    changed: list[Path] = []
    edited: list[Path] = []
    for entry in record.files:
        current = read_or_none(entry.path)
        if current == entry.original:
            continue
        (changed if digest(current) == entry.written else edited).append(entry.path)
    return LeftChanges(
        record.pid,
        _alive(record.pid),
        record.version,
        tuple(changed),
        tuple(edited),
        committed=record.head != head,
    )


def restore(record: JournalRecord, head: str | None) -> LeftChanges:
    """Put back every journaled file that still holds what prepare wrote (unless HEAD moved:
    then the release commit landed and nothing is undone); what was there before."""
    left = left_changes(record, head)
    if not left.committed:
        for entry in record.files:
            if entry.path in left.changed:
                put_back(entry.path, entry.original, entry.written)
    return left


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class GitFolders:
    """Where the lock (shared by worktrees) and the journal (this work tree's) live."""

    lock: Path
    journal: Path
    top: Path  # the work tree's top: the journal names its files from here


def git_folders(git: Git) -> GitFolders | None:
    """The lock's and the journal's paths, or None outside a git work tree."""
    work_tree = git.work_tree()
    if work_tree is None:
        return None
    return GitFolders(
        work_tree.common_dir.resolve() / LOCK_NAME,
        work_tree.git_dir / JOURNAL_NAME,
        work_tree.top_level.resolve(),
    )


def discard_journal(folders: GitFolders) -> None:
    """Forget an interrupted prepare's journal (once what it left was put back)."""
    folders.journal.unlink(missing_ok=True)


@contextlib.contextmanager
def release_lock(folders: GitFolders | None, command: str) -> Iterator[LockOwner | None]:
    """Hold the repository's lock for the block; yields a dead previous owner, if any."""
    if folders is None:
        yield None
        return
    lock = RepositoryLock(folders.lock, command)
    previous = lock.acquire()
    try:
        yield previous
    finally:
        lock.release()
