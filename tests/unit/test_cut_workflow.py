"""`cut`'s decisions through in-memory adapters: every refusal, every branch of its resume logic."""

from __future__ import annotations

import dataclasses
import tarfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGit, MemoryGitHub, Said, project, pyproject

from poetry_release_plugin.adapters.github import GitHubRelease
from poetry_release_plugin.core.simple_api import ProjectPage, ProjectStatus, describe_file
from poetry_release_plugin.errors import (
    AlreadyReleased,
    GitError,
    GitHubError,
    NotReleaseCommit,
    PublishError,
    RejectedByIndex,
    ReleaseError,
    VersionBelowRelease,
)
from poetry_release_plugin.workflows.cut import (
    CutAdapters,
    CutRequest,
    StepResult,
    Upload,
    plan_cut,
    run_cut,
)

if TYPE_CHECKING:
    from pathlib import Path

NOTES = "### New Features\n\n- widgets (abc1234)\n"
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
WHEEL, SDIST = "widget_kit-1.1.0-py3-none-any.whl", "widget_kit-1.1.0.tar.gz"


@dataclass
class StaticIndex:
    """An index answering one project page."""

    page: ProjectPage
    url: str = "https://index.invalid/simple/"

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        return self.page

    @classmethod
    def listing(
        cls, *names: str, uploaded: datetime | None = None, status: str = "active"
    ) -> StaticIndex:
        files = [
            describe_file(n, f"https://index.invalid/{n}", None, upload_time=uploaded)
            for n in names
        ]
        return cls(ProjectPage(files, ProjectStatus(status, "no longer maintained")))


@dataclass
class Publishing:
    """Poetry's publisher as cut sees it: a credentials check and an upload."""

    present: list[str] = field(default_factory=list)
    refuse: str | None = None
    uploads: int = 0
    files: list[Path] = field(default_factory=list)  # what the build made, and the release carries
    closed: int = 0

    def check(self) -> None:
        if self.refuse:
            raise PublishError(self.refuse, "fix the credentials")

    def built(self) -> list[Path]:
        return self.files

    def close(self) -> None:
        self.closed += 1

    def attachable(self) -> list[Path]:
        return list(self.files)

    def publish(self) -> Upload:
        self.uploads += 1
        files = ["widget_kit-1.1.0-py3-none-any.whl", "widget_kit-1.1.0.tar.gz"]
        return Upload([f for f in files if f not in self.present], list(self.present))


@dataclass
class Release:
    """A repository where `prepare` made 1.1.0 (v1.0.0 released before), and its adapters."""

    git: MemoryGit = field(default_factory=MemoryGit)
    github: MemoryGitHub = field(default_factory=MemoryGitHub)
    publishing: Publishing = field(default_factory=Publishing)
    said: Said = field(default_factory=Said)
    index: StaticIndex | None = None

    def __post_init__(self) -> None:
        self.git.commit("chore: start")
        self.git.tags["v1.0.0"] = self.git.commit("chore: bump version to 1.0.0")
        self.git.commit("feat: widgets")
        self.release_commit = self.git.commit("chore: bump version to 1.1.0")
        self.git.publish()

    def adapters(self) -> CutAdapters:
        return CutAdapters(
            git=self.git,
            reporter=self.said,
            github=lambda: self.github,
            notes=lambda: NOTES,
            publishing=lambda: self.publishing,
            index=lambda: self.index,
            clock=lambda: NOW,
        )

    def cut(self, settings: str = "", **options: bool) -> dict[str, StepResult]:
        request = CutRequest(**options)  # type: ignore[arg-type]
        adapters = self.adapters()
        plan = plan_cut(project("1.1.0", release=settings), request, adapters)
        return {report.name: report.result for report in run_cut(plan, request, adapters)}


def test_a_prepared_release_is_tagged_pushed_and_released_on_its_commit() -> None:
    release = Release()

    steps = release.cut()

    assert steps == {
        "tag": StepResult.DONE,
        "push": StepResult.DONE,
        "github release": StepResult.DONE,
    }
    assert release.git.remote["refs/tags/v1.1.0"] == release.release_commit
    assert release.git.remote["refs/heads/main"] == release.release_commit
    assert release.github.created == [
        {
            "tag": "v1.1.0",
            "commit": release.release_commit,
            "title": "Release v1.1.0",
            "draft": False,
        }
    ]
    assert release.github.releases[0].body == NOTES


def test_cut_twice_makes_nothing_new() -> None:
    release = Release()
    release.cut()

    steps = release.cut()

    assert set(steps.values()) == {StepResult.ALREADY_DONE}
    assert len(release.github.releases) == 1


