"""A release out on GitHub that never reached the index: the pure decisions (failed for good or
not, what recover refuses, what it writes), and what status says of it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from fakes import MemoryGit, MemoryGitHub, project
from test_prepare_workflow import MemoryIndex, Repository

from poetry_release_plugin.adapters.github import GitHubRelease, WorkflowRun
from poetry_release_plugin.core.changelog import NO_NOTABLE_CHANGES, add_section_preface
from poetry_release_plugin.core.failed_release import (
    MARK,
    PublishFailure,
    fix_version,
    marked_body,
    marked_title,
    not_published_paragraph,
    publish_failure,
    recovery_failure,
    recovery_refusal,
)
from poetry_release_plugin.core.simple_api import ProjectPage, describe_file
from poetry_release_plugin.errors import GitError, GitHubError
from poetry_release_plugin.workflows.failed_release import (
    RecoverAdapters,
    RecoverPlan,
    RecoverRequest,
    apply_recovery,
    plan_recovery,
)
from poetry_release_plugin.workflows.status import ReleaseStatus, StatusAdapters, release_status

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
LONG_AGO = NOW - timedelta(hours=2)
RUNS = "https://github.com/acme/widget-kit/actions/runs"


def run(
    conclusion: str | None, *, status: str = "completed", event: str = "release"
) -> WorkflowRun:
    return WorkflowRun(7, "Publish to PyPI", event, status, conclusion, f"{RUNS}/7")


def release(*, draft: bool = False, immutable: bool = False) -> GitHubRelease:
    return GitHubRelease(
        1,
        "v1.1.0",
        "Release v1.1.0",
        draft,
        False,
        "https://github.com/acme/widget-kit/releases/tag/v1.1.0",
        "### Added\n\n- Widgets.",
        immutable=immutable,
        published_at=None if draft else LONG_AGO,
    )


@pytest.mark.parametrize("conclusion", ["failure", "cancelled", "timed_out", "startup_failure"])
def test_a_run_that_ended_without_success_is_a_failure_with_its_address(conclusion: str) -> None:
    found = publish_failure([run(conclusion)], published_at=LONG_AGO, now=NOW)

    assert found is not None
    assert found.run_url == f"{RUNS}/7"
    assert found.reason == f"the publish run 'Publish to PyPI' ended {conclusion}: {RUNS}/7"


@pytest.mark.parametrize(
    "runs",
    [
        [run(None, status="in_progress")],
        [run(None, status="queued"), run("failure", event="push")],
        [run("success")],
    ],
    ids=["running", "one still queued", "succeeded: the index may lag"],
)
def test_no_failure_while_a_run_may_still_publish_or_once_one_succeeded(
    runs: list[WorkflowRun],
) -> None:
    assert publish_failure(runs, published_at=LONG_AGO, now=NOW) is None


def test_no_run_is_a_failure_only_once_a_run_would_have_started() -> None:
    just_now = NOW - timedelta(minutes=2)

    assert publish_failure([], published_at=just_now, now=NOW) is None
    assert publish_failure([], published_at=LONG_AGO, now=NOW) == PublishFailure(None)
    assert publish_failure([], published_at=None, now=NOW) == PublishFailure(None)
    assert PublishFailure(None).reason == "no publish run started"


@pytest.mark.parametrize(
    ("failed", "fix"), [("0.9.1", "0.9.2"), ("1.0.0rc1", "1.0.0rc2"), ("2.0.0b3", "2.0.0b4")]
)
def test_the_fix_ships_as_the_next_patch_or_the_next_pre_release(failed: str, fix: str) -> None:
    assert fix_version(failed) == fix


def test_runs_of_other_events_are_no_publish_runs() -> None:
    tests = run("failure", event="pull_request")

    assert publish_failure([tests], published_at=LONG_AGO, now=NOW) == PublishFailure(None)


def test_recover_asked_after_a_run_that_succeeded_names_it() -> None:
    found = recovery_failure([run("success")])

    assert found.succeeded
    assert "succeeded, yet the index does not have it" in found.reason


def refusal(**changes: object) -> str | None:
    facts: dict[str, object] = {
        "tagged": True,
        "release": release(),
        "on_index": False,
        "index_url": "https://index.invalid/simple/",
        "runs": [run("failure")],
        "delete": False,
    }
    facts.update(changes)
    error = recovery_refusal("1.1.0", "v1.1.0", **facts)  # type: ignore[arg-type]
    return None if error is None else str(error)


def test_a_failed_release_may_be_recovered_marked_or_deleted() -> None:
    assert refusal() is None
    assert refusal(delete=True) is None
    assert refusal(runs=[]) is None  # asked for explicitly: no grace


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"on_index": True}, "1.1.0 is on the index https://index.invalid/simple/, so its"),
        ({"on_index": None}, "Cannot tell whether the index has 1.1.0"),
        ({"tagged": False}, "1.1.0 has no tag v1.1.0, here or on the remote"),
        ({"release": None}, "v1.1.0 has no GitHub release"),
        (
            {"release": release(draft=True)},
            "a draft, not published, so there is nothing to recover: run poetry release cut again",
        ),
        ({"runs": [run(None, status="in_progress")]}, "is still in progress: https://"),
        (
            {"release": release(immutable=True), "delete": True},
            "is immutable, so it is not deleted",
        ),
    ],
)
def test_recover_refuses_what_is_not_a_failed_release(
    changes: dict[str, object], said: str
) -> None:
    found = refusal(**changes)

    assert found is not None
    assert said in found


def test_an_immutable_release_is_still_marked() -> None:
    assert refusal(release=release(immutable=True)) is None


def test_the_title_is_marked_once() -> None:
    assert marked_title("Release v1.1.0", "v1.1.0") == "Release v1.1.0 (not published)"
    assert marked_title("Release v1.1.0 (not published)", "v1.1.0") == (
        "Release v1.1.0 (not published)"
    )
    assert marked_title(None, "v1.1.0") == "Release v1.1.0 (not published)"


def test_the_notes_get_one_paragraph_first_and_keep_the_rest() -> None:
    failure = PublishFailure(run("failure"))
    first = not_published_paragraph("widget-kit", "1.1.0", failure, "1.1.1")
    again = not_published_paragraph("widget-kit", "1.1.0", PublishFailure(None), "1.1.2")

    marked = marked_body("### Added\n\n- Widgets.", first)
    remarked = marked_body(marked, again)

    assert first.startswith(MARK)
    assert f"{RUNS}/7" in first
    assert "The fix ships as 1.1.1" in first
    assert marked == f"{first}\n\n### Added\n\n- Widgets."
    assert remarked == f"{again}\n\n### Added\n\n- Widgets."
    assert marked_body(marked, first) == marked
    assert marked_body(None, first) == f"{first}\n"


SECTIONED = """# Changelog

