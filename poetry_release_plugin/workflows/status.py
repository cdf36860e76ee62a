"""`poetry release status`: where the release stands, read-only, and what to run next."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from poetry_release_plugin.core.failed_release import (
    fix_version,
    out_but_not_on_index,
    publish_failure,
)
from poetry_release_plugin.core.simple_api import describe_yank
from poetry_release_plugin.workflows.facts import FactSources, gather_facts

if TYPE_CHECKING:
    from collections.abc import Callable

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.github import GitHub, WorkflowRun
    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.core.failed_release import PublishFailure
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.release_state import ReleaseFacts
    from poetry_release_plugin.core.simple_api import IndexReader


@dataclass(frozen=True)
class ReleaseStatus:
    """The facts, what status says of them, and how an installed copy tells its version."""

    facts: ReleaseFacts
    notes: tuple[str, ...]
    installed_version: str
    tag_format: str
    tag_format_source: str
    tag_format_detail: str
    github: GitHubSide = field(default_factory=lambda: GitHubSide())
    failure: PublishFailure | None = None  # out on GitHub, never on the index, for good
    runs_unread: bool = False  # the runs were to be read, and GitHub did not give them

    @property
    def next(self) -> str:
        """What to run next (prepare, cut, verify, recover or done)."""
        if self.failure is not None and not self.facts.left_changes:
            return "recover"
        return self.facts.next

    @property
    def blocked(self) -> str | None:
        """Why `next` cannot run here (off a release branch, uncommitted changes), or None."""
        if self.next != "recover":
            return self.facts.blocked
        facts = self.facts
        if facts.off_release_branch:
            names = ", ".join(facts.release_branch.patterns)
            return (
                f"on branch {facts.off_release_branch}, which is not a release branch "
                f"({names}): recover prepares the next version only on one"
            )
        if facts.dirty:
            return (
                "the work tree has uncommitted changes: recover prepares the next version only "
                "from a clean one"
            )
        return None

    @property
    def publish_failed(self) -> bool | None:
        """Whether the release is out on GitHub but its upload failed for good (None: GitHub or
        the index was not asked, or the runs could not be read)."""
        if self.failure is not None:
            return True
        if not self.facts.github_known or self.facts.on_index is None or self.runs_unread:
            return None
        return False

    @property
    def fix_version(self) -> str | None:
        """The version `recover` prepares to ship the fix (the next patch), when it is next."""
        if self.failure is None:
            return None
        return fix_version(self.facts.version)


@dataclass(frozen=True)
class GitHubSide:
    """What GitHub says beyond the release itself: whether releases lock once published, which
    workflow finishes a draft left on the tag, and that workflow's runs."""

    immutable: bool | None = None  # None: not asked, or the token cannot tell
    finished_by: str | None = None
    runs: tuple[WorkflowRun, ...] = ()
    lacking_files: bool = False  # a draft without the files the index has


@dataclass
class StatusAdapters:
    """What `status` may ask; GitHub and the index may be unavailable (offline, no token)."""

    git: Git
    github: Callable[[], GitHub | None]
    index: Callable[[], IndexReader | None]
    left_by_prepare: Callable[[], LeftChanges | None] = field(default=lambda: None)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))


def release_status(project: Project, adapters: StatusAdapters, *, offline: bool) -> ReleaseStatus:
    """Gather every fact `status` shows, and say what they mean; changes nothing."""
    settings = project.settings
    sources = FactSources(
        adapters.git,
        remote=None if offline else settings.remote,
        github=None if offline or not settings.github_release else adapters.github,
        index=None if offline else adapters.index,
        left_by_prepare=adapters.left_by_prepare,
    )
    facts = gather_facts(project, sources)
    side = GitHubSide()
    if facts.github_known and sources.github is not None:
        side = _github_side(facts, adapters)
    failure, unread = None, False
    if out_but_not_on_index(facts) and sources.github is not None:
        side, failure, unread = _publish_failure(facts, adapters, side)
    choice = project.tag_choice
    return ReleaseStatus(
        facts=facts,
        notes=(
            *_branch_notes(facts),
            *facts.notes,
            *_what_it_means(facts),
            *_failure_notes(facts, failure),
        ),
        installed_version=_installed_version(project),
        tag_format=settings.tag_format,
        tag_format_source=choice.source if choice else "configured",
        tag_format_detail=choice.describe() if choice else settings.tag_format,
        github=side,
        failure=failure,
        runs_unread=unread,
    )


