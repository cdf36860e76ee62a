"""`status` and `cut` agree on every state a release can be in, decided through in-memory
adapters (tests/e2e/test_release_states.py drives a few of the same states with the real tools).

When status says `cut`, cut has work to do; otherwise cut refuses or finds everything done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGit, MemoryGitHub, Said, project, pyproject

from poetry_release_plugin.adapters.github import GitHubRelease
from poetry_release_plugin.core.simple_api import IndexFile, describe_file
from poetry_release_plugin.errors import ReleaseError
from poetry_release_plugin.workflows.cut import CutAdapters, CutRequest, plan_cut, run_cut
from poetry_release_plugin.workflows.status import StatusAdapters, release_status

if TYPE_CHECKING:
    from collections.abc import Callable


class Index:
    """The package index, listing the files uploaded to it."""

    url = "https://index.invalid/simple/"

    def __init__(self) -> None:
        self.files: list[str] = []

    def project_files(self, project: str, *, seconds: float | None = None) -> list[IndexFile]:
        return [describe_file(name, f"{self.url}{name}", None) for name in self.files]


@dataclass
class World:
    """widget-kit 0.9.0 released (v0.9.0 pushed, on GitHub and the index), then what a test
    does to it."""

    git: MemoryGit = field(default_factory=MemoryGit)
    github: MemoryGitHub = field(default_factory=MemoryGitHub)
    index: Index = field(default_factory=Index)
    version: str = "0.9.0"

    def __post_init__(self) -> None:
        self.git.commit("chore: start", pyproject=pyproject("0.1.0"))
        self.git.tags["v0.9.0"] = self.git.commit(
            "chore: bump version to 0.9.0", pyproject=pyproject("0.9.0")
        )
        self.git.publish()
        self.release()
        self.upload()

    def prepare(self) -> None:
        self.version = "0.9.1"
        self.git.commit("chore: bump version to 0.9.1", pyproject=pyproject("0.9.1"))

    def tag(self) -> None:
        self.git.tags[f"v{self.version}"] = self.git.head() or ""

    def push(self) -> None:
        self.git.publish()

    def release(self, *, draft: bool = False) -> None:
        tag = f"v{self.version}"
        url = f"https://github.com/acme/widget-kit/releases/tag/{tag}"
        self.github.releases.append(
            GitHubRelease(len(self.github.releases) + 1, tag, tag, draft, False, url, "notes")
        )

    def upload(self) -> None:
        self.index.files += [f"widget_kit-{self.version}.tar.gz"]
        self.index.files += [f"widget_kit-{self.version}-py3-none-any.whl"]

    def next_by_status(self) -> str:
        adapters = StatusAdapters(
            git=self.git, github=lambda: self.github, index=lambda: self.index
        )
        return release_status(project(self.version), adapters, offline=False).next

    def cut_dry_run(self) -> str | tuple[str, ...]:
        adapters = CutAdapters(
            git=self.git,
            reporter=Said(),
            github=lambda: self.github,
            notes=lambda: "notes",
            publishing=lambda: pytest.fail("no publishing without --publish"),
            index=lambda: self.index,
        )
        request = CutRequest(dry_run=True)
        try:
            plan = plan_cut(project(self.version), request, adapters)
        except ReleaseError:
            return "refuses"
        return tuple(report.result.value for report in run_cut(plan, request, adapters))


def prepared(w: World) -> None:
    w.prepare()


def prepared_then_a_commit(w: World) -> None:
    w.prepare()
    w.git.commit("docs: after the release commit")


def tagged_locally(w: World) -> None:
    w.prepare()
    w.tag()


def pushed_without_github_release(w: World) -> None:
    tagged_locally(w)
    w.push()


def draft_release(w: World) -> None:
    pushed_without_github_release(w)
    w.release(draft=True)


def released_not_on_index(w: World) -> None:
    pushed_without_github_release(w)
    w.release()


def out(w: World) -> None:
    released_not_on_index(w)
    w.upload()


def out_then_a_feature(w: World) -> None:
    out(w)
    w.git.commit("feat: more widgets")


def out_then_docs_only(w: World) -> None:
    out(w)
    w.git.commit("docs: a typo")


def unpushed_tag_then_a_feature(w: World) -> None:
    tagged_locally(w)
    w.git.commit("feat: more widgets")


WOULD, DONE = "would run", "already done"
# state -> (what status says next, what `cut --dry-run` does: "refuses", or its steps' results)
STATES: dict[Callable[[World], None], tuple[str, str | tuple[str, ...]]] = {
    prepared: ("cut", (WOULD, WOULD, WOULD)),
    prepared_then_a_commit: ("prepare", "refuses"),
    tagged_locally: ("cut", (DONE, WOULD, WOULD)),
    pushed_without_github_release: ("cut", (DONE, DONE, WOULD)),
    draft_release: ("cut", (DONE, DONE, WOULD)),
    released_not_on_index: ("verify", (DONE, DONE, DONE)),
    out: ("done", (DONE, DONE, DONE)),
    out_then_a_feature: ("prepare", "refuses"),
    out_then_docs_only: ("done", "refuses"),
    unpushed_tag_then_a_feature: ("prepare", "refuses"),
}


@pytest.mark.parametrize("state", list(STATES), ids=lambda state: state.__name__)
def test_status_and_cut_agree(state: Callable[[World], None]) -> None:
    world = World()
    state(world)

    outcome = world.cut_dry_run()

    assert (world.next_by_status(), outcome) == STATES[state]
    assert (world.next_by_status() == "cut") == (WOULD in outcome)  # never a circle
