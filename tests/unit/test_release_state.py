"""One table for every state a release can be in: the facts are gathered once (in-memory git,
GitHub and index), and status's next step, cut's refusal and prepare's version are all decided
from that one value. When status says `cut`, cut would run; when it says `prepare`, prepare
makes a version; never a circle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGit, MemoryGitHub, project, pyproject

from poetry_release_plugin.adapters.github import GitHubRelease
from poetry_release_plugin.core.release_state import (
    ReleaseFacts,
    TagPlace,
    closed_release_problem,
    cut_refusal,
    next_step,
    prepare_version,
    project_status_refusal,
    project_status_warning,
    tags_of_version,
)
from poetry_release_plugin.core.simple_api import ProjectPage, ProjectStatus, describe_file
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import RejectedByIndex, ReleaseError
from poetry_release_plugin.workflows.facts import FactSources, gather_facts

if TYPE_CHECKING:
    from collections.abc import Callable


class Index:
    """The package index, listing the files uploaded to it."""

    url = "https://index.invalid/simple/"

    def __init__(self) -> None:
        self.files: list[str] = []
        self.status = ProjectStatus()
        self.yanked: str | None = None
        self.uploaded: datetime | None = None

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage:
        files = [
            describe_file(
                name, f"{self.url}{name}", None, yanked=self.yanked, upload_time=self.uploaded
            )
            for name in self.files
        ]
        return ProjectPage(files, self.status)


@dataclass
class World:
    """widget-kit 0.9.0 released (v0.9.0 pushed, on GitHub and the index), then what a
    row does to it."""

    git: MemoryGit = field(default_factory=MemoryGit)
    github: MemoryGitHub = field(default_factory=MemoryGitHub)
    index: Index = field(default_factory=Index)
    version: str = "0.9.0"

    def __post_init__(self) -> None:
        self.git.commit("chore: start", pyproject=pyproject("0.1.0"))
        self.git.commit("fix: a crash")
        self.git.tags["v0.9.0"] = self.git.commit(
            "chore: bump version to 0.9.0", pyproject=pyproject("0.9.0")
        )
        self.git.publish()
        self.release()
        self.upload()

    def prepare(self, version: str = "0.9.1", message: str = "chore: bump version to {v}") -> None:
        self.version = version
        self.git.commit(message.format(v=version), pyproject=pyproject(version))

    def tag(self, name: str = "") -> None:
        self.git.tags[name or f"v{self.version}"] = self.git.head() or ""

    def release(self, *, draft: bool = False) -> None:
        tag = f"v{self.version}"
        url = f"https://github.com/acme/widget-kit/releases/tag/{tag}"
        self.github.releases.append(
            GitHubRelease(len(self.github.releases) + 1, tag, tag, draft, False, url, "notes")
        )

    def upload(self) -> None:
        self.index.files += [f"widget_kit-{self.version}.tar.gz"]

    def facts(self) -> ReleaseFacts:
        sources = FactSources(
            self.git,
            remote="origin",
            github=lambda: self.github,
            index=lambda: self.index,
        )
        return gather_facts(project(self.version), sources)


def prepared(w: World) -> None:
    w.git.commit("fix: another crash")
    w.prepare()


def prepared_then_docs(w: World) -> None:
    prepared(w)
    w.git.commit("docs: a typo after the release commit")


def prepared_then_a_feature(w: World) -> None:
    prepared(w)
    w.git.commit("feat: more widgets")


def set_by_hand_then_a_fix(w: World) -> None:
    w.prepare(message="set the version to {v} by hand")  # not a release commit
    w.git.commit("fix: a leak")


def tagged_locally(w: World) -> None:
    prepared(w)
    w.tag()


def pushed_without_github_release(w: World) -> None:
    tagged_locally(w)
    w.git.publish()


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


def released_under_another_spelling(w: World) -> None:
    w.git.commit("feat!: a new engine")
    w.prepare("1.0.0rc1")
    w.tag("v1.0.0-rc.1")  # tagged by hand, spelled as semver spells it
    w.git.publish()


def tagged_on_a_bump_commit_off_the_branch(w: World) -> None:
    w.git.commit("fix: a crash")
    w.prepare("0.9.1", message="chore: {v} on develop")
    branch = w.git.head() or ""
    w.git.tags["v0.9.1"] = w.git.commit("chore: version bump", touching=("poetry.lock",))
    w.git.head_commit = branch  # the bump commit is never merged back
    w.git.commit("fix: another crash")
    w.git.publish()


def below_a_release_in_its_history(w: World) -> None:
    w.git.commit("feat: more widgets")
    w.prepare("0.10.0")
    w.tag()
    w.prepare("0.9.5", message="chore: set the version back to {v}")


REFUSES, RUNS = "refuses", "runs"
# state -> (status's next, cut, prepare with no rule: the version, or the start of its refusal)
STATES: dict[Callable[[World], None], tuple[str, str, str]] = {
    prepared: ("cut", RUNS, "0.9.1 is prepared at"),
    prepared_then_docs: ("prepare", REFUSES, "0.9.1"),  # prepared again, never skipped
    prepared_then_a_feature: ("prepare", REFUSES, "0.10.0"),  # what came since calls for more
    set_by_hand_then_a_fix: ("prepare", REFUSES, "0.9.2"),  # a hand edit is just the version
    tagged_locally: ("cut", RUNS, "Nothing to release since v0.9.1"),
    pushed_without_github_release: ("cut", RUNS, "Nothing to release since v0.9.1"),
    draft_release: ("cut", RUNS, "Nothing to release since v0.9.1"),
    released_not_on_index: ("verify", RUNS, "Nothing to release since v0.9.1"),
    out: ("done", RUNS, "Nothing to release since v0.9.1"),
    out_then_a_feature: ("prepare", REFUSES, "0.10.0"),
    out_then_docs_only: ("done", REFUSES, "Nothing to release since v0.9.1"),
    unpushed_tag_then_a_feature: ("prepare", REFUSES, "0.10.0"),
    released_under_another_spelling: ("verify", REFUSES, "Nothing to release since v1.0.0-rc.1"),
    tagged_on_a_bump_commit_off_the_branch: ("prepare", REFUSES, "0.9.2"),
    below_a_release_in_its_history: ("prepare", REFUSES, "Tag v0.10.0 already exists"),
}


@pytest.mark.parametrize("state", list(STATES), ids=lambda state: state.__name__)
def test_status_cut_and_prepare_decide_from_the_same_facts(state: Callable[[World], None]) -> None:
    world = World()
    state(world)
    facts = world.facts()

    refusal = cut_refusal(facts, push=True, github=True)
    try:
        decided = prepare_version(facts, name="widget-kit", tag_format="v{version}", rule=None)
        prepares = decided.version.text
    except ReleaseError as error:
        prepares = str(error)

    expected_next, expected_cut, expected_prepare = STATES[state]
    assert next_step(facts) == expected_next
    assert (REFUSES if refusal else RUNS) == expected_cut, refusal
    assert prepares.startswith(expected_prepare)
    if expected_next == "cut":  # never a circle: status sends to cut only where cut runs
        assert refusal is None
    if expected_next == "prepare":
        assert prepares[0].isdigit() or "already exists" in prepares  # a version, or the reason


def test_the_last_release_tagged_off_the_branch_is_found_by_version() -> None:
    world = World()
    tagged_on_a_bump_commit_off_the_branch(world)

    facts = world.facts()

    assert facts.last_release is not None
    assert (facts.last_release.name, facts.last_release.place) == (
        "v0.9.1",
        TagPlace.BUMP_COMMIT,
    )
    assert [c.subject for c in facts.changes_since] == ["fix: another crash"]


def test_a_tag_of_another_line_above_the_last_release_is_passed_over_and_said() -> None:
    world = World()
    fork = world.git.head() or ""
    world.git.commit("fix: backport")  # a maintenance line forked at v0.9.0
    world.git.tags["v0.9.1"] = world.git.commit("release 0.9.1", pyproject=pyproject("0.9.1"))
    world.git.head_commit = fork
    world.git.commit("feat: more widgets")
    world.prepare("0.10.0")

    facts = world.facts()

    assert facts.last_release is not None
    assert facts.last_release.name == "v0.9.0"
    assert [t.name for t in facts.passed_over] == ["v0.9.1"]
    assert any("v0.9.1 is on another line" in note for note in facts.notes)


def release_branch(world: World, *, then: str) -> None:
    """0.10.0 released from a release branch forked after v0.9.0, squash-merged back (its
    tag is not in the branch's history), then the branch goes on with `then`."""
    world.git.commit("feat: more widgets")
    fork = world.git.head() or ""
    world.git.commit("fix: on the release branch")
    world.git.tags["v0.10.0"] = world.git.commit("release 0.10.0", pyproject=pyproject("0.10.0"))
    world.git.head_commit = fork
    world.git.commit("Release 0.10.0 (#12)", pyproject=pyproject("0.10.0"))
    world.version = "0.10.0"
    if then:
        world.prepare(then)


def test_a_tag_off_the_branch_marking_the_version_its_files_hold_is_its_last_release() -> None:
    world = World()
    release_branch(world, then="")
    world.git.commit("fix: after the release")

    facts = world.facts()

    assert facts.last_release is not None
    assert (facts.last_release.name, facts.last_release.place) == ("v0.10.0", TagPlace.SAME_VERSION)
    assert next(c.subject for c in facts.changes_since) == "fix: after the release"
    assert "fix: on the release branch" not in [c.subject for c in facts.changes_since]


def test_a_release_branch_forked_after_the_last_release_owns_its_tag() -> None:
    world = World()
    release_branch(world, then="0.10.1")

    facts = world.facts()

    assert facts.last_release is not None
    assert (facts.last_release.name, facts.last_release.place) == ("v0.10.0", TagPlace.FORKED_AFTER)


@pytest.mark.parametrize(
    ("tag", "version", "released"),
    [
        ("v2.0.0-rc.1", "2.0.0rc1", True),
        ("v2.0.0rc1", "2.0.0rc1", True),
        ("2.0.0rc1", "2.0.0rc1", True),
        ("2.0.0-rc1", "2.0.0rc1", True),
        ("v1.0", "1.0.0", True),
        ("1.0", "1.0.0", True),
        ("widget-kit-v1.0.0", "1.0.0", True),
        ("widget_kit-1.0.0", "1.0.0", True),
        ("v1.0.1", "1.0.0", False),
        ("v2.0.0", "2.0.0rc1", False),
        ("other-v1.0.0", "1.0.0", False),
    ],
)
def test_one_version_in_any_spelling_is_one_release(tag: str, version: str, released: bool) -> None:
    found = tags_of_version({tag: "abc"}, "v{version}", "widget-kit", parse_version(version))

    assert bool(found) == released


def test_a_hotfix_tagged_on_top_of_a_release_is_another_line_not_a_bump_commit() -> None:
    world = World()
    released = world.git.head() or ""
    world.git.commit("fix: a crash on the hotfix line")  # forked at the v0.9.0 commit
    world.git.tags["v0.9.1"] = world.git.head() or ""
    world.git.head_commit = released
    world.prepare("0.10.0.dev0", message="Start 0.10 development")
    world.git.commit("fix: main's own fix")

    facts = world.facts()

    assert facts.last_release is not None
    assert facts.last_release.name == "v0.9.0"
    assert [t.name for t in facts.passed_over] == ["v0.9.1"]
    assert [c.subject for c in facts.changes_since] == [
        "fix: main's own fix",
        "Start 0.10 development",
    ]


@pytest.mark.parametrize("tag", ["20240101", "v1", "2"])
def test_a_date_build_number_or_floating_major_tag_marks_no_release(tag: str) -> None:
    world = World()
    world.git.tags[tag] = world.git.commit("fix: after the release")

    facts = world.facts()

    assert facts.higher_in_history is None
    assert next_step(facts) == "prepare"


def test_an_archived_project_blocks_the_cut_status_sends_to_and_cut_refuses_it() -> None:
    world = World()
    prepared(world)
    world.index.status = ProjectStatus("archived", "moved to widget-kit2")

    facts = world.facts()

    assert facts.next == "cut"
    assert facts.blocked == (
        "the project is archived (moved to widget-kit2) on the index, which takes no new "
        "files: cut refuses"
    )
    assert facts.unblock == "unarchive the project on the index"
    refusal = project_status_refusal(facts, "widget-kit")
    assert refusal is not None
    assert "widget-kit is archived (moved to widget-kit2) on the index" in refusal.what
    assert project_status_warning(facts, "widget-kit") is None


@pytest.mark.parametrize("marker", ["active", "deprecated"])
def test_a_project_the_index_still_takes_files_for_is_not_refused(marker: str) -> None:
    world = World()
    prepared(world)
    world.index.status = ProjectStatus(marker)

    facts = world.facts()

    assert facts.blocked is None
    assert project_status_refusal(facts, "widget-kit") is None
    warning = project_status_warning(facts, "widget-kit")
    assert (warning is not None) == (marker == "deprecated")


def test_a_yanked_version_is_on_the_index_and_said_to_be_yanked() -> None:
    world = World()
    world.index.yanked = "a broken build"

    facts = world.facts()

    assert facts.on_index is True
    assert facts.yanked == ["a broken build"]
    assert facts.project_status == ProjectStatus()


def test_a_release_closed_to_new_files_is_refused_for_pypi_and_said_to_another_index() -> None:
    world = World()
    world.index.uploaded = datetime(2026, 11, 1, tzinfo=timezone.utc)
    facts = world.facts()
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    adding = ["widget_kit-0.9.0-py3-none-any.whl", "widget_kit-0.9.0.tar.gz"]

    refused = closed_release_problem(facts, "widget-kit", adding, now, refuses=True)
    said = closed_release_problem(facts, "widget-kit", adding, now, refuses=False)

    assert isinstance(refused, RejectedByIndex)
    assert "widget-kit 0.9.0 has been on the index since 2026-11-01" in refused.what
    assert "before uploading widget_kit-0.9.0-py3-none-any.whl" in refused.what
    assert isinstance(said, str)
    assert said.endswith("this index may take them: the upload goes ahead")
    assert closed_release_problem(facts, "widget-kit", adding[1:], now, refuses=True) is None
