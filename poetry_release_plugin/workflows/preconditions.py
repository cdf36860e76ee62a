"""The repository preconditions `prepare` and `cut` share: a work tree with commits, on a
release branch, clean, and not behind its remote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from poetry_release_plugin.errors import GitError

if TYPE_CHECKING:
    from pathlib import Path

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.config import ReleaseSettings


def require_release_branch(git: Git, root: Path, settings: ReleaseSettings) -> tuple[str, str]:
    """(HEAD's commit, the branch): inside a work tree, with commits, on a release branch."""
    if not git.is_work_tree():
        raise GitError(
            f"{root} is not inside a git work tree", "run git init and commit the project first"
        )
    head = git.head()
    if head is None:
        raise GitError("The repository has no commits yet", "commit the project first")
    branch = git.current_branch()
    if branch is None:
        raise GitError(
            "HEAD is detached (no branch is checked out)",
            f"check out the release branch ({', '.join(settings.branch)}) first",
        )
    if not settings.is_release_branch(branch):
        raise GitError(
            f"On branch {branch}, which is not a release branch ({', '.join(settings.branch)})",
            "check out the release branch, or list this one in [tool.poetry-release] branch",
        )
    return head, branch


def require_no_operation_in_progress(git: Git) -> None:
    """No merge, cherry-pick, revert, rebase or bisect left unfinished: a release commit made
    in the middle of one would carry its half-done state (a merge commit without the merged
    changes). Refused whatever --allow-dirty says."""
    operation = git.operation_in_progress()
    if operation is not None:
        raise GitError(
            f"{operation[0].upper()}{operation[1:]} is in progress in this work tree",
            "finish it or abort it (git merge --abort, git cherry-pick --abort, git revert "
            "--abort, git rebase --abort, git bisect reset), then run the command again",
        )


def require_clean_tree(git: Git, *, fix: str) -> None:
    """No uncommitted changes or untracked files."""
    changed = git.changed_paths()
    if changed:
        listed = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        raise GitError(f"The work tree has uncommitted changes ({listed})", fix)


def require_remote(git: Git, remote: str, *, alternative: str) -> None:
    """The remote is configured."""
    if not git.has_remote(remote):
        raise GitError(
            f"The remote {remote} is not configured",
            f"add it (git remote add {remote} URL), set remote in [tool.poetry-release], "
            f"or {alternative}",
        )


def require_up_to_date(git: Git, remote: str, branch: str) -> None:
    """After a fetch, the branch is not behind `remote/branch`."""
    git.fetch(remote)
    behind = git.commits_behind(remote, branch)
    if behind:
        raise GitError(
            f"Branch {branch} is behind {remote}/{branch} by {behind} commit(s)",
            f"pull first (git pull {remote} {branch}), then run the command again",
        )