def _publish_failure(
    facts: ReleaseFacts, adapters: StatusAdapters, side: GitHubSide
) -> tuple[GitHubSide, PublishFailure | None, bool]:
    """For a release out on GitHub and missing from the index (the one case status asks for
    runs): the runs on its tag's commit, whether publishing failed for good, and whether the
    runs could not be read."""
    from poetry_release_plugin.errors import ReleaseError

    github, release = adapters.github(), facts.github_release
    commit = facts.remote_tag or facts.local_tag
    if github is None or release is None or commit is None:
        return side, None, True
    try:
        runs = tuple(github.workflow_runs(commit))
    except ReleaseError:
        return side, None, True
    failure = publish_failure(runs, published_at=release.published_at, now=adapters.now())
    return dataclasses.replace(side, runs=runs), failure, False


def _failure_notes(facts: ReleaseFacts, failure: PublishFailure | None) -> list[str]:
    if failure is None:
        return []
    return [
        f"{facts.tag} is out on GitHub but {facts.version} never reached the index: poetry "
        "release recover marks its GitHub release as not published (the tag stays) and "
        f"prepares {fix_version(facts.version)} to ship the fix; then poetry release cut"
    ]


def _github_side(facts: ReleaseFacts, adapters: StatusAdapters) -> GitHubSide:
    """Whether releases are immutable; for a draft, the workflow that finishes it and its runs
    on the tag's commit. A question GitHub does not answer is left unknown."""
    from poetry_release_plugin.core.ci_workflow import publish_workflows
    from poetry_release_plugin.core.release_assets import lacks_files
    from poetry_release_plugin.errors import ReleaseError

    github = adapters.github()
    if github is None:
        return GitHubSide()
    release = facts.github_release
    try:
        immutable = True if release is not None and release.immutable else None
        if immutable is None:
            immutable = github.immutable_releases()
        if release is None or not release.draft:
            return GitHubSide(immutable)
        if facts.on_index and lacks_files(release.assets):
            return GitHubSide(immutable, lacking_files=True)
        workflows = publish_workflows(adapters.git.workflow_files())
        finished_by = next((w.path for w in workflows if w.publishes_the_draft(facts.tag)), None)
        tagged = facts.local_tag or facts.remote_tag
        runs = tuple(github.workflow_runs(tagged)) if tagged and finished_by else ()
    except ReleaseError:
        return GitHubSide()
    return GitHubSide(immutable, finished_by, runs)


def _branch_notes(facts: ReleaseFacts) -> list[str]:
    if not facts.off_release_branch:
        return []
    names = ", ".join(facts.release_branch.patterns)
    return [
        f"on branch {facts.branch}, which is not a release branch ({names}): "
        "prepare and cut run only on one"
    ]


def _what_it_means(facts: ReleaseFacts) -> list[str]:
    """Notes that explain a `next` that is not plain."""
    notes = []
    higher = facts.higher_in_history
    if higher is not None:
        notes.append(
            f"{facts.version} is not above {higher.name}, the highest release tag in this "
            "branch's history: cut refuses it, so prepare comes first"
        )
    for place in facts.released_otherwise:
        notes.append(
            f"{facts.version} is released already ({place}): prepare makes the next version"
        )
    if facts.yanked is not None:
        notes.append(
            f"{describe_yank(facts.version, facts.yanked)} on the index, which keeps it: it is "
            "never uploaded again, so the next release is a higher version"
        )
    pending, found = facts.pending, facts.release_commit
    if facts.local_tag is None and found is not None and found.commits_past:
        if pending is not None:
            notes.append(
                f"{facts.version} prepared at {found.sha[:10]} ({found.subject}), "
                f"{found.commits_past} commit(s) since: run prepare to fold them into "
                f"{facts.version}, or cut refuses"
            )
        else:
            notes.append(
                f"HEAD is {found.describe()}: cut tags only that commit, so prepare comes first"
            )
            if not facts.releasable_since and facts.untagged_version:
                notes.append(
                    "no commit since the last release calls for a version: release "
                    f"{facts.version} as the files hold it (poetry release prepare "
                    f"{facts.version}), or give prepare a rule (poetry release prepare patch)"
                )
            elif not facts.releasable_since:
                notes.append(
                    "no commit since the last release calls for a version: give prepare the "
                    "rule (poetry release prepare patch)"
                )
    return notes


def _installed_version(project: Project) -> str:
    reader = project.version_reader
    if reader.module is None:
        return f"no version file: read from the installed metadata ({reader.describe()})"
    return reader.describe()