def test_a_cut_stopped_after_the_tag_pushes_and_releases_the_same_tag() -> None:
    release = Release()
    release.git.tags["v1.1.0"] = release.release_commit  # the tag step ran, then Ctrl-C

    steps = release.cut()

    assert steps["tag"] is StepResult.ALREADY_DONE
    assert steps["push"] is StepResult.DONE
    assert steps["github release"] is StepResult.DONE


def test_a_cut_stopped_after_the_push_creates_only_the_release() -> None:
    release = Release()
    release.git.tags["v1.1.0"] = release.release_commit
    release.git.publish()

    steps = release.cut()

    assert steps == {
        "tag": StepResult.ALREADY_DONE,
        "push": StepResult.ALREADY_DONE,
        "github release": StepResult.DONE,
    }


def test_a_draft_left_by_an_earlier_cut_is_published_not_duplicated() -> None:
    release = Release()
    release.cut(draft=True)
    assert release.github.releases[0].draft

    steps = release.cut()

    assert steps["github release"] is StepResult.DONE
    assert len(release.github.releases) == 1
    assert not release.github.releases[0].draft


def test_an_existing_release_with_other_notes_is_reported_not_rewritten() -> None:
    release = Release()
    release.git.tags["v1.1.0"] = release.release_commit
    release.git.publish()
    release.github.releases.append(
        GitHubRelease(
            7, "v1.1.0", "Release v1.1.0", False, False, "https://x/7", "No notable changes."
        )
    )

    steps = release.cut()

    assert steps["github release"] is StepResult.ALREADY_DONE
    assert release.github.releases[0].body == "No notable changes."
    assert any("--update" in line for line in release.said.infos)


def test_publish_uploads_before_the_draft_release_is_published() -> None:
    release = Release()

    steps = release.cut(publish=True)

    assert list(steps) == [
        "tag",
        "push",
        "github release",
        "publish",
        "assets",
        "release published",
    ]
    assert release.github.created[0]["draft"] is True
    assert release.publishing.uploads == 1
    assert not release.github.releases[0].draft


def test_files_the_index_has_already_are_reported_as_skipped() -> None:
    release = Release()
    release.publishing.present = ["widget_kit-1.1.0-py3-none-any.whl", "widget_kit-1.1.0.tar.gz"]

    steps = release.cut(publish=True)

    assert steps["publish"] is StepResult.SKIPPED


def test_rejected_upload_credentials_stop_cut_before_the_tag() -> None:
    release = Release()
    release.publishing.refuse = "The index refused the credentials for repository pypi"

    with pytest.raises(PublishError, match="refused the credentials"):
        release.cut(publish=True)

    assert "v1.1.0" not in release.git.tags
    assert release.github.releases == []


def test_a_rejected_github_token_stops_cut_before_the_tag() -> None:
    release = Release()
    release.github.refuse = "GitHub rejected the token from GITHUB_TOKEN"

    with pytest.raises(GitHubError):
        release.cut()

    assert release.git.tags == {"v1.0.0": release.git.tags["v1.0.0"]}


def test_no_push_tags_only_and_creates_no_github_release() -> None:
    release = Release()

    steps = release.cut(push=False)

    assert steps == {"tag": StepResult.DONE}
    assert "refs/tags/v1.1.0" not in release.git.remote
    assert release.github.releases == []


def test_dry_run_plans_every_step_and_changes_nothing() -> None:
    release = Release()

    steps = release.cut(dry_run=True, publish=True)

    assert set(steps.values()) == {StepResult.PLANNED}
    assert "v1.1.0" not in release.git.tags
    assert release.github.releases == []
    assert release.publishing.uploads == 0


def test_a_push_the_remote_refuses_removes_the_tag_this_run_made() -> None:
    release = Release()
    release.git.reject_push = "hook rejected"

    with pytest.raises(GitError, match="hook") as raised:
        release.cut()

    assert "pulling will not help" in raised.value.fix
    assert "v1.1.0" not in release.git.tags
    assert release.github.releases == []


def test_a_remote_that_moved_is_told_to_pull() -> None:
    release = Release()
    release.git.reject_push = "remote moved"

    with pytest.raises(GitError, match="has commits this clone lacks") as raised:
        release.cut()

    assert "git pull --rebase" in raised.value.fix


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda r: setattr(r.git, "branch", None), "detached"),
        (lambda r: setattr(r.git, "branch", "feature/x"), "not a release branch"),
        (lambda r: r.git.dirty.append("README.md"), "uncommitted changes"),
        (lambda r: setattr(r.git, "inside_work_tree", False), "not inside a git work tree"),
        (lambda r: setattr(r.git, "remote_name", "upstream"), "remote origin is not configured"),
    ],
)
def test_a_repository_that_is_not_ready_is_refused_before_anything(
    arrange: object, message: str
) -> None:
    release = Release()
    arrange(release)  # type: ignore[operator]

    with pytest.raises(ReleaseError, match=message):
        release.cut()

    assert "v1.1.0" not in release.git.tags


