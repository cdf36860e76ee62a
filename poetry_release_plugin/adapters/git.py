"""The `git` executable, run with argument lists (never a shell), in the user's own setup."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from poetry_release_plugin.core.commits import Commit
from poetry_release_plugin.core.redaction import is_release_credential
from poetry_release_plugin.errors import GitError, PushRejected

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence


@dataclass(frozen=True)
class GitResult:
    """What a git command printed, and how it ended."""

    code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class CommitContent:
    """A file's bytes for a commit: as in the work tree (git's filters apply, as `git add`
    does), or `stored` (already a blob's content, taken as is); None: the commit removes it."""

    data: bytes | None
    stored: bool = False


# The questions every release asks first, as git commands.
_WORK_TREE = (
    "rev-parse",
    "--is-inside-work-tree",
    "--show-toplevel",
    "--absolute-git-dir",
    "--git-common-dir",
    "--is-shallow-repository",
)
# every tag, with the commit it marks (an annotated tag peeled: `*objectname`)
_TAGS = (
    "for-each-ref",
    "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)"
    "%00%(*objectname)%00%(subject)%00%(*subject)",
    "refs/tags",
)
_HEAD = ("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
_BRANCH = ("symbolic-ref", "--quiet", "--short", "HEAD")
# read-only: a status must not take the index lock from a concurrent write
_CHANGES = ("--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=normal")


@dataclass(frozen=True)
class WorkTree:
    """Where a work tree and its repository live, and whether its history is whole."""

    top_level: Path
    git_dir: Path  # this work tree's own (its index, the prepare journal)
    common_dir: Path  # shared by every work tree of the repository (the release lock)
    shallow: bool


REMOTE_COMMANDS = frozenset({"fetch", "ls-remote", "push"})
REMOTE_DEADLINE = 60.0  # seconds for a question to the remote (ls-remote)
FETCH_DEADLINE = 180.0  # seconds for fetching the release branch
PUSH_DEADLINE = 300.0  # seconds for cut's push of the release commit and its tag
WAIT_NOTICE_AFTER = 2.0  # seconds of silence before saying what the command waits on


class Git:
    """A git work tree, and the few questions and actions a release needs of it.

    What cannot change while a command runs (where the work tree is) is asked once; what this
    object changes itself (tags, a shallow history) is asked again after it changed it.
    """

    # Told, once a remote command has been silent WAIT_NOTICE_AFTER seconds, what it waits on
    # (the console sets it for the command it runs; None: nobody is told).
    on_wait: ClassVar[Callable[[str], None] | None] = None

    def __init__(self, root: Path) -> None:
        self.root = root
        self._executable = shutil.which("git")
        self._work_tree: WorkTree | bool | None = False  # False: not asked yet
        self._tags: dict[str, str] | None = None
        self._subjects: dict[str, str] = {}  # commits' subjects (they never change)

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = 120,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> GitResult:
        """Run `git ARGS` in the work tree; with `check`, a failure raises GitError."""
        return self._result(args, self._run_raw(args, timeout, input, env), check=check)

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
        notice = None
        if args[0] in REMOTE_COMMANDS and Git.on_wait is not None:  # say what it waits on
            what = f"waiting for the remote (git {args[0]}, at most {timeout or 0:g} s)"
            notice = threading.Timer(WAIT_NOTICE_AFTER, Git.on_wait, args=(what,))
            notice.daemon = True
            notice.start()
        try:
            with _stopped_on_failure(process, args[0], timeout):
                stdout, stderr = process.communicate(input, timeout=timeout)
        finally:
            if notice is not None:
                notice.cancel()
        return process.returncode, stdout, stderr

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

    def operation_in_progress(self) -> str | None:
        """The git operation left unfinished in this work tree (a merge, a cherry-pick, a
        revert, a rebase, a bisect), or None."""
        work_tree = self.work_tree()
        if work_tree is None:
            return None
        markers = {
            "MERGE_HEAD": "a merge",
            "CHERRY_PICK_HEAD": "a cherry-pick",
            "REVERT_HEAD": "a revert",
            "rebase-merge": "a rebase",
            "rebase-apply": "a rebase (or git am)",
            "BISECT_LOG": "a bisect",
        }
        return next(
            (what for name, what in markers.items() if (work_tree.git_dir / name).exists()), None
        )

    def has_remote(self, remote: str) -> bool:
        """Whether `remote` is configured."""
        return remote in self.run("remote").stdout.split()

    def fetch(self, remote: str) -> None:
        """Fetch `remote`'s branches (not its tags: those are asked of the remote directly)."""
        self.run("fetch", "--quiet", "--no-tags", remote, timeout=FETCH_DEADLINE)

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
        return self.tag_commits().get(tag)

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

    def workflow_files(self) -> dict[str, str]:
        """The GitHub Actions workflows committed at HEAD (GitHub reads only the repository
        root's `.github/workflows`), by path from the root."""
        listed = self.run(
            "ls-tree", "-z", "--full-tree", "--name-only", "HEAD", ".github/workflows/", check=False
        )
        found = {}
        for path in listed.stdout.split("\0") if listed.code == 0 else ():
            if path.endswith((".yml", ".yaml")):
                shown = self.run("show", f"HEAD:{path}", check=False)
                if shown.code == 0:
                    found[path] = shown.stdout
        return found

    def count_commits(self, revision_range: str) -> int:
        """How many commits a range holds."""
        return int(self.run("rev-list", "--count", revision_range).stdout.strip())

    def subject(self, revision: str) -> str:
        """A commit's subject line."""
        return self.run("log", "-1", "--format=%s", revision).stdout.strip()

    def tag_commits(self) -> dict[str, str]:
        """Every local tag and the commit it marks (annotated tags peeled), from one
        `git for-each-ref`; asked again after this object tags or fetches."""
        if self._tags is None:
            found: dict[str, str] = {}
            nested = []
            for line in self.run(*_TAGS).stdout.splitlines():
                fields = [*line.split("\0"), *[""] * 7][:7]
                name, kind, target, peeled_kind, peeled, subject, peeled_subject = fields
                if kind == "commit":
                    found[name] = target
                    self._subjects[target] = subject
                elif peeled_kind == "commit":
                    found[name] = peeled
                    self._subjects[peeled] = peeled_subject
                elif peeled_kind == "tag":  # a tag of a tag: peeled all the way below
                    nested.append(name)
            for name in nested:  # rare; a tag of a tree or a blob marks no release
                commit = self.commit_of(f"refs/tags/{name}")
                if commit is not None:
                    found[name] = commit
            self._tags = found
        return dict(self._tags)

    def subjects(self, *commits: str) -> dict[str, str]:
        """The subject line of each commit: those tags mark read with the tags, the others
        from one `git log --no-walk`."""
        unknown = [commit for commit in commits if commit not in self._subjects]
        if unknown:
            output = self.run("log", "--no-walk=unsorted", "--format=%H%x1f%s", *unknown).stdout
            for line in output.splitlines():
                commit, _, subject = line.partition("\x1f")
                self._subjects[commit] = subject
        return {commit: self._subjects.get(commit, "") for commit in commits}

    def all_tags(self) -> list[str]:
        """Every local tag's name."""
        return list(self.tag_commits())

    def history(
        self, revision_range: str, paths: Sequence[str] = (), *, cherry_mark: bool = False
    ) -> CommitLog:
        """Commits of a range (newest first) and all their parents, from one `git log` call;
        with `paths`, only those touching them (relative to the work tree's folder). With
        `cherry_mark`, a range `A..B` leaves out the commits of B that make the same change as
        one of A (a release commit made again on the branch, a squash of a tagged commit);
        their parents still count."""
        start, dots, end = revision_range.partition("..")
        if cherry_mark and dots and start:
            marked = ("--cherry-mark", "--right-only", f"{start}...{end or 'HEAD'}")
            args = _log_args(marked, tuple(paths))
        else:
            args = _log_args((revision_range,), tuple(paths))
        return _parse_log(self.run(*args, timeout=300).stdout)

    def changed_lines(self, commit: str, since: str | None = None) -> frozenset[tuple[str, str]]:
        """The lines a (non-merge) commit removes and adds, each with its file: ("path",
        "-old line") and ("path", "+new line"), from `git show` without context; with
        `since`, the lines changed from that commit to this one (`git diff`)."""
        shown = self.run(
            *(("diff", since) if since is not None else ("show", "--format=")),
            "--no-color",
            "--no-ext-diff",
            "--unified=0",
            commit,
            timeout=60,
        ).stdout
        found: set[tuple[str, str]] = set()
        path, in_header = "", True
        for line in shown.splitlines():
            if line.startswith("diff --git "):
                in_header = True
            elif in_header and line.startswith("+++ "):
                path = line[4:].removeprefix("b/")
            elif line.startswith("@@"):
                in_header = False
            elif not in_header and line[:1] in ("+", "-"):
                found.add((path, line))
        return frozenset(found)

    def grep_tracked(
        self,
        text: str | Sequence[str],
        exclude: Sequence[str] = (),
        *,
        pattern: bool = False,
        only: Sequence[str] = (".",),
    ) -> list[tuple[str, int, str]]:
        """Each line of the tracked text files under the folder git runs in that holds `text`
        (a fixed string, or one of several; with `pattern`, an extended regular expression), in
        the `only`
        pathspecs less the `exclude` globs, binary files skipped: (path relative to that
        folder, line number, line), from one `git grep`."""
        excluded = [f":(exclude,glob){glob}" for glob in exclude]
        kind = "-E" if pattern else "-F"
        texts = [text] if isinstance(text, str) else list(text)
        searched = [argument for one in texts for argument in ("-e", one)]
        args = ["grep", "-I", "-n", "-z", kind, "--no-color", *searched, "--", *only, *excluded]
        result = self.run(*args, check=False, timeout=300)
        if result.code not in (0, 1):
            detail = result.stderr.strip()
            raise GitError(f"git grep failed: {detail}", "fix the cause shown by git")
        found = []
        for line in result.stdout.splitlines():
            path, number, content = ([*line.split("\x00", 2), "", ""])[:3]
            if number.isdigit():
                found.append((path, int(number), content))
        return found

    def log(self, revision_range: str, paths: Sequence[str] = ()) -> list[Commit]:
        """Commits of a range, newest first (see `history`)."""
        return list(self.history(revision_range, paths).commits)

    def changed_paths_in(self, commit: str) -> list[str]:
        """The paths a commit changes against its first parent (none for an empty commit)."""
        output = self.run("diff-tree", "--no-commit-id", "--name-only", "-r", commit).stdout
        return output.split()

    def commit_of(self, revision: str) -> str | None:
        """The commit a revision names (None: no such commit)."""
        result = self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False)
        return result.stdout.strip() if result.code == 0 else None

    def first_parent(self, revision: str) -> str | None:
        """A commit's first parent (None for a root commit)."""
        result = self.run("rev-parse", "--verify", "--quiet", f"{revision}^1", check=False)
        return result.stdout.strip() if result.code == 0 else None

    def merge_base(self, first: str, second: str) -> str | None:
        """The best common ancestor of two commits (None: unrelated histories)."""
        result = self.run("merge-base", first, second, check=False)
        return result.stdout.strip() if result.code == 0 else None

    def default_branch(self, remote: str, *, online: bool) -> tuple[str, str] | None:
        """The remote's default branch and how it was told: `REMOTE/HEAD` as the clone
        recorded it, else (online) what the remote's HEAD names; None when neither says."""
        # the branch origin/HEAD names, if that branch exists (a dangling one is no answer)
        local = self.run("rev-parse", "--abbrev-ref", f"{remote}/HEAD", check=False)
        names = local.stdout.strip()
        if local.code == 0 and names.startswith(f"{remote}/") and names != f"{remote}/HEAD":
            return names[len(remote) + 1 :], f"{remote}/HEAD"
        if not online or not self.has_remote(remote):
            return None
        asked = self.run(
            "ls-remote", "--symref", remote, "HEAD", check=False, timeout=REMOTE_DEADLINE
        )
        for line in asked.stdout.splitlines():
            target, _, name = line.partition("\t")
            if name == "HEAD" and target.startswith("ref: refs/heads/"):
                return target.removeprefix("ref: refs/heads/"), f"the HEAD of {remote}"
        return None

    def local_branches(self) -> list[str]:
        """The local branches' names."""
        output = self.run("for-each-ref", "--format=%(refname:strip=2)", "refs/heads").stdout
        return output.split()

    def remote_branches(self, remote: str) -> list[str]:
        """The branches of `remote` as the last fetch recorded them (`refs/remotes/REMOTE/*`)."""
        output = self.run(
            "for-each-ref", "--format=%(refname:strip=3)", f"refs/remotes/{remote}"
        ).stdout
        return [name for name in output.split() if name != "HEAD"]

    def _forget_history(self) -> None:
        """Tags or HEAD are about to change: ask git again."""
        self._tags = None

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
        return _remote_refs(
            self.run("ls-remote", remote, *patterns, timeout=REMOTE_DEADLINE).stdout
        )

    def remote_tags(self, remote: str) -> dict[str, str]:
        """Every tag the remote has and the commit it marks, from one `git ls-remote`."""
        found = _remote_refs(
            self.run("ls-remote", "--tags", remote, timeout=REMOTE_DEADLINE).stdout
        )
        return {name.removeprefix("refs/tags/"): sha for name, sha in found.items()}

    def push_atomic(self, remote: str, *refs: str) -> None:
        """Push these refs all together or not at all (`git push --atomic`); a refusal raises
        PushRejected saying why (the remote moved, a hook declined, no permission)."""
        try:
            result = self.run(
                "push",
                "--atomic",
                "--quiet",
                remote,
                *[f"{ref}:{ref}" for ref in refs],
                check=False,
                timeout=PUSH_DEADLINE,
            )
        except GitError as error:  # the remote never answered: git and its helpers are gone
            raise GitError(
                error.what,
                "check the connection to the remote, then run poetry release cut again: it "
                "pushes what the remote lacks",
            ) from None
        if result.code != 0:
            reason, remote_message = push_rejection(result.stderr or result.stdout)
            detail = remote_message or (result.stderr.strip() or result.stdout.strip())
            raise PushRejected(
                f"git push --atomic {remote} failed ({reason}): {detail}",
                "fix the cause shown by git",
                reason=reason,
                remote_message=remote_message,
            )

    def commits_in(self, revision: str) -> frozenset[str]:
        """Every commit in a revision's history (one `git rev-list`)."""
        return frozenset(self.run("rev-list", revision, timeout=300).stdout.split())

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether `ancestor` is in `descendant`'s history."""
        return self.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).code == 0

    def untracked_among(self, *paths: str) -> set[str]:
        """Those of these paths (from the top of the work tree) that git does not track."""
        listed = self.run("ls-files", "-z", "--full-name", "--", *(f":/{p}" for p in paths))
        return set(paths) - set(listed.stdout.split("\0"))

    def blob_at(self, revision: str, path: str) -> bytes | None:
        """A file's stored bytes in a commit (`path` from the top of the work tree), or None."""
        code, stdout, _ = self._run_raw(("cat-file", "blob", f"{revision}:{path}"), 120, None, None)
        return stdout if code == 0 else None

    def patches(self, revision: str, path: str, count: int) -> str:
        """The diffs of the last `count` commits up to `revision` that changed `path`."""
        args = ("log", "-p", f"-{count}", "--format=", "--no-color", revision, "--", path)
        result = self.run(*args, check=False, timeout=60)
        return result.stdout if result.code == 0 else ""

    def reset_index_to_head(self, paths: Sequence[str]) -> None:
        """The index's entries for these paths (from the top) set to HEAD's, the private
        index files of killed releases removed; the work tree left as it is."""
        if paths:
            self.run("reset", "--quiet", "HEAD", "--", *(f":/{path}" for path in paths))
        work_tree = self.work_tree()
        if work_tree is not None:
            _remove_orphaned_indexes(work_tree.git_dir)

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
        _remove_orphaned_indexes(git_dir)
        index = git_dir / f"poetry-release-{os.getpid()}.index"
        temporary = {"GIT_INDEX_FILE": str(index)}
        # The user's commit hooks, like the checks, get none of the release's own credentials
        # (blanked: an overlay of the environment cannot unset them).
        hooks = {name: "" for name in os.environ if is_release_credential(name)}
        # The repository's index takes the release's bytes first: a commit that lands without
        # this process (killed while a hook ran) leaves an index the next commit cannot undo
        # the release from. A commit that fails puts the entries back as they were.
        before = self._index_entries(list(contents))
        self.run("update-index", "--index-info", input=entries)
        try:
            self.run("read-tree", "HEAD", env=temporary)
            self.run("update-index", "--index-info", input=entries, env=temporary)
            empty = ["--allow-empty"] if not contents else []  # a version prepared again
            self.run(
                "commit",
                "--quiet",
                *empty,
                "--message",
                message,
                env={**hooks, **temporary},
                timeout=None,
            )
        except BaseException:
            self.run("update-index", "--index-info", input=before, check=False)
            raise
        finally:
            index.unlink(missing_ok=True)
            index.with_name(index.name + ".lock").unlink(missing_ok=True)
        head = self.head()
        assert head is not None
        return head

    def _index_entries(self, paths: list[str]) -> bytes:
        """`update-index --index-info` lines that put these paths' index entries back as they
        are now (a path not in the index: removed)."""
        if not paths:
            return b""
        listed = self.run("ls-files", "-s", "-z", "--full-name", "--", *(f":/{p}" for p in paths))
        lines, seen = [], set()
        for record in listed.stdout.split("\0"):
            if "\t" in record:
                lines.append(record + "\n")
                seen.add(record.split("\t", 1)[1])
        zero = "0" * len(self.head() or "0" * 40)  # the repository's hash length
        lines += [f"0 {zero}\t{path}\n" for path in paths if path not in seen]
        return "".join(lines).encode()

    def _index_info(self, contents: Mapping[str, CommitContent]) -> bytes:
        """`update-index --index-info` lines: each file's blob written, its mode at HEAD kept."""
        lines = []
        zero = "0" * len(self.head() or "0" * 40)  # the repository's hash length
        for path, content in contents.items():
            if content.data is None:  # removed from the index, so from the commit
                lines.append(f"0 {zero}\t{path}\n")
                continue
            filters = "--no-filters" if content.stored else f"--path={path}"
            blob = self.run("hash-object", "-w", filters, "--stdin", input=content.data)
            listed = self.run("ls-tree", "--full-tree", "HEAD", "--", path).stdout.split()
            mode = listed[0] if listed else "100644"
            lines.append(f"{mode} {blob.stdout.strip()}\t{path}\n")
        return "".join(lines).encode()


