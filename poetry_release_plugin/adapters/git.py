"""The `git` executable, run with argument lists (never a shell), in the user's own setup."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from poetry_release_plugin.core.commits import Commit
from poetry_release_plugin.core.redaction import is_release_credential
from poetry_release_plugin.errors import GitError, PushRejected

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence


@dataclass(frozen=True)
class GitResult:
    """What a git command printed, and how it ended."""

    code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class CommitContent:
    """A file's bytes for a commit: as in the work tree (git's filters apply, as `git add`
    does), or `stored` (already a blob's content, taken as is)."""

    data: bytes
    stored: bool = False


# The questions every release asks first, as git commands (read ahead together).
_WORK_TREE = (
    "rev-parse",
    "--is-inside-work-tree",
    "--show-toplevel",
    "--absolute-git-dir",
    "--git-common-dir",
    "--is-shallow-repository",
)
_TAGS = ("tag", "--list")
_HEAD = ("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
_BRANCH = ("symbolic-ref", "--quiet", "--short", "HEAD")
# read-only: a status read ahead must not take the index lock from a later write
_CHANGES = ("--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=normal")


@dataclass(frozen=True)
class WorkTree:
    """Where a work tree and its repository live, and whether its history is whole."""

    top_level: Path
    git_dir: Path  # this work tree's own (its index, the prepare journal)
    common_dir: Path  # shared by every work tree of the repository (the release lock)
    shallow: bool


class Git:
    """A git work tree, and the few questions and actions a release needs of it.

    What cannot change while a command runs (where the work tree is) is asked once; what this
    object changes itself (tags, a shallow history) is asked again after it changed it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._executable = shutil.which("git")
        self._work_tree: WorkTree | bool | None = False  # False: not asked yet
        self._tags: list[str] | None = None
        self._logs: dict[tuple[str, tuple[str, ...]], _Log | _Started] = {}
        self._ahead: dict[tuple[str, ...], _Started] = {}  # read ahead, by arguments

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = 120,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> GitResult:
        """Run `git ARGS` in the work tree; with `check`, a failure raises GitError. A command
        read ahead (`read_state_ahead`) gives what it printed then."""
        ahead = self._ahead.pop(args, None) if input is None and env is None else None
        raw = ahead.result() if ahead is not None else self._run_raw(args, timeout, input, env)
        return self._result(args, raw, check=check)

    def _result(
        self, args: Sequence[str], raw: tuple[int, bytes, bytes], *, check: bool
    ) -> GitResult:
        code, stdout, stderr = raw
        result = GitResult(code, stdout.decode(errors="replace"), stderr.decode(errors="replace"))
        if check and result.code != 0:
            detail = result.stderr.strip() or result.stdout.strip()
            raise GitError(f"git {' '.join(args)} failed: {detail}", "fix the cause shown by git")
        return result

    def _run_raw(
        self,
        args: Sequence[str],
        timeout: float | None,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes, bytes]:
        if self._executable is None:
            raise GitError("git is not installed or not on PATH", "install git, then run again")
        process = subprocess.Popen(
            [self._executable, *args],
            cwd=self.root,
            stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=None if env is None else {**os.environ, **env},
        )
        with _stopped_on_failure(process, args[0], timeout):
            stdout, stderr = process.communicate(input, timeout=timeout)
        return process.returncode, stdout, stderr

    def _start(self, args: Sequence[str], timeout: float) -> _Started | None:
        """git started on `args` in the background (None if git cannot be found: asking
        then says so)."""
        if self._executable is None:
            return None
        return _Started([self._executable, *args], self.root, args[0], timeout)

    def read_state_ahead(self, *, changes: bool = True) -> None:
        """Start git, several processes at once, on what a release asks first: the work tree,
        its tags, HEAD, the branch and (with `changes`) the uncommitted changes. The next
        question of each is answered from its read; later ones ask git again."""
        known = {_WORK_TREE: self._work_tree is not False, _TAGS: self._tags is not None}
        asked = (_WORK_TREE, _TAGS, _HEAD, _BRANCH)
        for args in (*asked, *([_CHANGES] if changes else [])):
            started = None if args in self._ahead or known.get(args) else self._start(args, 120)
            if started is not None:
                self._ahead[args] = started

    def work_tree(self) -> WorkTree | None:
        """The work tree the folder is in (None outside one), from one `git rev-parse`."""
        if self._work_tree is False:
            result = self.run(*_WORK_TREE, check=False)
            lines = result.stdout.splitlines()
            if result.code != 0 or len(lines) != 5 or lines[0] != "true":
                self._work_tree = None
            else:
                common = Path(lines[3])
                self._work_tree = WorkTree(
                    top_level=Path(lines[1]),
                    git_dir=Path(lines[2]),
                    common_dir=common if common.is_absolute() else self.root / common,
                    shallow=lines[4] == "true",
                )
        assert not isinstance(self._work_tree, bool)
        return self._work_tree

    def is_work_tree(self) -> bool:
        """Whether the folder is inside a git work tree."""
        return self.work_tree() is not None

    def top_level(self) -> str:
        """The work tree's root folder."""
        work_tree = self.work_tree()
        if work_tree is None:
            raise GitError(f"{self.root} is not inside a git work tree", "run git init first")
        return str(work_tree.top_level)

    def current_branch(self) -> str | None:
        """The checked-out branch, or None when HEAD is detached."""
        result = self.run(*_BRANCH, check=False)
        return result.stdout.strip() if result.code == 0 else None

    def head(self) -> str | None:
        """HEAD's commit, or None in a repository without commits."""
        result = self.run(*_HEAD, check=False)
        return result.stdout.strip() if result.code == 0 else None

    def changed_paths(self) -> list[str]:
        """Paths with uncommitted changes or untracked files, as `git status` lists them."""
        output = self.run(*_CHANGES).stdout
        return [line[3:] for line in output.splitlines() if line]

    def has_remote(self, remote: str) -> bool:
        """Whether `remote` is configured."""
        return remote in self.run("remote").stdout.split()

    def fetch(self, remote: str) -> None:
        """Fetch `remote`'s branches (not its tags: those are asked of the remote directly)."""
        self.run("fetch", "--quiet", "--no-tags", remote, timeout=300)

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (`git clone --depth N`, a default CI checkout)."""
        work_tree = self.work_tree()
        return work_tree is not None and work_tree.shallow

    def fetch_full_history(self, remote: str) -> None:
        """Turn a shallow clone into a full one: every missing commit, and the remote's tags."""
        try:
            self.run("fetch", "--quiet", "--unshallow", "--tags", remote, timeout=600)
        finally:
            self._work_tree = False
            self._forget_history()

    def commits_behind(self, remote: str, branch: str) -> int | None:
        """How many commits `remote/branch` has that HEAD lacks (None if it has no such branch)."""
        upstream = f"refs/remotes/{remote}/{branch}"
        if self.run("rev-parse", "--verify", "--quiet", upstream, check=False).code != 0:
            return None
        return int(self.run("rev-list", "--count", f"HEAD..{upstream}").stdout.strip())

    def tag_commit(self, tag: str) -> str | None:
        """The commit a local tag points at, or None if there is no such tag."""
        result = self.run(
            "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}", check=False
        )
        return result.stdout.strip() if result.code == 0 else None

    def commits_changing(self, path: str, limit: int = 200) -> list[str]:
        """The commits of HEAD's first-parent history that changed `path`, newest first."""
        output = self.run(
            "log", "--first-parent", f"--max-count={limit}", "--format=%H", "HEAD", "--", path
        ).stdout
        return output.split()

    def file_at(self, revision: str, path: str) -> str | None:
        """A file's text at a revision (`path` relative to the work tree's folder), or None
        where it does not exist."""
        result = self.run("show", f"{revision}:./{path}", check=False)
        return result.stdout if result.code == 0 else None

    def count_commits(self, revision_range: str) -> int:
        """How many commits a range holds."""
        return int(self.run("rev-list", "--count", revision_range).stdout.strip())

    def subject(self, revision: str) -> str:
        """A commit's subject line."""
        return self.run("log", "-1", "--format=%s", revision).stdout.strip()

    def all_tags(self) -> list[str]:
        """Every local tag's name."""
        if self._tags is None:
            self._tags = self.run(*_TAGS).stdout.split()
        return list(self._tags)

    def tags_merged_into(self, revision: str) -> list[str]:
        """The tags whose commits are reachable from `revision`."""
        try:
            output = self.run("tag", "--merged", revision).stdout
        except GitError:
            if self.head() is None:  # git's own words ("malformed object name") tell no one
                fix = "commit the project first"
                raise GitError("The repository has no commits yet", fix) from None
            raise
        return output.split()

    def read_log_ahead(self, revision_range: str, paths: Sequence[str] = ()) -> None:
        """Start `git log` of a range in the background (git works on another core while the
        caller goes on); `log` with the same range then takes what it printed."""
        key = (revision_range, tuple(paths))
        started = None if key in self._logs else self._start(_log_args(*key), 300)
        if started is not None:
            self._logs[key] = started

    def log(self, revision_range: str, paths: Sequence[str] = ()) -> list[Commit]:
        """Commits of a range (newest first), from one `git log` call; with `paths`, only
        those touching them (relative to the work tree's folder). Read once per range, until
        this object commits, tags or fetches."""
        return list(self._read_log(revision_range, tuple(paths)).commits)

    def parents_in(self, revision_range: str, paths: Sequence[str] = ()) -> frozenset[str]:
        """The parents of the commits a range holds (read with them): a commit among them is
        in the history of the range's end."""
        return self._read_log(revision_range, tuple(paths)).parents

    def _read_log(self, revision_range: str, paths: tuple[str, ...]) -> _Log:
        key = (revision_range, paths)
        known = self._logs.get(key)
        if not isinstance(known, _Log):
            args = _log_args(*key)
            raw = known.result() if known is not None else self._run_raw(args, 300)
            known = self._logs[key] = _parse_log(self._result(args, raw, check=True).stdout)
        return known

    def _forget_history(self) -> None:
        """Tags or HEAD are about to change: ask git again (answers read ahead included)."""
        self._tags = None
        self.stop_reading_ahead()
        self._logs.clear()

    def stop_reading_ahead(self) -> None:
        """Stop the git processes started ahead whose answers were never asked for: a command
        that ends early (an error, Ctrl-C) leaves no git running behind it."""
        pending = [*self._ahead.values()]
        pending += [log for log in self._logs.values() if isinstance(log, _Started)]
        self._ahead.clear()
        self._logs = {key: log for key, log in self._logs.items() if isinstance(log, _Log)}
        for started in pending:
            started.stop()

    def remote_url(self, remote: str) -> str | None:
        """The URL of a remote, or None if it is not configured."""
        result = self.run("remote", "get-url", remote, check=False)
        return result.stdout.strip() if result.code == 0 else None

    def create_tag(self, tag: str, message: str, *, sign: bool, commit: str = "HEAD") -> None:
        """An annotated tag on `commit` (signed with git's own signing configuration if asked)."""
        flag = "--sign" if sign else "--annotate"
        self._forget_history()
        self.run("tag", flag, "--message", message, tag, commit, timeout=None)

    def delete_tag(self, tag: str) -> None:
        """Delete a local tag."""
        self._forget_history()
        self.run("tag", "--delete", tag)

    def remote_refs(self, remote: str, *refs: str) -> dict[str, str]:
        """Where the remote's refs point (annotated tags peeled to their commit)."""
        patterns = [pattern for ref in refs for pattern in (ref, f"{ref}^{{}}")]
        output = self.run("ls-remote", remote, *patterns, timeout=120).stdout
        found: dict[str, str] = {}
        for line in output.splitlines():
            sha, _, name = line.partition("\t")
            if name.endswith("^{}"):
                found[name[:-3]] = sha  # the peeled commit wins over the tag object
            else:
                found.setdefault(name, sha)
        return found

    def push_atomic(self, remote: str, *refs: str) -> None:
        """Push these refs all together or not at all (`git push --atomic`); a refusal raises
        PushRejected saying why (the remote moved, a hook declined, no permission)."""
        result = self.run(
            "push",
            "--atomic",
            "--quiet",
            remote,
            *[f"{ref}:{ref}" for ref in refs],
            check=False,
            timeout=None,
        )
        if result.code != 0:
            reason, remote_message = push_rejection(result.stderr or result.stdout)
            detail = remote_message or (result.stderr.strip() or result.stdout.strip())
            raise PushRejected(
                f"git push --atomic {remote} failed ({reason}): {detail}",
                "fix the cause shown by git",
                reason=reason,
                remote_message=remote_message,
            )

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether `ancestor` is in `descendant`'s history."""
        return self.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).code == 0

    def blob_at(self, revision: str, path: str) -> bytes | None:
        """A file's stored bytes in a commit (`path` from the top of the work tree), or None."""
        code, stdout, _ = self._run_raw(("cat-file", "blob", f"{revision}:{path}"), 120, None, None)
        return stdout if code == 0 else None

    def stage_contents(self, contents: Mapping[str, CommitContent]) -> None:
        """Put these bytes in the index for these paths (from the top of the work tree), leaving
        the work tree as it is."""
        self.run("update-index", "--index-info", input=self._index_info(contents))

    def commit_contents(self, message: str, contents: Mapping[str, CommitContent]) -> str:
        """Commit HEAD's tree with these files' bytes, through a temporary index: nothing else
        staged or changed in the work tree goes in. The index then holds the commit's bytes for
        these paths; the work tree is left as it is. The new commit.

        `git commit` (not commit-tree) makes it, so the user's hooks and signing still apply.
        """
        entries = self._index_info(contents)
        self._forget_history()
        git_dir = Path(self.run("rev-parse", "--absolute-git-dir").stdout.strip())
        index = git_dir / f"poetry-release-{os.getpid()}.index"
        temporary = {"GIT_INDEX_FILE": str(index)}
        # The user's commit hooks, like the checks, get none of the release's own credentials
        # (blanked: an overlay of the environment cannot unset them).
        hooks = {name: "" for name in os.environ if is_release_credential(name)}
        try:
            self.run("read-tree", "HEAD", env=temporary)
            self.run("update-index", "--index-info", input=entries, env=temporary)
            self.run(
                "commit", "--quiet", "--message", message, env={**hooks, **temporary}, timeout=None
            )
        finally:
            index.unlink(missing_ok=True)
            index.with_name(index.name + ".lock").unlink(missing_ok=True)
        self.run("update-index", "--index-info", input=entries)
        head = self.head()
        assert head is not None
        return head

    def _index_info(self, contents: Mapping[str, CommitContent]) -> bytes:
        """`update-index --index-info` lines: each file's blob written, its mode at HEAD kept."""
        lines = []
        for path, content in contents.items():
            filters = "--no-filters" if content.stored else f"--path={path}"
            blob = self.run("hash-object", "-w", filters, "--stdin", input=content.data)
            listed = self.run("ls-tree", "--full-tree", "HEAD", "--", path).stdout.split()
            mode = listed[0] if listed else "100644"
            lines.append(f"{mode} {blob.stdout.strip()}\t{path}\n")
        return "".join(lines).encode()


class _Started:
    """A git process started ahead, writing its output to an unnamed temporary file rather
    than a pipe (a pipe would hold git back until this process, busy elsewhere, read it). Its
    few error lines come through a pipe: waiting on that pipe ends the moment git does
    (`Popen.wait` with a timeout would poll, sleeping up to 50 ms at a time)."""

    def __init__(self, argv: list[str], cwd: Path, command: str, timeout: float) -> None:
        # Unnamed (nothing is left behind), closed once read, or with this object.
        self._out = tempfile.TemporaryFile()  # noqa: SIM115
        self._command, self._timeout = command, timeout
        self._process = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.PIPE
        )

    def stop(self) -> None:
        """Stop git if it still runs (it only reads: nothing to clean up), unread."""
        try:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.communicate()
            else:
                self._process.communicate()  # closes the error pipe
        finally:
            self._out.close()

    def result(self) -> tuple[int, bytes, bytes]:
        """Wait for git to finish: its exit code, what it printed and its errors."""
        try:
            with _stopped_on_failure(self._process, self._command, self._timeout):
                _, errors = self._process.communicate(timeout=self._timeout)
            self._out.seek(0)
            return self._process.returncode, self._out.read(), errors
        finally:
            self._out.close()