## [Unreleased]

## [1.1.1] - 2026-12-07

### Fixed

- The crash.

## [1.1.0] - 2026-12-01

- Widgets.
"""


def test_the_re_release_paragraph_goes_first_in_the_new_section() -> None:
    written = add_section_preface(SECTIONED, "1.1.1", "Re-releases 1.1.0.")

    assert written == SECTIONED.replace(
        "## [1.1.1] - 2026-12-07\n\n", "## [1.1.1] - 2026-12-07\n\nRe-releases 1.1.0.\n\n"
    )
    assert add_section_preface(written, "1.1.1", "Re-releases 1.1.0.") == written
    assert add_section_preface(SECTIONED, "9.9.9", "Re-releases 1.1.0.") == SECTIONED


def test_the_re_release_paragraph_replaces_no_notable_changes() -> None:
    empty = SECTIONED.replace("### Fixed\n\n- The crash.", NO_NOTABLE_CHANGES)

    written = add_section_preface(empty, "1.1.1", "Re-releases 1.1.0.")

    assert written == SECTIONED.replace("### Fixed\n\n- The crash.", "Re-releases 1.1.0.")


@dataclass
class CountingGitHub(MemoryGitHub):
    """Counts the questions for workflow runs."""

    asked: list[str] = field(default_factory=list)

    def workflow_runs(self, head_sha: str) -> list[WorkflowRun]:
        self.asked.append(head_sha)
        return super().workflow_runs(head_sha)


@dataclass
class Index:
    names: tuple[str, ...] = ()
    url: str = "https://index.invalid/simple/"

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        return ProjectPage([describe_file(n, f"{self.url}{n}", None) for n in self.names])


def released() -> MemoryGit:
    git = MemoryGit()
    git.tags["v1.0.0"] = git.commit("chore: bump version to 1.0.0")
    git.commit("feat: widgets")
    git.tags["v1.1.0"] = git.commit("chore: bump version to 1.1.0")
    git.publish()
    return git


def status_of(
    git: MemoryGit, github: MemoryGitHub, index: Index, settings: str = ""
) -> ReleaseStatus:
    adapters = StatusAdapters(git=git, github=lambda: github, index=lambda: index, now=lambda: NOW)
    return release_status(project("1.1.0", release=settings), adapters, offline=False)


def test_status_sends_a_failed_release_to_recover_with_the_fix_version() -> None:
    git, github = released(), CountingGitHub(releases=[release()], runs=[run("failure")])

    status = status_of(git, github, Index())

    assert (status.next, status.publish_failed) == ("recover", True)
    assert status.fix_version == "1.1.1"
    assert status.failure is not None
    assert status.failure.run_url == f"{RUNS}/7"
    assert status.blocked is None
    assert any("prepares 1.1.1 to ship the fix" in n for n in status.notes)


def test_status_asks_for_runs_only_for_a_release_missing_from_the_index() -> None:
    on_index = Index(("widget_kit-1.1.0-py3-none-any.whl",))
    github = CountingGitHub(releases=[release()], runs=[run("failure")])

    status = status_of(released(), github, on_index)

    assert status.next == "done"
    assert status.publish_failed is False
    assert github.asked == []


class SilentRunsGitHub(MemoryGitHub):
    def workflow_runs(self, head_sha: str) -> list[WorkflowRun]:
        raise GitHubError("GitHub's API did not answer", "run again")


def test_runs_that_cannot_be_read_leave_the_failure_unknown() -> None:
    status = status_of(released(), SilentRunsGitHub(releases=[release()]), Index())

    assert (status.next, status.publish_failed) == ("verify", None)


def test_recover_off_a_release_branch_is_blocked() -> None:
    git = released()
    git.branch = "feature/widgets"
    github = CountingGitHub(releases=[release()], runs=[run("failure")])

    status = status_of(git, github, Index())

    assert status.next == "recover"
    assert "recover prepares the next version only on one" in (status.blocked or "")


# --- the recover workflow through in-memory adapters --------------------------------------

RELEASE_CHANGELOG = """# Changelog

