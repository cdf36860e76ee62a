"""A release that is out on GitHub but never reached the index: its publish run failed, or none
started. What status says of it, what `recover` refuses, and what it writes on the failed
GitHub release and in the next version's changelog section. Pure: values in, values out.

The guide's recovery: fix forward. The failed tag stays (tags are history), its GitHub release
is marked as not published (title and notes stay editable even in an immutable release), and
the fix ships as the next patch version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from poetry_release_plugin.core.version import bump_version, parse_version
from poetry_release_plugin.errors import ReleaseError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from poetry_release_plugin.adapters.github import GitHubRelease, WorkflowRun
    from poetry_release_plugin.core.release_state import ReleaseFacts

# A run's conclusion that means it ended without publishing, for good.
FAILED_CONCLUSIONS = frozenset({"failure", "cancelled", "timed_out", "startup_failure"})
# The events a publish workflow runs on for a release (the release itself, the tag's push).
PUBLISH_EVENTS = frozenset({"release", "push"})
# How long after a release is published a missing run may still be about to start.
RUN_GRACE = timedelta(minutes=10)
NOT_PUBLISHED = "(not published)"
MARK = "**Not published to the package index.**"


@dataclass(frozen=True)
class PublishFailure:
    """Why a release out on GitHub is not on the index: the run that failed, or none at all."""

    run: WorkflowRun | None  # None: no publish run started
    succeeded: bool = False  # a run succeeded, yet the index does not have the version

    @property
    def reason(self) -> str:
        """One clause for messages and the marked release: what happened, with the run's URL."""
        if self.run is None:
            return "no publish run started"
        if self.succeeded:
            return f"the run {self.run.name!r} succeeded, yet the index does not have it"
        return f"the publish run {self.run.name!r} ended {self.run.conclusion}: {self.run.html_url}"

    @property
    def run_url(self) -> str | None:
        """The failed run's address, if a run was found."""
        return self.run.html_url if self.run is not None else None


def fix_rule(version: str) -> str:
    """The bump that ships the fix of a failed release: the next patch, or for a pre-release
    the next one of its phase (1.0.0rc1 -> 1.0.0rc2, never the final release unasked)."""
    return "prerelease" if parse_version(version).is_unstable() else "patch"


def fix_version(version: str) -> str:
    """The version that ships the fix of a failed release (see `fix_rule`)."""
    return bump_version(version, fix_rule(version)).text


def out_but_not_on_index(facts: ReleaseFacts) -> bool:
    """Whether the version's tag is there and its GitHub release is published, but the index,
    asked, does not have it: the only case in which status asks GitHub for the runs."""
    tagged = facts.local_tag is not None or facts.remote_tag is not None
    return tagged and facts.github_published is True and facts.on_index is False


def publish_runs(runs: Sequence[WorkflowRun]) -> list[WorkflowRun]:
    """The runs that may publish a release (on the release or the tag's push)."""
    return [run for run in runs if run.event in PUBLISH_EVENTS]


def publish_failure(
    runs: Sequence[WorkflowRun], *, published_at: datetime | None, now: datetime
) -> PublishFailure | None:
    """Whether a release out on GitHub but not on the index failed for good, from the runs on
    its tag's commit: a run that failed, or none started `RUN_GRACE` after it was published.
    None while a run is queued or running, once one succeeded (the index may lag: verify
    waits), or while a run may still start."""
    found = publish_runs(runs)
    if any(run.status != "completed" for run in found):
        return None
    failed = next((run for run in found if run.conclusion in FAILED_CONCLUSIONS), None)
    if failed is not None:
        return PublishFailure(failed)
    if found:
        return None
    if published_at is not None and now - published_at < RUN_GRACE:
        return None
    return PublishFailure(None)