def test_a_tag_on_another_commit_is_refused() -> None:
    release = Release()
    release.git.tags["v1.1.0"] = release.git.ancestors(release.release_commit)[1]

    with pytest.raises(AlreadyReleased, match=r"1.1.0 is released already \(tag v1.1.0 is on"):
        release.cut()


def test_head_past_the_commit_that_set_the_version_is_refused_naming_it() -> None:
    release = Release()
    release.git.pyprojects[release.git.ancestors(release.release_commit)[-1]] = pyproject("1.0.0")
    release.git.pyprojects[release.release_commit] = pyproject("1.1.0")
    release.git.commit("docs: later")
    release.git.commit("ci: later")

    with pytest.raises(NotReleaseCommit) as refused:
        release.cut()

    assert (refused.value.commit, refused.value.past) == (release.release_commit, 2)
    assert "bump version to 1.1.0" in str(refused.value)
    assert release.git.tags == {"v1.0.0": release.git.ancestors(release.release_commit)[2]}


def test_a_version_released_under_another_tag_format_or_on_github_is_refused() -> None:
    release = Release()
    release.git.remote["refs/tags/1.1.0"] = release.release_commit
    release.github.releases.append(
        GitHubRelease(7, "widget-kit-v1.1.0", "r", False, False, "https://gh/r/7", "")
    )

    with pytest.raises(AlreadyReleased) as refused:
        release.cut()

    assert refused.value.places == [
        f"tag 1.1.0 on {release.release_commit[:10]} (origin)",
        "GitHub release https://gh/r/7",
    ]
    assert "v1.1.0" not in release.git.tags


def test_a_remote_tag_on_another_commit_is_refused() -> None:
    release = Release()
    release.git.remote["refs/tags/v1.1.0"] = release.git.ancestors(release.release_commit)[2]

    with pytest.raises(ReleaseError, match="has v1.1.0 on another commit"):
        release.cut()
    assert release.github.releases == []


def test_a_version_below_the_newest_release_tag_is_refused_naming_it() -> None:
    release = Release()  # 1.1.0 prepared; a v1.5.0 tag in the history says it goes backwards
    release.git.tags["v1.5.0"] = release.git.ancestors(release.release_commit)[1]

    with pytest.raises(VersionBelowRelease, match=r"1.1.0 is not above v1.5.0"):
        release.cut()

    assert "v1.1.0" not in release.git.tags
    assert "refs/tags/v1.1.0" not in release.git.remote
    assert release.github.created == []


def test_a_backport_below_a_release_outside_its_history_is_cut() -> None:
    release = Release()
    head = release.git.head_commit
    release.git.tags["v1.5.0"] = release.git.commit("chore: bump version to 1.5.0")  # elsewhere
    release.git.head_commit = head

    assert release.cut()["tag"] is StepResult.DONE


def test_a_backport_below_a_released_final_version_is_not_made_the_latest() -> None:
    release = Release()  # 1.1.0 on a maintenance line; 1.5.0 and 2.0.0rc1 tagged on another
    head = release.git.head_commit
    release.git.tags["v1.5.0"] = release.git.commit("chore: bump version to 1.5.0")
    release.git.head_commit = head

    release.cut(publish=True)

    assert release.github.latest == [("v1.1.0", False), ("v1.1.0", False)]  # draft, published


def test_a_release_above_every_final_one_is_made_the_latest() -> None:
    release = Release()
    head = release.git.head_commit
    release.git.tags["v2.0.0rc1"] = release.git.commit("chore: bump version to 2.0.0rc1")
    release.git.head_commit = head

    release.cut()

    assert release.github.latest == [("v1.1.0", True)]


def test_a_subfolder_project_is_tagged_on_its_release_commit_past_other_projects_commits() -> None:
    release = Release()  # lib's 1.1.0 prepared, then cli prepared its own release on top
    git = release.git
    git.pyprojects[git.ancestors(release.release_commit)[-1]] = pyproject("1.0.0")
    git.pyprojects[release.release_commit] = pyproject("1.1.0")
    cli_release = git.commit("chore: bump version to 3.0.0", touching=("cli",))
    lib = dataclasses.replace(project("1.1.0"), history_paths=("src",))
    request, adapters = CutRequest(), release.adapters()

    run_cut(plan_cut(lib, request, adapters), request, adapters)

    assert git.tags["v1.1.0"] == release.release_commit  # not HEAD, cli's release commit
    assert git.remote["refs/tags/v1.1.0"] == release.release_commit
    assert git.remote["refs/heads/main"] == cli_release  # the branch pushed as it is
    assert release.github.created[0]["commit"] == release.release_commit