## [Unreleased]

## [1.0.0] - 2026-01-01

- First release.

[unreleased]: https://github.com/acme/widget-kit/compare/v1.0.0...HEAD
[1.0.0]: https://github.com/acme/widget-kit/releases/tag/v1.0.0
"""


class RefusingGitHub(MemoryGitHub):
    """GitHub that refuses every edit of a release."""

    def update_release(
        self,
        release: GitHubRelease,
        *,
        body: str | None = None,
        name: str | None = None,
        publish: bool = False,
        latest: bool = True,
    ) -> GitHubRelease:
        raise GitHubError("The token may not update the release of v1.0.0", "give it write")


def recovery(
    github: MemoryGitHub | None = None, *, dirty: bool = False
) -> tuple[Repository, RecoverAdapters, MemoryGitHub]:
    """1.0.0 tagged, pushed and released on GitHub, its publish run failed, not on the index."""
    repository = Repository()
    if dirty:
        repository.git.dirty = ["widget_kit/widgets.py"]
    published = dataclasses.replace(release(), tag_name="v1.0.0", name="Release v1.0.0")
    github = github or MemoryGitHub()
    github.releases = [published]
    github.runs = [run("failure")]
    adapters = RecoverAdapters(github, MemoryIndex([]), repository.adapters())
    return repository, adapters, github


def recover_plan(adapters: RecoverAdapters, **options: object) -> RecoverPlan:
    request = RecoverRequest(run_checks=False, release_date="2026-12-07", **options)  # type: ignore[arg-type]
    return plan_recovery(project("1.0.0", changelog=RELEASE_CHANGELOG), request, adapters)


def test_the_plan_marks_the_release_and_prepares_the_next_patch_saying_it_re_releases() -> None:
    _, adapters, github = recovery()

    plan = recover_plan(adapters)

    assert (plan.action, plan.fix_version, plan.title) == (
        "marked",
        "1.0.1",
        "Release v1.0.0 (not published)",
    )
    assert plan.body.startswith(f"{MARK} widget-kit 1.0.0 never reached the package index")
    assert plan.prepare is not None
    log = next(c for c in plan.prepare.changes if c.path == "CHANGELOG.md")
    assert "## [1.0.1] - 2026-12-07\n\nRe-releases the changes of 1.0.0" in log.after
    assert github.releases[0].name == "Release v1.0.0"  # planned, not sent


def test_prepares_refusals_come_before_anything_is_sent_to_github() -> None:
    _, adapters, github = recovery(dirty=True)

    with pytest.raises(GitError, match="uncommitted changes"):
        recover_plan(adapters)

    assert github.releases[0].name == "Release v1.0.0"


def test_a_refused_edit_of_the_release_stops_recover_before_any_file_is_written() -> None:
    repository, adapters, _ = recovery(RefusingGitHub())
    plan = recover_plan(adapters)
    commits = dict(repository.git.messages)

    with pytest.raises(GitHubError, match="may not update the release"):
        apply_recovery(plan, RecoverRequest(run_checks=False), adapters)

    assert repository.git.messages == commits
