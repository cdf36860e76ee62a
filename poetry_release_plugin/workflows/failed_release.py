"""`poetry release recover`: fix forward from a release that is out on GitHub but never reached
the index (its publish run failed, or none started).

`plan_recovery` makes every refusal first (recover's own, then prepare's for the next patch
version); `apply_recovery` then marks the failed GitHub release (title and notes only: never
its tag or files) or deletes it when asked, and only then writes, checks and commits the next
version as `prepare patch` does. If marking fails, nothing was written. The failed tag stays.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.core.changelog import add_section_preface
from poetry_release_plugin.core.failed_release import (
    fix_rule,
    marked_body,
    marked_title,
    not_published_paragraph,
    re_release_entry,
    recovery_failure,
    recovery_refusal,
)
from poetry_release_plugin.core.simple_api import has_version
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import ReleaseError
from poetry_release_plugin.workflows.facts import FactSources, gather_facts
from poetry_release_plugin.workflows.prepare import PrepareRequest, apply_prepare, plan_prepare

if TYPE_CHECKING:
    from poetry_release_plugin.adapters.github import GitHub, GitHubRelease
    from poetry_release_plugin.core.failed_release import PublishFailure
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.release_state import ReleaseFacts
    from poetry_release_plugin.core.simple_api import IndexReader
    from poetry_release_plugin.workflows.prepare import (
        PrepareAdapters,
        PrepareOutcome,
        PreparePlan,
    )

MARKED, ALREADY_MARKED, DELETED = "marked", "already marked", "deleted"


@dataclass(frozen=True)
class RecoverRequest:
    """What the user asked `recover` to do."""

    version: str | None = None  # the failed version; None: the project's current version
    delete: bool = False
    dry_run: bool = False
    run_checks: bool = True
    skipped_checks: tuple[str, ...] = ()
    release_date: str = ""


@dataclass
class RecoverAdapters:
    """GitHub (required: recover writes to it), the index to ask, and prepare's adapters."""

    github: GitHub
    index: IndexReader | None
    prepare: PrepareAdapters


@dataclass(frozen=True)
class RecoverPlan:
    """Everything `recover` will do, decided before anything changes."""

    version: str  # the failed version
    tag: str
    release: GitHubRelease
    failure: PublishFailure
    fix_version: str
    prepare: PreparePlan | None  # None: the files hold the fix version already
    delete: bool
    title: str
    body: str

    @property
    def action(self) -> str:
        """What happens to the failed GitHub release."""
        if self.delete:
            return DELETED
        if (self.release.name, self.release.body) == (self.title, self.body):
            return ALREADY_MARKED
        return MARKED


@dataclass(frozen=True)
class RecoverOutcome:
    """What `recover` did."""

    plan: RecoverPlan
    release: GitHubRelease | None  # the release as GitHub has it now (None: deleted)
    prepared: PrepareOutcome | None