@contextlib.contextmanager
def _stopped_on_failure(
    process: subprocess.Popen[bytes], command: str, timeout: float | None
) -> Iterator[None]:
    """While waiting for git: past `timeout` it is killed and that is the error; on Ctrl-C it
    is sent SIGINT (git removes its own lock files then) before the interrupt goes on."""
    try:
        yield
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise GitError(
            f"git {command} did not finish within {timeout:.0f} s",
            "check the connection to the remote, or run with --offline",
        ) from None
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise


def _log_args(revision_range: str, paths: tuple[str, ...]) -> tuple[str, ...]:
    return ("log", "--format=%H%x1f%P%x1f%B%x1e", revision_range, "--", *paths)


class _Log(NamedTuple):
    """A range's commits, newest first, and all their parents."""

    commits: list[Commit]
    parents: frozenset[str]


def _parse_log(output: str) -> _Log:
    """The commits and their parents, from `git log --format=%H%x1f%P%x1f%B%x1e`."""
    commits, parents = [], set()
    for record in output.split("\x1e"):
        sha, separator, rest = record.lstrip("\n").partition("\x1f")
        if not separator:
            continue
        listed, _, message = rest.partition("\x1f")
        shas = listed.split()
        parents.update(shas)
        commits.append(Commit(sha, message.strip("\n"), len(shas)))
    return _Log(commits, frozenset(parents))


_PERMISSION_SIGNS = (
    "permission denied",
    "permission to ",
    "returned error: 403",
    "returned error: 401",
    "authentication failed",
    "could not read from remote repository",
    "access denied",
    "not allowed to push",
)


def push_rejection(output: str) -> tuple[str, str]:
    """Why git refused a push, from what it printed: the reason ("remote moved", "hook
    rejected", "permission denied" or "refused") and the remote's own lines (a hook's text)."""
    remote_lines = [
        line.removeprefix("remote:").strip()
        for line in output.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
    remote_message = "\n".join(remote_lines)
    lowered = output.lower()
    if "[remote rejected]" in lowered:
        refused = [line.strip() for line in output.splitlines() if "[remote rejected]" in line]
        return "hook rejected", remote_message or "\n".join(refused)
    if "[rejected]" in lowered and any(
        sign in lowered for sign in ("(fetch first)", "(non-fast-forward)", "(stale info)")
    ):
        return "remote moved", remote_message
    if any(sign in lowered for sign in _PERMISSION_SIGNS):
        return "permission denied", remote_message
    return "refused", remote_message
