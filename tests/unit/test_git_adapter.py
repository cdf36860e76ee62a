"""The git adapter asks once what cannot change, and again what it changed itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.git import CommitContent, Git
from poetry_release_plugin.errors import GitError

if TYPE_CHECKING:
    from pathlib import Path

ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True)


def test_tags_made_or_deleted_here_are_seen_at_once(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "first")
    git(tmp_path, "tag", "v1.0.0")
    repository = Git(tmp_path)
    assert repository.all_tags() == ["v1.0.0"]

    repository.create_tag("v1.1.0", "Release v1.1.0", sign=False)
    assert repository.all_tags() == ["v1.0.0", "v1.1.0"]
    repository.delete_tag("v1.0.0")
    assert repository.all_tags() == ["v1.1.0"]


def test_a_shallow_clone_made_whole_is_no_longer_shallow(tmp_path: Path) -> None:
    origin, clone = tmp_path / "origin", tmp_path / "clone"
    origin.mkdir()
    git(origin, "init", "--quiet", "--initial-branch", "main")
    for message in ("first", "second"):
        git(origin, "commit", "--quiet", "--allow-empty", "--message", message)
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{origin}", str(clone))
    (clone / "sub").mkdir()
    repository = Git(clone / "sub")  # a project in a subfolder of its repository
    work_tree = repository.work_tree()
    assert work_tree is not None
    assert work_tree.top_level == clone.resolve()
    assert repository.is_shallow()

    repository.fetch_full_history("origin")

    assert not repository.is_shallow()
    assert repository.count_commits("HEAD") == 2


def test_answers_read_ahead_are_those_git_gives_and_asked_again_after(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "first")
    git(tmp_path, "tag", "v1.0.0")
    (tmp_path / "notes.txt").write_text("draft\n")
    asked = Git(tmp_path)
    ahead = Git(tmp_path)

    ahead.read_state_ahead()

    assert ahead.work_tree() == asked.work_tree()
    assert ahead.all_tags() == asked.all_tags() == ["v1.0.0"]
    assert ahead.head() == asked.head()
    assert ahead.current_branch() == asked.current_branch() == "main"
    assert ahead.changed_paths() == asked.changed_paths() == ["notes.txt"]
    (tmp_path / "notes.txt").unlink()
    assert ahead.changed_paths() == []  # a read ahead answers once


def test_tags_read_ahead_of_a_shallow_clone_are_read_again_once_it_is_whole(
    tmp_path: Path,
) -> None:
    origin, clone = tmp_path / "origin", tmp_path / "clone"
    origin.mkdir()
    git(origin, "init", "--quiet", "--initial-branch", "main")
    for message in ("first", "second"):
        git(origin, "commit", "--quiet", "--allow-empty", "--message", message)
    git(origin, "tag", "0.9.0", "HEAD~1")
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{origin}", str(clone))
    repository = Git(clone)
    repository.read_state_ahead()
    assert repository.is_shallow()

    repository.fetch_full_history("origin")

    assert repository.all_tags() == ["0.9.0"]
    assert not repository.is_shallow()


def test_head_read_ahead_is_not_taken_for_the_commit_made_after_it(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "first")
    repository = Git(tmp_path)
    first = repository.head()
    repository.read_state_ahead()

    made = repository.commit_contents("second", {"notes.txt": CommitContent(b"draft\n")})

    assert made != first
    assert repository.head() == made


def test_git_started_ahead_and_never_asked_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, tools, pid_file = tmp_path / "repo", tmp_path / "bin", tmp_path / "status.pid"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch", "main")
    git(repo, "commit", "--quiet", "--allow-empty", "--message", "first")
    tools.mkdir()
    slow = tools / "git"  # a git whose status takes a minute (a huge monorepo's)
    slow.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do [ "$a" = status ] && {{ echo $$ > {pid_file}; exec sleep 60; }}; done\n'
        f'exec {shutil.which("git")} "$@"\n'
    )
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    repository = Git(repo)
    repository.read_state_ahead()
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "git status was not started ahead"
        time.sleep(0.01)
    pid = int(pid_file.read_text())

    repository.stop_reading_ahead()

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_tags_asked_of_a_repository_without_commits_say_so(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")

    with pytest.raises(GitError, match="The repository has no commits yet"):
        Git(tmp_path).tags_merged_into("HEAD")
