"""`poetry release status`, and Ctrl-C at each stage of prepare and cut (real processes)."""

from __future__ import annotations

import socket
import stat
from typing import TYPE_CHECKING

import pytest
import support
from conftest import github_environment
from support import POETRY, widget_kit_files

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

pytestmark = pytest.mark.faults


def widget_kit(make_project: ProjectFactory, index: LocalIndex) -> ReleaseProject:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    return make_project(files, tags=("v0.9.0",))


def status(project: ReleaseProject, github: GitHubStandIn) -> dict[str, object]:
    result = project.poetry("release", "status", "--json", extra_env=github_environment(github))
    assert result.code == 0, result.output
    payload: dict[str, object] = result.json()
    return payload


def test_status_follows_the_release_from_prepare_to_verify(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = widget_kit(make_project, index)
    github.add_release("v0.9.0")
    before = status(project, github)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0
    prepared = status(project, github)
    assert project.poetry("release", "cut", extra_env=github_environment(github)).code == 0
    cut = status(project, github)

    assert before["next"] == "verify"  # 0.9.0 was tagged and released but is not on the index
    assert (prepared["version"], prepared["next"], prepared["tag_local"]) == ("0.9.1", "cut", False)
    assert (cut["next"], cut["github_release"], cut["tag_remote"]) == ("verify", True, True)
    assert cut["on_index"] is False
    assert cut["files_in_sync"] is True


def test_status_offline_leaves_unknown_facts_null(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    project = widget_kit(make_project, index)

    result = project.poetry("release", "status", "--json", "--offline")

    assert result.code == 0, result.output
    payload = result.json()
    assert (payload["tag_remote"], payload["github_release"], payload["on_index"]) == (
        None,
        None,
        None,
    )
    assert set(payload) >= {
        "version",
        "files_in_sync",
        "tag",
        "tag_local",
        "tag_remote",
        "github_release",
        "on_index",
        "next",
        "blocked",
    }
    assert payload["blocked"] is None


def test_status_off_a_release_branch_names_the_step_and_what_blocks_it(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    project = widget_kit(make_project, index)
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    project.git("checkout", "--quiet", "-b", "feature/widgets")

    human = project.poetry("release", "status", "--offline")
    payload = project.poetry("release", "status", "--offline", "--json").json()

    assert human.code == 0, human.output
    assert "Next: check out a release branch (main), then poetry release cut" in human.stdout
    assert payload["next"] == "cut"
    assert payload["blocked"] == (
        "on branch feature/widgets, which is not a release branch (main): cut runs only on one"
    )


def test_status_reports_files_that_disagree(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["widget_kit/__init__.py"] = '__version__ = "0.8.9"\n'
    project = make_project(files, tags=("v0.9.0",))

    result = project.poetry("release", "status", "--offline")

    assert result.code == 0, result.output
    assert "widget_kit/__init__.py: 0.8.9 (found in the package)  disagrees" in result.stdout
    assert "Next: poetry release prepare" in result.stdout


def interrupt(
    project: ReleaseProject,
    args: list[str],
    ready: Callable[[], bool],
    env: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Ctrl-C a `poetry ARGS` run in the project once `ready()`; its exit code and output."""
    return support.interrupt([POETRY, *args], project.root, {**project.env, **(env or {})}, ready)


def hook(project: ReleaseProject, name: str, marker: Path, seconds: int = 60) -> None:
    path = project.root / ".git" / "hooks" / name
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep {seconds}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_ctrl_c_while_committing_restores_everything(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex, tmp_path: Path
) -> None:
    project = widget_kit(make_project, index)
    github.add_release("v0.9.0")
    marker = tmp_path / "hook-started"
    hook(project, "pre-commit", marker)
    before = project.snapshot()

    code, output = interrupt(project, ["release", "prepare", "patch", "--no-checks"], marker.exists)

    assert code != 0, output
    assert "Interrupted while committing" in output
    assert project.snapshot() == before
    assert not (project.root / ".git" / "index.lock").exists()
    assert status(project, github)["next"] == "verify"  # 0.9.0 again, as before prepare
    (project.root / ".git" / "hooks" / "pre-commit").unlink()
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0


def test_ctrl_c_before_any_write_changes_nothing(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    silent = socket.socket()  # accepts connections, never answers: the index look-up hangs
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    accepted: list[socket.socket] = []  # held open: a closed one would end the look-up
    try:
        files = widget_kit_files()
        files["pyproject.toml"] += (
            f'\n[tool.poetry-release]\nindex-url = "http://127.0.0.1:{silent.getsockname()[1]}/simple/"\n'
        )
        project = make_project(files, tags=("v0.9.0",))
        before = project.snapshot()
        silent.settimeout(0)

        def index_asked() -> bool:
            try:
                accepted.append(silent.accept()[0])  # prepare reached the index look-up and waits
            except BlockingIOError:
                return False
            return True

        code, output = interrupt(
            project, ["release", "prepare", "patch", "--no-checks"], index_asked
        )
    finally:
        for connection in accepted:
            connection.close()
        silent.close()

    assert code != 0, output
    assert "Interrupted" in output
    assert project.snapshot() == before


@pytest.mark.parametrize(
    "stage", ["before the tag", "after the tag, before the push", "after the push"]
)
def test_ctrl_c_during_cut_leaves_a_state_status_describes_and_cut_finishes(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    tmp_path: Path,
    stage: str,
) -> None:
    project = widget_kit(make_project, index)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0
    marker = tmp_path / "reached"
    env = github_environment(github)
    if stage == "before the tag":  # the repository look-up waits until the test lets it go
        github.hold("GET", r"^/repos/acme/widget-kit$")
        ready = lambda: any(r.path == "/repos/acme/widget-kit" for r in github.requests)  # noqa: E731
    elif stage == "after the tag, before the push":
        hook(project, "pre-push", marker)
        ready = marker.exists
    else:  # the release is created (as GitHub would) only after Ctrl-C, unseen by cut
        github.hold("POST", r"/releases$")
        ready = lambda: any(r.method == "POST" for r in github.requests)  # noqa: E731

    code, output = interrupt(project, ["release", "cut"], ready, env)
    github.let_go()

    assert code != 0, output
    assert "Traceback" not in output
    state = status(project, github)
    remote_tags = project.remote_tags().splitlines()
    assert state["tag_local"] == (project.git("tag", "--list", "v0.9.1") == "v0.9.1")
    assert state["tag_remote"] == ("v0.9.1" in remote_tags)
    assert state["next"] == ("verify" if state["github_release"] else "cut")
    if stage == "before the tag":
        assert (state["tag_local"], state["tag_remote"]) == (False, False)
    if stage == "after the tag, before the push":
        assert (state["tag_local"], state["tag_remote"]) == (True, False)
        (project.root / ".git" / "hooks" / "pre-push").unlink()
    if stage == "after the push":
        assert state["tag_remote"] is True

    finished = project.poetry("release", "cut", extra_env=env)

    assert finished.code == 0, finished.output
    assert project.remote_tags().splitlines().count("v0.9.1") == 1
    assert len(github.releases) == 1
    assert status(project, github)["next"] == "verify"