def test_a_subfolder_project_past_its_release_commit_by_its_own_commit_is_refused() -> None:
    release = Release()
    git = release.git
    git.pyprojects[git.ancestors(release.release_commit)[-1]] = pyproject("1.0.0")
    git.pyprojects[release.release_commit] = pyproject("1.1.0")
    git.commit("chore: bump version to 3.0.0", touching=("cli",))
    git.commit("fix: lib's later fix", touching=("src",))
    lib = dataclasses.replace(project("1.1.0"), history_paths=("src",))

    with pytest.raises(NotReleaseCommit) as refused:
        plan_cut(lib, CutRequest(), release.adapters())

    assert refused.value.past == 1  # only lib's own commit counts


@pytest.mark.parametrize("status", ["archived", "quarantined"])
def test_a_project_the_index_takes_no_uploads_for_is_refused_before_the_tag(status: str) -> None:
    release = Release(index=StaticIndex.listing("widget_kit-1.0.0.tar.gz", status=status))

    with pytest.raises(RejectedByIndex, match=f"widget-kit is {status} .no longer maintained"):
        release.cut()

    assert "v1.1.0" not in release.git.tags
    assert release.github.created == []


def test_a_deprecated_project_is_warned_about_and_released() -> None:
    release = Release(index=StaticIndex.listing("widget_kit-1.0.0.tar.gz", status="deprecated"))

    steps = release.cut()

    assert steps["tag"] is StepResult.DONE
    assert any("is marked deprecated" in line for line in release.said.warnings)


def _built(folder: Path) -> list[Path]:
    wheel, sdist = folder / WHEEL, folder / SDIST
    with zipfile.ZipFile(wheel, "w"):
        pass
    with tarfile.open(sdist, "w:gz"):
        pass
    return [wheel, sdist]


def _resumed(tmp_path: Path, *, uploaded: datetime, repository: str = "pypi") -> Release:
    """1.1.0 tagged and pushed, its sdist on the index since `uploaded`, its wheel not."""
    release = Release(index=StaticIndex.listing(SDIST, uploaded=uploaded))
    release.git.tags["v1.1.0"] = release.release_commit
    release.git.publish()
    release.publishing.files = _built(tmp_path)
    release.publishing.present = [SDIST]
    return release


def test_files_pypi_would_not_take_into_a_release_older_than_14_days_are_refused(
    tmp_path: Path,
) -> None:
    release = _resumed(tmp_path, uploaded=NOW - timedelta(days=15))

    with pytest.raises(RejectedByIndex) as refused:
        release.cut(publish=True)

    assert "on the index since 2026-11-22 (more than 14 days)" in refused.value.what
    assert f"before uploading {WHEEL}" in refused.value.what
    assert release.publishing.uploads == 0
    assert release.publishing.closed == 1


def test_a_resumed_upload_within_14_days_goes_ahead(tmp_path: Path) -> None:
    release = _resumed(tmp_path, uploaded=NOW - timedelta(days=13))

    steps = release.cut(publish=True)

    assert steps["publish"] is StepResult.DONE
    assert release.publishing.uploads == 1


def test_another_index_is_told_about_pypis_14_days_and_the_upload_goes_ahead(
    tmp_path: Path,
) -> None:
    release = _resumed(tmp_path, uploaded=NOW - timedelta(days=40))
    request = CutRequest(publish=True, repository="corp")
    adapters = release.adapters()

    plan = plan_cut(project("1.1.0"), request, adapters)
    reports = run_cut(plan, request, adapters)

    assert any("this index may take them" in line for line in release.said.warnings)
    assert [r.result for r in reports if r.name == "publish"] == [StepResult.DONE]


def test_an_old_release_with_every_file_on_the_index_is_not_refused(tmp_path: Path) -> None:
    release = _resumed(tmp_path, uploaded=NOW - timedelta(days=40))
    assert release.index is not None
    release.index = StaticIndex.listing(SDIST, WHEEL, uploaded=NOW - timedelta(days=40))
    release.publishing.present = [SDIST, WHEEL]

    steps = release.cut(publish=True)

    assert steps["publish"] is StepResult.SKIPPED
