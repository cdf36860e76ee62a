"""Shallow clones (`git clone --depth 1`, a default CI checkout) made whole before commits
and tags decide anything: a missing history must never pass for an empty one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from poetry_release_plugin.errors import ShallowClone

if TYPE_CHECKING:
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.workflows.prepare import Reporter


def ensure_full_history(
    git: Git, remote: str, reporter: Reporter, *, purpose: str, offline: bool = False
) -> bool:
    """Fetch the missing history and tags of a shallow clone from `remote`, saying so; refuse
    when offline or without that remote. True when something was fetched."""
    if not git.is_work_tree() or not git.is_shallow():
        return False  # outside a work tree, the command's own check says so
    if offline:
        raise ShallowClone(purpose, "--offline forbids fetching them")
    if not git.has_remote(remote):
        raise ShallowClone(purpose, f"the remote {remote} to fetch them from is not configured")
    reporter.info(
        f"This is a shallow clone: fetching the full history and tags from {remote} "
        f"to decide {purpose}"
    )
    git.fetch_full_history(remote)
    return True
