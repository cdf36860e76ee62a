"""`prepare`'s plan through in-memory adapters: every refusal, and the version commits decide."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGit, Said, project

from poetry_release_plugin.adapters.index import PipIndex
from poetry_release_plugin.adapters.venv import dependency_indexes_from
from poetry_release_plugin.core.simple_api import IndexReader, ProjectPage, describe_file
from poetry_release_plugin.errors import (
    GitError,
    InvalidVersion,
    NothingToRelease,
    PackageIndexError,
    ReleaseError,
    TagExists,
    VersionBelowRelease,
    VersionNotGreater,
    VersionOnIndex,
)
from poetry_release_plugin.workflows.prepare import (
    PrepareAdapters,
    PreparePlan,
    PrepareRequest,
    plan_prepare,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from poetry_release_plugin.core.project import Project

CHANGELOG = """# Changelog

## [Unreleased]

## [1.0.0] - 2026-01-01

- First release.

[unreleased]: https://github.com/acme/widget-kit/compare/v1.0.0...HEAD
[1.0.0]: https://github.com/acme/widget-kit/releases/tag/v1.0.0
"""


class MemoryIndex:
    """An index listing the files it was given; `down` makes it unreachable."""

    url = "https://index.invalid/simple/"

    def __init__(
        self, files: list[str] | None = None, *, down: bool = False, yanked: str | None = None
    ) -> None:
        self.files = files
        self.down = down
        self.yanked = yanked  # every file yanked with this reason ("" none), or None

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        if self.down:
            raise PackageIndexError("The index did not answer (connection failed)", "try later")
        if self.files is None:
            return None
        return ProjectPage(
            [
                describe_file(name, f"https://index.invalid/{name}", None, yanked=self.yanked)
                for name in self.files
            ]
        )


@dataclass
class Repository:
    """A released 1.0.0 (tag v1.0.0, pushed) and the adapters prepare would get."""

    git: MemoryGit = field(default_factory=MemoryGit)
    index: IndexReader | None = field(default_factory=MemoryIndex)
    said: Said = field(default_factory=Said)

    def __post_init__(self) -> None:
        self.git.commit("chore: start")
        self.git.tags["v1.0.0"] = self.git.commit("chore: bump version to 1.0.0")
        self.git.publish()

    def fall_behind(self) -> None:
        """Someone pushed a commit to origin/main that this clone does not have."""
        mine = self.git.head()
        self.git.remote["refs/heads/main"] = self.git.commit("fix: pushed by someone else")
        self.git.head_commit = mine

    def adapters(self) -> PrepareAdapters:
        def no_checks(env: object) -> object:
            raise AssertionError("the plan runs no check")

        return PrepareAdapters(
            git=self.git,
            reporter=self.said,
            index=lambda repository: self.index,
            environment=lambda: None,
            check_runner=no_checks,  # type: ignore[arg-type]
            imported_version=lambda env, package, cwd: pytest.fail("no import in the plan"),
            build_dir=Path("/nowhere/build"),
        )

    def plan(
        self, rule: str | None = "patch", the_project: Project | None = None, **options: bool
    ) -> PreparePlan:
        request = PrepareRequest(rule=rule, run_checks=False, release_date="2026-11-25", **options)  # type: ignore[arg-type]
        return plan_prepare(the_project or project("1.0.0"), request, self.adapters())


def test_the_install_check_is_given_poetrys_sources_and_no_other_check_is() -> None:
    repository = Repository()
    source = PipIndex(
        url="https://reader:Pa55word-of-the-source@deps.invalid/simple/",
        cert="/etc/deps-ca.pem",
        secrets=("Pa55word-of-the-source",),
    )
    adapters = dataclasses.replace(repository.adapters(), dependency_indexes=lambda: [source])
    released = project("1.0.0", release='checks = ["build", "install"]\n')
    request = PrepareRequest(rule="patch", release_date="2026-11-25")

    plan = plan_prepare(released, request, adapters)

    build, install = plan.checks
    assert dependency_indexes_from(install.variables) == [source]
    assert build.variables == {}
    assert "Pa55word" not in repr(plan.checks)


def test_the_plan_writes_every_file_and_changes_nothing_yet() -> None:
    repository = Repository()

    plan = repository.plan("minor", project("1.0.0", changelog=CHANGELOG))

    assert plan.new.text == "1.1.0"
    assert plan.tag == "v1.1.0"
    assert [c.path for c in plan.changes] == [
        "pyproject.toml",
        "widget_kit/_version.py",
        "CHANGELOG.md",
    ]
    assert '__version__ = "1.1.0"' in plan.changes[1].after
    assert "## [1.1.0] - 2026-11-25" in plan.changes[2].after
    assert repository.git.tags == {"v1.0.0": repository.git.tags["v1.0.0"]}


@pytest.mark.parametrize(
    ("messages", "version", "expected"),
    [
        (["fix: a crash"], "1.0.0", "1.0.1"),
        (["fix: a crash", "feat: widgets"], "1.0.0", "1.1.0"),
        (["feat!: drop python 3.9"], "1.0.0", "2.0.0"),
        (["fix: x\n\nBREAKING CHANGE: the API moved"], "1.0.0", "2.0.0"),
        (["feat!: drop python 3.9"], "0.4.0", "0.5.0"),
        (["PERF: faster"], "1.0.0", "1.0.1"),
    ],
)
def test_without_a_rule_the_commits_since_the_last_tag_decide(
    messages: list[str], version: str, expected: str
) -> None:
    repository = Repository()
    repository.git.tags = {f"v{version}": repository.git.head() or ""}
    repository.git.commit("feat!: before the last release, not counted")
    repository.git.tags = {f"v{version}": repository.git.head() or ""}
    for message in messages:
        repository.git.commit(message)

    plan = repository.plan(None, project(version))

    assert plan.new.text == expected


def test_major_on_zero_makes_a_breaking_change_a_major_release() -> None:
    repository = Repository()
    repository.git.tags = {"v0.4.0": repository.git.head() or ""}
    repository.git.remote.pop("refs/tags/v1.0.0")  # this history never released 1.0.0
    repository.git.commit("feat!: drop python 3.9")

    plan = repository.plan(None, project("0.4.0", release="major-on-zero = true\n"))

    assert plan.new.text == "1.0.0"


def test_merges_and_release_commits_alone_are_nothing_to_release() -> None:
    repository = Repository()
    side = repository.git.commit("docs: typo")
    repository.git.commit("Merge branch 'docs'", merge_of=side)
    repository.git.commit("chore: bump version to 1.0.0")

    with pytest.raises(NothingToRelease, match="since v1.0.0"):
        repository.plan(None)


def test_a_generated_changelog_section_holds_only_the_commits_since_the_last_release() -> None:
    repository = Repository()
    repository.git.commit("feat: widgets")
    repository.git.commit("fix: the wobble")

    plan = repository.plan("minor", project("1.0.0", changelog=CHANGELOG))

    section = plan.changes[2].after.split("## [1.1.0]")[1].split("## [1.0.0]")[0]
    assert "widgets" in section
    assert "the wobble" in section
    assert "bump version" not in section
    assert "start" not in section


@pytest.mark.parametrize(
    ("arrange", "error", "message"),
    [
        (
            lambda r: setattr(r.git, "inside_work_tree", False),
            GitError,
            "not inside a git work tree",
        ),
        (lambda r: setattr(r.git, "branch", None), GitError, "HEAD is detached"),
        (lambda r: setattr(r.git, "branch", "wip"), GitError, "not a release branch"),
        (lambda r: r.git.dirty.append("README.md"), GitError, "uncommitted changes"),
        (lambda r: setattr(r.git, "remote_name", "up"), GitError, "remote origin is not config"),
        (lambda r: r.fall_behind(), GitError, "behind origin/main by 1"),
        (lambda r: r.git.tags.update({"v1.0.1": "x"}), TagExists, "v1.0.1 already exists in this"),
        (
            lambda r: r.git.remote.update({"refs/tags/v1.0.1": "x"}),
            TagExists,
            "already exists on the remote origin",
        ),
        (lambda r: r.git.tags.update({"1.0.1": "x"}), TagExists, "1.0.1 already exists in this"),
        (
            lambda r: r.git.remote.update({"refs/tags/widget-kit-v1.0.1": "x"}),
            TagExists,
            "widget-kit-v1.0.1 already exists on the remote origin",
        ),
        (
            lambda r: setattr(r, "index", MemoryIndex(["widget_kit-1.0.1.tar.gz"])),
            VersionOnIndex,
            "widget-kit 1.0.1 is already on the index",
        ),
    ],
)
def test_prepare_refuses_a_repository_or_version_that_cannot_be_released(
    arrange: Callable[[Repository], object], error: type[ReleaseError], message: str
) -> None:
    repository = Repository()
    arrange(repository)

    with pytest.raises(error, match=message):
        repository.plan("patch")


def test_allow_dirty_and_offline_lift_their_refusals() -> None:
    repository = Repository()
    repository.git.dirty.append("README.md")
    repository.git.remote_name = "up"

    plan = repository.plan("patch", allow_dirty=True, offline=True)

    assert plan.new.text == "1.0.1"
    assert repository.git.fetches == 0


@pytest.mark.parametrize(
    ("rule", "error"),
    [("1.0.0", VersionNotGreater), ("0.9.0", VersionNotGreater), ("1.x", InvalidVersion)],
)
def test_a_version_that_does_not_move_forward_is_refused(
    rule: str, error: type[ReleaseError]
) -> None:
    with pytest.raises(error):
        Repository().plan(rule)


def test_an_index_that_cannot_answer_is_a_warning_not_a_refusal() -> None:
    repository = Repository()
    repository.index = MemoryIndex(down=True)

    plan = repository.plan("patch")

    assert plan.new.text == "1.0.1"
    assert any("did not answer" in warning for warning in repository.said.warnings)


@pytest.mark.parametrize(
    ("reason", "said"),
    [("broken wheel", "1.0.1 was yanked (broken wheel)"), ("", "1.0.1 was yanked")],
)
def test_a_yanked_version_is_never_proposed_again(reason: str, said: str) -> None:
    repository = Repository()
    repository.index = MemoryIndex(
        ["widget_kit-1.0.1.tar.gz", "widget_kit-1.0.2.tar.gz"], yanked=reason
    )

    plan = repository.plan("patch")

    assert plan.new.text == "1.0.3"  # past the yanked 1.0.1, and 1.0.2 the index has too
    assert f"{said} on the index, which never takes it again: preparing 1.0.3" in (
        repository.said.warnings
    )


@pytest.mark.parametrize(
    ("reason", "said"), [("broken wheel", "yanked (broken wheel)"), ("", "yanked: a yanked")]
)
def test_a_yanked_version_given_by_hand_is_refused(reason: str, said: str) -> None:
    repository = Repository()
    repository.index = MemoryIndex(
        ["widget_kit-1.0.1.tar.gz", "widget_kit-1.0.2.tar.gz"], yanked=reason
    )

    with pytest.raises(VersionOnIndex) as refused:
        repository.plan("1.0.1")

    assert f"widget-kit 1.0.1 is already on the index https://index.invalid/simple/, {said}" in (
        refused.value.what
    )
    assert "stays on the index and is never taken again" in refused.value.what
    assert refused.value.fix.endswith("choose a higher version: poetry release prepare 1.0.3")
    assert refused.value.yanked == ([reason] if reason else [])


def test_a_project_never_published_is_fine() -> None:
    repository = Repository()
    repository.index = MemoryIndex(None)

    assert repository.plan("patch").new.text == "1.0.1"


def test_a_new_version_below_the_newest_release_tag_is_refused_naming_it() -> None:
    repository = Repository()
    repository.git.tags["v1.5.0"] = repository.git.commit("chore: bump version to 1.5.0")
    repository.git.commit("chore: set the version back to 1.0.0")

    with pytest.raises(VersionBelowRelease, match=r"1.0.1 is not above v1.5.0") as refused:
        repository.plan("patch")
    assert "prepare X.Y.Z" in refused.value.fix
    assert repository.plan("1.6.0").new.text == "1.6.0"


def test_a_higher_tag_of_another_line_is_not_the_last_release_of_this_one() -> None:
    repository = Repository()  # v1.0.0 on this line
    on_this_line = repository.git.head() or ""
    repository.git.commit("feat!: the 2.x line")
    repository.git.tags["v2.0.0"] = repository.git.head() or ""
    repository.git.head_commit = on_this_line  # back on the 1.x maintenance line
    repository.git.commit("fix: a backported fix")

    plan = repository.plan(None, project("1.0.0", changelog=CHANGELOG))

    assert plan.new.text == "1.0.1"  # the feat! of the 2.x line does not count here
    assert "a backported fix" in plan.changes[-1].after
    assert "the 2.x line" not in plan.changes[-1].after


def test_the_highest_tag_in_heads_history_is_the_last_release() -> None:
    repository = Repository()
    repository.git.commit("feat: widgets")
    repository.git.tags["v1.1.0"] = repository.git.head() or ""
    repository.git.commit("fix: after 1.1.0")

    plan = repository.plan(None, project("1.1.0", changelog=CHANGELOG))

    assert plan.new.text == "1.1.1"
    assert "after 1.1.0" in plan.changes[-1].after
    assert "widgets" not in plan.changes[-1].after.split("## [1.1.1]")[1].split("## [")[0]