def plan_recovery(
    project: Project, request: RecoverRequest, adapters: RecoverAdapters
) -> RecoverPlan:
    """Every refusal (nothing to recover, a run still going, an immutable release to delete,
    then prepare's own for the next version), then the plan. Changes nothing."""
    settings = project.settings
    git = adapters.prepare.git
    facts = gather_facts(
        project,
        FactSources(
            git,
            remote=settings.remote,
            github=lambda: adapters.github,
            index=lambda: adapters.index,
            strict=True,
            dirty=False,
            warn=adapters.prepare.reporter.warning,
        ),
    )
    version = parse_version(request.version or project.version).text
    current = version == parse_version(project.version).text
    tag = settings.tag_for(version)
    commit = facts.local_tags.get(tag) or (facts.remote_tags or {}).get(tag)
    release = facts.github_release if current else adapters.github.release_for_tag(tag)
    on_index = _on_index(facts, version)
    runs = adapters.github.workflow_runs(commit) if commit and on_index is False else []
    refusal = recovery_refusal(
        version,
        tag,
        tagged=commit is not None,
        release=release,
        on_index=on_index,
        index_url=facts.index_url,
        runs=runs,
        delete=request.delete,
    )
    if refusal is not None:
        raise refusal
    assert release is not None  # recovery_refusal refuses a missing release
    failure = recovery_failure(runs)
    prepare = None
    fix_version = project.version
    if not _fix_in_files(facts, version):
        prepare = plan_prepare(
            project,
            PrepareRequest(
                rule=fix_rule(version),
                dry_run=request.dry_run,
                run_checks=request.run_checks,
                skipped_checks=request.skipped_checks,
                release_date=request.release_date,
            ),
            dataclasses.replace(adapters.prepare, index=lambda name: adapters.index),
        )
        fix_version = prepare.new.text
        prepare = _with_re_release_entry(prepare, version, failure)
    paragraph = not_published_paragraph(project.metadata.name, version, failure, fix_version)
    return RecoverPlan(
        version=version,
        tag=tag,
        release=release,
        failure=failure,
        fix_version=fix_version,
        prepare=prepare,
        delete=request.delete,
        title=marked_title(release.name, tag),
        body=marked_body(release.body, paragraph),
    )


def apply_recovery(
    plan: RecoverPlan, request: RecoverRequest, adapters: RecoverAdapters
) -> RecoverOutcome:
    """Mark (or delete) the failed release, then prepare the fix version; a prepare that fails
    puts its files back and says the release was dealt with already."""
    github = adapters.github
    release: GitHubRelease | None = plan.release
    if plan.action == DELETED:
        github.delete_release(plan.release)
        release = None
    elif plan.action == MARKED:
        release = github.update_release(plan.release, name=plan.title, body=plan.body)
    if plan.prepare is None:
        return RecoverOutcome(plan, release, None)
    prepare_request = PrepareRequest(
        rule=plan.prepare.rule,
        run_checks=request.run_checks,
        skipped_checks=request.skipped_checks,
        release_date=request.release_date,
    )
    try:
        prepared = apply_prepare(plan.prepare, prepare_request, adapters.prepare)
    except ReleaseError as error:
        done = "deleted" if plan.action == DELETED else "marked as not published"
        again = (
            "poetry release prepare patch"
            if plan.action == DELETED
            else f"poetry release recover {plan.version}"
        )
        fix = error.fix or "fix it"
        if "prepare again" in fix:  # prepare's own advice, said of the command to run
            fix = fix.replace("prepare again", f"{again} (it prepares {plan.fix_version})")
        else:
            fix = f"{fix}, then run {again} to prepare {plan.fix_version}"
        raise ReleaseError(
            f"{error.what}; the GitHub release of {plan.tag} was {done} already", fix
        ) from None
    return RecoverOutcome(plan, release, prepared)


def _on_index(facts: ReleaseFacts, version: str) -> bool | None:
    """Whether the index lists the version (None: not asked, or no answer)."""
    if facts.index_page is None:
        return None
    return has_version(facts.index_page.files, version)


def _fix_in_files(facts: ReleaseFacts, version: str) -> bool:
    """Whether the files hold a version above the failed one already (prepared by an earlier
    recover or by prepare, or released since): that version is the fix, nothing is prepared."""
    return parse_version(facts.version) > parse_version(version)


def _with_re_release_entry(plan: PreparePlan, version: str, failure: PublishFailure) -> PreparePlan:
    """The plan with the fix version's changelog section saying first that it re-releases
    the failed version."""
    changelog = plan.project.changelog
    if changelog is None:
        return plan
    entry = re_release_entry(version, failure)
    changes = tuple(
        dataclasses.replace(
            change,
            after=add_section_preface(change.after, plan.new.text, entry, changelog.path),
        )
        if change.path == changelog.path and change.committed is None
        else change
        for change in plan.changes
    )
    return dataclasses.replace(plan, changes=changes)