def _remove_orphaned_indexes(git_dir: Path) -> None:
    """Private index files a killed release left in the git folder (their process is gone)."""
    for index in git_dir.glob("poetry-release-*.index"):
        pid = index.name.removeprefix("poetry-release-").removesuffix(".index")
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            index.unlink(missing_ok=True)
            index.with_name(index.name + ".lock").unlink(missing_ok=True)
        except (PermissionError, OverflowError):
            continue


@contextlib.contextmanager
def _stopped_on_failure(
    process: subprocess.Popen[bytes], command: str, timeout: float | None
) -> Iterator[None]:
    """While waiting for git: past `timeout` it is killed and that is the error; on Ctrl-C it
    is sent SIGINT (git removes its own lock files then) before the interrupt goes on."""
    try:
        yield
    except subprocess.TimeoutExpired:
        _end(process)
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


def _end(process: subprocess.Popen[bytes]) -> None:
    """Kill git with the helpers it started (git-remote-http, ssh, a local upload-pack), and
    reap it without waiting on pipes one of them may still hold open."""
    from poetry_release_plugin.adapters.check_guard import descendants, signal_all

    helpers = descendants(process.pid)
    process.kill()
    signal_all(helpers, signal.SIGKILL)
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        process.wait()


def _remote_refs(output: str) -> dict[str, str]:
    """Refs and commits from `git ls-remote`: an annotated tag's peeled commit wins."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        sha, _, name = line.partition("\t")
        if name.endswith("^{}"):
            found[name[:-3]] = sha
        else:
            found.setdefault(name, sha)
    return found


def _log_args(revisions: tuple[str, ...], paths: tuple[str, ...]) -> tuple[str, ...]:
    return ("log", "--format=%m%H%x1f%P%x1f%B%x1e", *revisions, "--", *paths)


class CommitLog(NamedTuple):
    """A range's commits, newest first, and all their parents."""

    commits: list[Commit]
    parents: frozenset[str]


def _parse_log(output: str) -> CommitLog:
    """The commits and their parents, from `git log --format=%m%H%x1f%P%x1f%B%x1e`."""
    commits: list[Commit] = []
    parents: list[str] = []
    for record in output.split("\x1e"):
        fields = record.split("\x1f", 2)
        if len(fields) < 3:
            continue
        marked, listed, message = fields
        marked = marked.lstrip("\n")
        shas = listed.split()
        parents += shas
        if marked[:1] != "=":  # "=": the same change as a commit on the other side
            commits.append(Commit(marked[1:], message.strip("\n"), len(shas)))
    return CommitLog(commits, frozenset(parents))


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
