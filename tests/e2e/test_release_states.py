"""`status` and `cut` agree with the real tools: when status says `cut`, cut has work to do;
otherwise cut refuses or finds everything done. Never a circle.

Every state is decided in tests/unit/test_release_states_workflows.py through in-memory
adapters; here a few of them run end to end (real poetry, git, GitHub stand-in, index), the
one that only the command itself can refuse (files that disagree) among them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject


class Release:
    """widget-kit 0.9.0 (tagged v0.9.0, pushed) with a GitHub stand-in and a local index."""

    def __init__(self, project: ReleaseProject, github: GitHubStandIn, index: LocalIndex) -> None:
        self.project = project
        self.github = github
        self.index = index

    def poetry(self, *args: str) -> None:
        result = self.project.poetry(*args, extra_env=github_environment(self.github))
        assert result.code == 0, result.output

    def prepare(self) -> None:
        self.poetry("release", "prepare", "patch", "--offline", "--no-checks")

    def cut(self, *args: str) -> None:
        self.poetry("release", "cut", *args)

    def upload(self) -> None:
        for name in ("widget_kit-0.9.1.tar.gz", "widget_kit-0.9.1-py3-none-any.whl"):
            (self.index.packages / name).write_bytes(b"stand-in file")

    def commit(self, message: str) -> None:
        self.project.write("widget_kit/more.py", f"# {message}\n")
        self.project.commit_all(message)


def files_disagree(r: Release) -> None:
    r.project.write("widget_kit/__init__.py", '__version__ = "0.9.5"\n')
    r.project.commit_all("fix: a version typed by hand")


def prepared(r: Release) -> None:
    r.prepare()


def draft_release(r: Release) -> None:
    r.prepare()
    r.cut("--draft")


def released_not_on_index(r: Release) -> None:
    r.prepare()
    r.cut()


def out(r: Release) -> None:
    released_not_on_index(r)
    r.upload()


def out_then_a_feature(r: Release) -> None:
    out(r)
    r.commit("feat: more widgets")


# state -> (what status says next, what `cut --dry-run` does: "refuses", or its steps' results)
STATES: dict[Callable[[Release], None], tuple[str, str | tuple[str, ...]]] = {
    files_disagree: ("prepare", "refuses"),
    prepared: ("cut", ("would run", "would run", "would run")),
    draft_release: ("cut", ("already done", "already done", "would run")),
    out: ("done", ("already done", "already done", "already done")),
    out_then_a_feature: ("prepare", "refuses"),
}


@pytest.mark.parametrize("state", list(STATES), ids=lambda state: state.__name__)
def test_status_and_cut_agree(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    state: Callable[[Release], None],
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    release = Release(make_project(files, tags=("v0.9.0",)), github, index)
    state(release)
    env = github_environment(github)

    status = release.project.poetry("release", "status", "--json", extra_env=env)
    cut = release.project.poetry("release", "cut", "--dry-run", "--json", extra_env=env)

    assert status.code == 0, status.output
    expected_next, expected_cut = STATES[state]
    if expected_cut == "refuses":
        assert cut.code == 1, cut.output
        assert "Traceback" not in cut.output
        outcome: str | tuple[str, ...] = "refuses"
    else:
        assert cut.code == 0, cut.output
        outcome = tuple(step["result"] for step in cut.json()["steps"])
    assert (status.json()["next"], outcome) == (expected_next, expected_cut)
    assert (status.json()["next"] == "cut") == ("would run" in outcome)  # no circle
    assert github.violations == []