def recovery_failure(runs: Sequence[WorkflowRun]) -> PublishFailure:
    """What `recover` says of a release it was asked to recover: the failed run, else a run
    that succeeded without the version reaching the index, else no run at all."""
    found = publish_runs(runs)
    failed = next((run for run in found if run.conclusion in FAILED_CONCLUSIONS), None)
    if failed is not None:
        return PublishFailure(failed)
    return PublishFailure(found[0], succeeded=True) if found else PublishFailure(None)


def recovery_refusal(
    version: str,
    tag: str,
    *,
    tagged: bool,
    release: GitHubRelease | None,
    on_index: bool | None,
    index_url: str,
    runs: Sequence[WorkflowRun],
    delete: bool,
) -> ReleaseError | None:
    """Why `recover` must leave the release of `version` alone (None: it may recover it)."""
    if on_index is True:
        return ReleaseError(
            f"{version} is on the index {index_url}".rstrip() + ", so its release did not fail: "
            "there is nothing to recover",
            f"check it with poetry release verify {version}; a broken release is yanked on the "
            "index, then fixed by the next release (poetry release prepare patch)",
        )
    if on_index is None:
        return ReleaseError(
            f"Cannot tell whether the index has {version} (it was not asked, or did not answer), "
            "so nothing was recovered",
            "give the index with --index-url URL or -r REPOSITORY (or index-url in "
            "[tool.poetry-release]), then run recover again",
        )
    if not tagged:
        return ReleaseError(
            f"{version} has no tag {tag}, here or on the remote: it was never released, so "
            "there is nothing to recover",
            "release it as usual (poetry release status says the next step); to recover an "
            "earlier release, name its version: poetry release recover X.Y.Z",
        )
    if release is None:
        return ReleaseError(
            f"{tag} has no GitHub release, so there is nothing to recover",
            f"run poetry release cut to finish the release of {version}",
        )
    if release.draft:
        return ReleaseError(
            f"The GitHub release of {tag} is a draft, not published, so there is nothing to "
            "recover",
            "run poetry release cut again: it finishes the draft (uploads, then publishes it)",
        )
    running = next((run for run in publish_runs(runs) if run.status != "completed"), None)
    if running is not None:
        return ReleaseError(
            f"The run {running.name!r} of {tag} is still {running.status.replace('_', ' ')}: "
            f"{running.html_url}",
            f"wait for it (poetry release verify {version} watches it); if it fails, run "
            "recover again",
        )
    if delete and release.immutable:
        return ReleaseError(
            f"The GitHub release of {tag} is immutable, so it is not deleted: GitHub never "
            f"lets the tag of a deleted immutable release be used again",
            "run recover without --delete: it marks the release as not published (the title "
            "and notes of an immutable release can still change)",
        )
    return None


def marked_title(title: str | None, tag: str) -> str:
    """The failed release's title, saying it was not published (once)."""
    shown = (title or "").strip() or f"Release {tag}"
    return shown if shown.endswith(NOT_PUBLISHED) else f"{shown} {NOT_PUBLISHED}"


def not_published_paragraph(
    name: str, version: str, failure: PublishFailure, fix_version: str
) -> str:
    """The paragraph put first in the failed release's notes."""
    return (
        f"{MARK} {name} {version} never reached the package index ({failure.reason}). "
        f"The fix ships as {fix_version}: install that version instead."
    )


def marked_body(body: str | None, paragraph: str) -> str:
    """The failed release's notes with `paragraph` first; a paragraph an earlier recover put
    there is replaced, everything else kept as it was."""
    rest = (body or "").replace("\r\n", "\n")
    if rest.startswith(MARK):
        rest = rest.partition("\n\n")[2]
    return f"{paragraph}\n\n{rest}" if rest.strip() else f"{paragraph}\n"


def re_release_entry(version: str, failure: PublishFailure) -> str:
    """What the next version's changelog section says first: it re-releases the fix."""
    return (
        f"Re-releases the changes of {version}, which never reached the package index "
        f"({failure.reason})."
    )
