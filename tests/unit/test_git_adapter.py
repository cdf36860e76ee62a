"""The git adapter asks once what cannot change, and again what it changed itself."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import TYPE_CHECKING

from support import processes_mentioning

from poetry_release_plugin.adapters.git import CommitContent, Git
from poetry_release_plugin.errors import GitError

if TYPE_CHECKING:
    from collections.abc import Callable
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


def test_tags_are_read_with_the_commits_they_mark_annotated_ones_peeled(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "first")
    git(tmp_path, "tag", "v1.0.0")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "second")
    git(tmp_path, "tag", "--annotate", "--message", "Release v1.1.0", "v1.1.0")
    repository = Git(tmp_path)

    tags = repository.tag_commits()

    assert tags == {
        "v1.0.0": repository.commit_of("HEAD~1"),
        "v1.1.0": repository.commit_of("HEAD"),
    }
    assert repository.tag_commit("v1.1.0") == repository.head()


def test_tags_of_a_shallow_clone_are_read_again_once_it_is_whole(tmp_path: Path) -> None:
    origin, clone = tmp_path / "origin", tmp_path / "clone"
    origin.mkdir()
    git(origin, "init", "--quiet", "--initial-branch", "main")
    for message in ("first", "second"):
        git(origin, "commit", "--quiet", "--allow-empty", "--message", message)
    git(origin, "tag", "0.9.0", "HEAD~1")
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{origin}", str(clone))
    repository = Git(clone)
    assert repository.all_tags() == []
    assert repository.is_shallow()

    repository.fetch_full_history("origin")

    assert repository.all_tags() == ["0.9.0"]
    assert not repository.is_shallow()


def test_the_default_branch_is_the_clones_origin_head_else_what_the_remote_names(
    tmp_path: Path,
) -> None:
    origin, clone, pushed = tmp_path / "origin.git", tmp_path / "clone", tmp_path / "pushed"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "develop", str(origin))
    pushed.mkdir()
    git(pushed, "init", "--quiet", "--initial-branch", "develop")
    git(pushed, "commit", "--quiet", "--allow-empty", "--message", "first")
    git(pushed, "remote", "add", "origin", str(origin))
    git(pushed, "push", "--quiet", "origin", "develop")
    git(tmp_path, "clone", "--quiet", str(origin), str(clone))

    assert Git(clone).default_branch("origin", online=False) == ("develop", "origin/HEAD")
    assert Git(pushed).default_branch("origin", online=False) is None  # no origin/HEAD here
    assert Git(pushed).default_branch("origin", online=True) == ("develop", "the HEAD of origin")


def test_remote_tags_are_every_tag_the_remote_has_peeled(tmp_path: Path) -> None:
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(origin))
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch", "main")
    git(work, "commit", "--quiet", "--allow-empty", "--message", "first")
    git(work, "tag", "--annotate", "--message", "Release", "v2.0.0-rc.1")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "--quiet", "origin", "main", "--tags")
    repository = Git(work)

    assert repository.remote_tags("origin") == {"v2.0.0-rc.1": repository.head()}


def test_head_is_asked_again_after_a_commit(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "first")
    repository = Git(tmp_path)
    first = repository.head()

    made = repository.commit_contents("second", {"notes.txt": CommitContent(b"draft\n")})

    assert made != first
    assert repository.head() == made


def test_an_empty_release_commit_is_made_when_no_file_changes(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "--message", "first")
    repository = Git(tmp_path)

    made = repository.commit_contents("chore: bump version to 1.0.1", {})

    assert repository.subject(made) == "chore: bump version to 1.0.1"


def test_a_release_tag_on_a_commit_dated_after_its_descendants_is_still_the_last_release(
    tmp_path: Path,
) -> None:
    from poetry_release_plugin.core.release_state import TagPlace, release_tags
    from poetry_release_plugin.core.version import parse_version
    from poetry_release_plugin.workflows.history import find_last_release

    def commit(message: str, date: str) -> None:
        dated = {**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(
            ["git", "commit", "--quiet", "--allow-empty", "--message", message],
            cwd=tmp_path,
            env=dated,
            check=True,
        )

    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    commit("chore: start", "2020-01-01T00:00:00")
    commit("chore: bump version to 1.0.0", "2035-01-01T00:00:00")  # a clock set wrong
    git(tmp_path, "tag", "v1.0.0")
    for day in range(1, 8):  # descendants dated long before it
        commit(f"fix: number {day}", f"2021-01-0{day}T00:00:00")
    repository = Git(tmp_path)
    tags = release_tags(repository.tag_commits(), "v{version}")

    found = find_last_release(repository, tags, parse_version("1.0.0"))

    assert found.tag is not None
    assert (found.tag.name, found.tag.place) == ("v1.0.0", TagPlace.IN_HISTORY)
    assert len(found.commits) == 7


def given_up(call: Callable[[], object], origin: Path) -> tuple[list[GitError], list[str]]:
    """The GitError a call to a stalled `origin` raised (waited for 25 s at most, well before
    the remote's 30 s sleep ends), and the processes still running on `origin`, which are
    killed then: a failing run leaves nothing behind either."""
    import threading

    outcome: list[GitError] = []

    def attempt() -> None:
        try:
            call()
        except GitError as error:
            outcome.append(error)

    trying = threading.Thread(target=attempt, daemon=True)
    trying.start()
    trying.join(25)
    left = processes_mentioning(str(origin))
    for found in left:
        os.kill(int(found.split(":", 1)[0]), signal.SIGKILL)
    return outcome, left


def test_a_stalled_remote_is_given_up_at_its_timeout_even_while_its_helper_holds_the_pipes(
    tmp_path: Path,
) -> None:
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", str(origin))
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch", "main")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "config", "remote.origin.uploadpack", "sleep 30; git-upload-pack")

    outcome, left = given_up(lambda: Git(work).run("ls-remote", "origin", timeout=1), origin)

    assert [error.what for error in outcome] == ["git ls-remote did not finish within 1 s"]
    assert left == [], "git's stalled helper outlived the timeout"
