"""Issue 22's item 15, attacked again: `cut`'s push to a remote that never answers ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_git_adapter import git, given_up

from poetry_release_plugin.adapters import git as git_adapter
from poetry_release_plugin.adapters.git import Git

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_a_push_to_a_remote_that_never_answers_is_given_up_at_its_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(origin))
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch", "main")
    git(work, "commit", "--quiet", "--allow-empty", "--message", "first")
    git(work, "tag", "v1.0.0")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "config", "remote.origin.receivepack", "sleep 30; git-receive-pack")
    monkeypatch.setattr(git_adapter, "PUSH_DEADLINE", 1.0, raising=False)

    outcome, left = given_up(
        lambda: Git(work).push_atomic("origin", "refs/heads/main", "refs/tags/v1.0.0"), origin
    )

    assert [error.what for error in outcome] == ["git push did not finish within 1 s"]
    assert "run poetry release cut again" in outcome[0].fix
    assert left == [], "git's stalled helper outlived the deadline"
