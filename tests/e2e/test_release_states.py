"""`status` and `cut` agree on every state a release can be in: when status says `cut`, cut
has work to do; otherwise cut refuses or finds everything done. Never a circle."""

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


def tag_pushed_by_hand(r: Release) -> None:
    """The fixture's v0.9.0, pushed, with no GitHub release."""


def prepared(r: Release) -> None:
    r.prepare()


def prepared_then_a_commit(r: Release) -> None:
    r.prepare()
    r.commit("docs: after the release commit")


def tagged_locally(r: Release) -> None:
    r.prepare()
    r.cut("--no-push", "--no-github-release")


def pushed_without_github_release(r: Release) -> None:
    r.prepare()
    r.cut("--no-github-release")


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


def out_then_docs_only(r: Release) -> None:
    out(r)
    r.commit("docs: a typo")


def unpushed_tag_then_a_feature(r: Release) -> None:
    tagged_locally(r)
    r.commit("feat: more widgets")


# state -> (what status says next, what `cut --dry-run` does: "refuses", or its steps' results)
STATES: dict[Callable[[Release], None], tuple[str, str | tuple[str, ...]]] = {
    files_disagree: ("prepare", "refuses"),
    tag_pushed_by_hand: ("cut", ("already done", "already done", "would run")),
    prepared: ("cut", ("would run", "would run", "would run")),
    prepared_then_a_commit: ("prepare", "refuses"),
    tagged_locally: ("cut", ("already done", "would run", "would run")),
    pushed_without_github_release: ("cut", ("already done", "already done", "would run")),
    draft_release: ("cut", ("already done", "already done", "would run")),
    released_not_on_index: ("verify", ("already done", "already done", "already done")),
    out: ("done", ("already done", "already done", "already done")),
    out_then_a_feature: ("prepare", "refuses"),
    out_then_docs_only: ("done", "refuses"),
    unpushed_tag_then_a_feature: ("prepare", "refuses"),
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
