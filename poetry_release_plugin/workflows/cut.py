"""`poetry release cut`: tag, atomic push, the GitHub release, and the upload through Poetry.

`plan_cut` checks everything that could stop the release before anything irreversible;
`run_cut` then runs the steps, each of which first checks whether it is already done, so
running `cut` again after any failure finishes the job and never makes a second tag or release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from poetry_release_plugin.core.ci_workflow import publish_workflows
from poetry_release_plugin.core.release_assets import AssetMismatch, lacks_files
from poetry_release_plugin.core.release_state import (
    closed_release_problem,
    cut_refusal,
    project_status_refusal,
    project_status_warning,
)
from poetry_release_plugin.core.version import (
    PUBLIC_INDEXES,
    ensure_public_index_accepts,
    parse_version,
)
from poetry_release_plugin.errors import (
    ConfigError,
    GitError,
    GitHubError,
    PushRejected,
    ReleaseError,
)
from poetry_release_plugin.workflows.facts import FactSources, gather_facts
from poetry_release_plugin.workflows.notes import is_same_body
from poetry_release_plugin.workflows.preconditions import (
    require_clean_tree,
    require_no_operation_in_progress,
    require_release_branch,
    require_remote,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.github import GitHub, GitHubRelease
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.release_assets import AssetFile
    from poetry_release_plugin.core.release_state import ReleaseFacts
    from poetry_release_plugin.core.simple_api import IndexFile, IndexReader
    from poetry_release_plugin.workflows.prepare import Reporter


class StepResult(Enum):
    """How a step of `cut` ended."""

    DONE = "done"
    ALREADY_DONE = "already done"
    SKIPPED = "skipped"
    PLANNED = "would run"


@dataclass(frozen=True)
class StepReport:
    """One step of `cut` and what came of it."""

    name: str
    result: StepResult
    detail: str


@dataclass(frozen=True)
class CutRequest:
    """What the user asked `cut` to do."""

    push: bool = True
    github_release: bool = True
    draft: bool = False
    sign: bool = False
    publish: bool = False
    repository: str = "pypi"
    dry_run: bool = False
    remote: str | None = None
    rehearse: str | None = None  # the repository to rehearse the upload on, before the tag


@dataclass(frozen=True)
class Upload:
    """What an upload did: files sent, and files skipped because the index had them."""

    uploaded: list[str]
    already_on_index: list[str]


class Publishing(Protocol):
    """Poetry's build and upload, behind the two calls `cut` needs."""

    def check(self) -> None:
        """Refuse now if the repository or its credentials are unknown or rejected."""

    def built(self) -> list[Path]:
        """Build once: the files `publish` uploads."""

    def close(self) -> None:
        """Remove the built files."""

    def publish(self) -> Upload:
        """Upload what `built` made (files the index has already are skipped)."""

    def attachable(self) -> list[Path]:
        """The files the GitHub release carries: what `publish` uploads, with attestations."""


@dataclass
class CutAdapters:
    """The side effects `cut` needs."""

    git: Git
    reporter: Reporter
    github: Callable[[], GitHub]
    notes: Callable[[], str]
    publishing: Callable[[], Publishing]
    index: Callable[[], IndexReader | None] = lambda: None
    # upload to the rehearsal index and install from it (given: whether the tag is out already)
    rehearse: Callable[[bool], str] = lambda tagged: ""
    index_bytes: Callable[[IndexFile], bytes | None] = lambda file: None  # a file's download
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


@dataclass(frozen=True)
class CutPlan:
    """The release as checked: what exists already and what remains to do."""

    project: Project
    version: str
    tag: str
    remote: str
    branch: str | None  # None: detached at the release tag, which the remote has
    head: str  # the commit to tag: HEAD, or a subfolder project's release commit behind it
    tag_on_head: bool
    prerelease: bool
    steps: tuple[str, ...]
    latest: bool = True  # no higher final release is tagged: GitHub marks this one latest
    release: GitHubRelease | None = None  # the tag's GitHub release (or draft) found
    previous_version: str = ""  # the highest release below this one
    immutable: bool | None = False  # releases are immutable once published (None: unknown)
    finished_by: str | None = None  # the workflow whose run on the tag publishes the draft
    fileless_by: str | None = None  # the workflow that uploads once the release is published
    released_by: str | None = None  # the workflow that makes the GitHub release on the tag
    uploaded_by: str | None = None  # the workflow that uploads on the tag, without the plugin

    @property
    def template_values(self) -> dict[str, str]:
        """What the tag message and release title may name besides the version and tag."""
        return {"previous_version": self.previous_version, "name": self.project.metadata.name}


@dataclass
class CutProgress:
    """What the steps of one run learn: the GitHub release once found or made."""

    release: GitHubRelease | None


def plan_cut(project: Project, request: CutRequest, adapters: CutAdapters) -> CutPlan:
    """Every check that could stop the release, before anything irreversible."""
    settings = project.settings
    git = adapters.git
    version = parse_version(project.version)
    tag = settings.tag_for(version.text)
    remote = request.remote or settings.remote
    tagged = git.tag_commit(tag)
    branch: str | None
    if tagged is not None and tagged == git.head() and git.current_branch() is None:
        branch = None  # detached at the release tag: a CI job on the pushed tag
    else:
        _, branch = require_release_branch(git, project.root, settings)
    require_no_operation_in_progress(git)
    require_clean_tree(git, fix="commit or stash them: cut releases exactly what is committed")
    if request.push:
        require_remote(git, remote, alternative="run with --no-push")
    github_release = request.github_release and settings.github_release and request.push
    if github_release:  # never for a tag the remote does not have: GitHub would make one
        adapters.github().check_access()
    facts = gather_facts(
        project,
        FactSources(
            git,
            remote=remote if request.push else None,
            github=adapters.github if github_release else None,
            index=adapters.index,
            strict=True,
            warn=adapters.reporter.warning,
        ),
    )
    name = project.metadata.name
    refusal = project_status_refusal(facts, name) or cut_refusal(
        facts, push=request.push, github=github_release
    )
    if refusal is not None:
        raise refusal
    warning = project_status_warning(facts, name)
    if warning is not None:
        adapters.reporter.warning(warning)
    head = facts.head
    assert head is not None  # require_release_branch: the repository has commits
    if request.push and branch is None and facts.remote_tag != head:
        raise GitError(
            f"HEAD is detached at {tag}, which the remote {remote} does not have",
            "run cut on the release branch, which pushes the branch and the tag together",
        )
    steps = ["tag", *(["push"] if request.push else [])]
    workflows = publish_workflows(git.workflow_files()) if request.push else []
    own_way = next((w for w in workflows if w.releases_by_itself(tag)), None)
    if (
        own_way is not None
        and request.publish
        and (own_way.uploads_on_the_tag or (own_way.makes_release and github_release))
    ):
        raise ReleaseError(
            f"{own_way.path} {own_way.what_it_does} when {tag} is pushed, so it would fail "
            "on what cut --publish does first (or undo it); nothing was tagged",
            "run plain poetry release cut and leave the release to that workflow"
            + ("" if own_way.uploads_on_the_tag else " (or cut --publish --no-github-release)")
            + ", or replace it with the one poetry release init-ci writes (it runs cut "
            "--publish)",
        )
    released_by = own_way.path if own_way is not None and own_way.makes_release else None
    uploaded_by = own_way.path if own_way is not None and own_way.uploads_on_the_tag else None
    if github_release and released_by is None:
        steps.append("github release")
    ensure_public_index_accepts(version, request.repository, project.published_name)
    if request.publish and not project.metadata.package_mode:
        raise ReleaseError(
            "package-mode = false: this project builds no package, so there is nothing to publish",
            "run cut without --publish",
        )
    immutable: bool | None = False
    finished_by = fileless_by = None
    if request.publish and request.rehearse and facts.on_index is not True:
        if request.rehearse == request.repository:
            raise ConfigError(
                f"The rehearsal repository {request.rehearse} is the one the release goes to",
                "rehearse on another repository (testpypi), or drop --rehearse",
            )
        steps.insert(0, "rehearsal")
    if request.publish:
        adapters.publishing().check()
        _ensure_shipped_versions(
            project, version.text, facts.previous_version, adapters.publishing()
        )
        _ensure_release_open(facts, name, request, adapters)
        steps.append("publish")
        if github_release and settings.assets:
            immutable = adapters.github().immutable_releases()
            steps.append("assets")
        if github_release and not request.draft:
            steps.append("release published")
    elif github_release and released_by is None and not request.draft:
        _ensure_draft_has_its_files(facts, tag, settings.assets, adapters)
        finished_by = next((w.path for w in workflows if w.publishes_the_draft(tag)), None)
        fileless_by = next(
            (w.path for w in workflows if w.on_release and (w.attaches or w.uploads_itself)),
            None,
        )
    return CutPlan(
        project,
        version.text,
        tag,
        remote,
        branch,
        head,
        facts.local_tag == head,
        version.is_unstable(),
        tuple(steps),
        latest=facts.higher_final is None,
        release=facts.github_release,
        previous_version=facts.previous_version,
        immutable=immutable,
        finished_by=finished_by,
        fileless_by=None if finished_by else fileless_by,
        released_by=released_by,
        uploaded_by=uploaded_by,
    )


def _ensure_draft_has_its_files(
    facts: ReleaseFacts, tag: str, assets: bool, adapters: CutAdapters
) -> None:
    """Refuse to publish a draft that lacks the files the index has where releases may be
    immutable: published, it could never get them."""
    draft = facts.github_release
    if not assets or draft is None or not draft.draft or facts.on_index is not True:
        return
    if lacks_files(draft.assets):
        immutable = adapters.github().immutable_releases()
        if immutable is not False:
            raise ReleaseError(
                f"The draft release of {tag} lacks the files the index has for "
                f"{facts.version}; published now, it could never get them "
                "(releases may be immutable once published)",
                "run poetry release cut --publish: it attaches them (nothing is uploaded "
                "again), then publishes the release",
            )


def _ensure_shipped_versions(
    project: Project, version: str, previous: str, publishing: Publishing
) -> None:
    """Build now, and refuse a wheel or sdist that ships a version place with another
    version, or a module whose version name still says the previous release's."""
    from poetry_release_plugin.adapters.shipped import stale_places

    stale = stale_places(publishing.built(), project, version, previous)
    if stale:
        publishing.close()
        raise ReleaseError(
            f"The built files would ship a stale version: {'; '.join(stale)}",
            "write the version there (list the place in version-files, then prepare again), "
            "or fix the build's includes; nothing was tagged or uploaded",
        )


def _ensure_release_open(
    facts: ReleaseFacts, name: str, request: CutRequest, adapters: CutAdapters
) -> None:
    """On a resumed upload, refuse files PyPI would not take into a release older than 14
    days (said, not refused, for another index), before anything irreversible."""
    built = [path.name for path in adapters.publishing().built()]
    problem = closed_release_problem(
        facts, name, built, adapters.clock(), refuses=request.repository in PUBLIC_INDEXES
    )
    if isinstance(problem, str):
        adapters.reporter.warning(problem)
    elif problem is not None:
        adapters.publishing().close()
        raise problem


def run_cut(plan: CutPlan, request: CutRequest, adapters: CutAdapters) -> list[StepReport]:
    """Run the planned steps in order; each skips itself when already done."""
    steps: dict[str, Callable[[CutPlan, CutRequest, CutAdapters, CutProgress], StepReport]] = {
        "rehearsal": _rehearsal,
        "tag": _tag,
        "push": _push,
        "github release": _github_release,
        "publish": _publish,
        "assets": _assets,
        "release published": _release_published,
    }
    reports = []
    progress = CutProgress(plan.release)
    for name in plan.steps:
        try:
            report = steps[name](plan, request, adapters, progress)
        except KeyboardInterrupt:
            raise ReleaseError(
                f"Interrupted during the {name} step of cut",
                "run poetry release cut again: each step checks what is done and finishes the rest",
            ) from None
        adapters.reporter.info(f"{report.name}: {report.result.value} ({report.detail})")
        reports.append(report)
    return reports


def _rehearsal(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    """The very files, uploaded to the rehearsal index and installed from it, before the tag."""
    if request.dry_run:
        detail = f"upload to {request.rehearse}, then install from it"
        return StepReport("rehearsal", StepResult.PLANNED, detail)
    tagged = plan.tag_on_head or adapters.git.tag_commit(plan.tag) is not None
    return StepReport("rehearsal", StepResult.DONE, adapters.rehearse(tagged))


def _tag(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    if plan.tag_on_head or adapters.git.tag_commit(plan.tag) == plan.head:
        return StepReport("tag", StepResult.ALREADY_DONE, f"{plan.tag} is on {plan.head[:10]}")
    message = plan.project.settings.tag_message_for(plan.version, **plan.template_values)
    sign = request.sign or plan.project.settings.sign_tags
    if request.dry_run:
        kind = "signed" if sign else "annotated"
        return StepReport("tag", StepResult.PLANNED, f"{kind} tag {plan.tag}: {message!r}")
    adapters.git.create_tag(plan.tag, message, sign=sign, commit=plan.head)
    return StepReport("tag", StepResult.DONE, f"{plan.tag} {'signed' if sign else 'annotated'}")


def _push(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    git = adapters.git
    if plan.branch is None:  # checked by plan_cut: the remote has the tag on HEAD
        return StepReport("push", StepResult.ALREADY_DONE, f"{plan.remote} has {plan.tag}")
    branch_ref, tag_ref = f"refs/heads/{plan.branch}", f"refs/tags/{plan.tag}"
    remote = git.remote_refs(plan.remote, branch_ref, tag_ref)
    remote_branch = remote.get(branch_ref)
    branch_has_head = remote_branch is not None and git.is_ancestor(plan.head, remote_branch)
    if remote.get(tag_ref) == plan.head and branch_has_head:
        return StepReport(
            "push", StepResult.ALREADY_DONE, f"{plan.remote} has {plan.branch} and {plan.tag}"
        )
    if request.dry_run:
        return StepReport(
            "push", StepResult.PLANNED, f"git push --atomic {plan.remote} {plan.branch} {plan.tag}"
        )
    try:
        git.push_atomic(plan.remote, branch_ref, tag_ref)
    except GitError as error:
        if not plan.tag_on_head:
            git.delete_tag(plan.tag)  # made by this run: leave the repository as it was
        if isinstance(error, PushRejected):
            raise _explain_push(plan, error) from None
        raise
    return StepReport("push", StepResult.DONE, f"{plan.branch} and {plan.tag} to {plan.remote}")


def _github_release(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    github = adapters.github()
    existing = progress.release
    if existing is not None:
        return _existing_release(plan, request, adapters, progress, existing)
    title = plan.project.settings.release_title_for(plan.version, **plan.template_values)
    draft = request.draft or "release published" in plan.steps or plan.finished_by is not None
    if request.dry_run:
        flags = [f for f, on in (("pre-release", plan.prerelease), ("draft", draft)) if on]
        detail = f"create {title!r} for {plan.head[:10]}"
        return StepReport(
            "github release",
            StepResult.PLANNED,
            detail + (f" ({', '.join(flags)})" if flags else ""),
        )
    created: GitHubRelease = github.create_release(
        tag=plan.tag,
        commit=plan.head,
        title=title,
        body=adapters.notes(),
        prerelease=plan.prerelease,
        draft=draft,
        latest=plan.latest,
    )
    progress.release = created
    if plan.finished_by is not None and not request.draft:
        detail = f"a draft until {plan.finished_by} runs on the tag: {created.html_url}"
        return StepReport("github release", StepResult.DONE, detail)
    if draft and not request.draft:
        detail = f"a draft until the upload is done: {created.html_url}"
        return StepReport("github release", StepResult.DONE, detail)
    return StepReport("github release", StepResult.DONE, created.html_url)


def _existing_release(
    plan: CutPlan,
    request: CutRequest,
    adapters: CutAdapters,
    progress: CutProgress,
    existing: GitHubRelease,
) -> StepReport:
    """A release made before: a draft is published (unless --draft), and a body that says
    something else than the version's notes is pointed out, never silently rewritten."""
    stale = ""
    if not is_same_body(existing.body, adapters.notes()):
        stale = (
            f"; its body differs from the notes of {plan.version}: "
            f"poetry release notes {plan.version} --update rewrites it"
        )
    if not existing.draft:
        return StepReport(
            "github release", StepResult.ALREADY_DONE, f"release exists: {existing.html_url}{stale}"
        )
    if request.draft or "release published" in plan.steps or plan.finished_by:
        return StepReport(  # published after the upload, by this run or the tag's workflow
            "github release", StepResult.ALREADY_DONE, f"draft exists: {existing.html_url}{stale}"
        )
    if request.dry_run:
        return StepReport("github release", StepResult.PLANNED, f"publish the draft{stale}")
    published = adapters.github().update_release(existing, publish=True, latest=plan.latest)
    progress.release = published
    return StepReport(
        "github release", StepResult.DONE, f"draft published: {published.html_url}{stale}"
    )


def _publish(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    if request.dry_run:
        return StepReport(
            "publish", StepResult.PLANNED, f"build and upload to {request.repository}"
        )
    upload = adapters.publishing().publish()
    present = f"already on the index: {', '.join(upload.already_on_index)}"
    if not upload.uploaded:
        return StepReport("publish", StepResult.SKIPPED, present)
    detail = f"{', '.join(upload.uploaded)} to {request.repository}"
    return StepReport(
        "publish", StepResult.DONE, detail + (f"; {present}" if upload.already_on_index else "")
    )


def _assets(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    """Attach the files uploaded to the index (and their SHA256SUMS) to the release while it
    is a draft: never twice, never over other bytes, never to a locked release."""
    from poetry_release_plugin.core.release_assets import plan_attach, release_files

    files = release_files(adapters.publishing().attachable())
    if not request.dry_run:
        files = _as_on_the_index(plan, files, adapters)
    names = ", ".join(file.name for file in files)
    release = progress.release
    if request.dry_run or release is None:
        return StepReport("assets", StepResult.PLANNED, f"attach {names}")
    github = adapters.github()
    attached = github.assets(release)
    wanted = plan_attach(files, attached)
    if release.immutable or (not release.draft and plan.immutable):
        if wanted.done or not (wanted.upload or wanted.delete):
            return StepReport("assets", StepResult.ALREADY_DONE, f"{names} attached")
        missing = ", ".join(file.name for file in wanted.upload)
        adapters.reporter.warning(
            f"The release of {plan.tag} is published and immutable: {missing} can never be "
            "attached to it (verify reports them missing)"
        )
        return StepReport("assets", StepResult.SKIPPED, f"immutable release lacks {missing}")
    mismatched = list(wanted.mismatched)
    for name in wanted.unverified:
        asset = next(asset for asset in attached if asset.name == name)
        file = next(file for file in files if file.name == name)
        digest = github.asset_sha256(asset)
        if digest != file.sha256:
            mismatched.append(AssetMismatch(name, digest or "unknown", file.sha256))
    if mismatched:
        listed = "; ".join(
            f"{m.name}: the release has sha256 {m.attached_sha256}, the file uploaded has "
            f"{m.file_sha256}"
            for m in mismatched
        )
        kept = "the release stays a draft until then" if release.draft else "it was left as it is"
        raise ReleaseError(
            f"The release of {plan.tag} carries other bytes than were uploaded: {listed}",
            "delete those assets from the release on GitHub (the index has the real files), "
            f"then run cut --publish again; {kept}",
        )
    if wanted.done:
        return StepReport("assets", StepResult.ALREADY_DONE, f"{names} attached")
    sent, failed = [], []
    for asset in wanted.delete:
        github.delete_asset(release, asset)
    for file in wanted.upload:
        try:
            github.upload_asset(release, file)
        except GitHubError as error:
            if plan.immutable is not False and release.draft:
                raise ReleaseError(
                    f"{error.what}; the release of {plan.tag} stays a draft until its files are "
                    "attached (releases may be immutable once published)",
                    f"{error.fix}; run poetry release cut --publish again: it attaches what "
                    "is missing, then publishes",
                ) from None
            failed.append(f"{file.name} ({error.what})")
            continue
        sent.append(file.name)
    if failed:
        adapters.reporter.warning(
            f"Not attached to the release of {plan.tag}: {'; '.join(failed)}; the release is "
            "published all the same (verify reports the missing files)"
        )
    present = f"; already attached: {', '.join(wanted.present)}" if wanted.present else ""
    if not sent:
        return StepReport("assets", StepResult.SKIPPED, f"none attached{present}")
    return StepReport("assets", StepResult.DONE, f"{', '.join(sent)}{present}")


def _as_on_the_index(
    plan: CutPlan, files: list[AssetFile], adapters: CutAdapters
) -> list[AssetFile]:
    """The files as the index serves them: one built again with other bytes (a resumed run,
    another machine's build) is attached as the index's own, or not at all."""
    from poetry_release_plugin.core.release_assets import AssetFile, with_index_bytes
    from poetry_release_plugin.core.simple_api import files_of_version

    index = adapters.index()
    try:
        page = index.project_page(plan.project.metadata.name) if index is not None else None
    except ReleaseError:
        page = None  # the index cannot say now: the files are the ones just built and sent
    listed = {f.filename: f for f in files_of_version(page.files, plan.version)} if page else {}
    replaced = {}
    for file in files:
        entry = listed.get(file.name)
        if entry is None or entry.sha256 is None or entry.sha256 == file.sha256:
            continue
        content = adapters.index_bytes(entry)
        fetched = AssetFile.of(file.name, content) if content is not None else None
        if fetched is None or fetched.sha256 != entry.sha256:
            raise ReleaseError(
                f"{file.name} built now has sha256 {file.sha256}, the index has "
                f"{entry.sha256}, and the index's file could not be fetched to attach it; "
                f"the release of {plan.tag} was left as it is",
                "run poetry release cut --publish again (it fetches the index's file), or "
                "attach the index's file by hand",
            )
        replaced[file.name] = fetched
    return with_index_bytes(files, replaced) if replaced else files


def _release_published(
    plan: CutPlan, request: CutRequest, adapters: CutAdapters, progress: CutProgress
) -> StepReport:
    github = adapters.github()
    if request.dry_run:
        return StepReport("release published", StepResult.PLANNED, "publish the draft release")
    release = progress.release
    if release is None:
        raise ReleaseError(
            f"The GitHub release of {plan.tag} disappeared before it could be published",
            "run poetry release cut --publish again: it creates the release anew",
        )
    if not release.draft:
        return StepReport("release published", StepResult.ALREADY_DONE, release.html_url)
    published = github.update_release(release, publish=True, latest=plan.latest)
    progress.release = published
    return StepReport("release published", StepResult.DONE, published.html_url)


def _explain_push(plan: CutPlan, error: PushRejected) -> GitError:
    """The refusal in the user's words, with what to do about that kind of refusal."""
    refs = f"{plan.branch} and {plan.tag}"
    said = f":\n{error.remote_message}" if error.remote_message else ""
    if error.reason == "remote moved":
        return GitError(
            f"{plan.remote} refused the push of {refs} because its {plan.branch} has commits "
            "this clone lacks, so neither was pushed",
            f"git pull --rebase {plan.remote} {plan.branch} (the release commit then sits on "
            "top), then run cut again",
        )
    if error.reason == "hook rejected":
        return GitError(
            f"A hook on {plan.remote} rejected the push of {refs}, so neither was pushed; "
            f"it said{said or ' nothing'}",
            "do what the hook asks (a protected branch or tag rule, a required check), "
            "then run cut again; pulling will not help",
        )
    if error.reason == "permission denied":
        return GitError(
            f"{plan.remote} denied the push of {refs} (no permission), so neither was pushed"
            + said,
            f"use credentials that may push to {plan.remote} (a deploy key or token with write "
            "access), then run cut again",
        )
    return GitError(
        f"{plan.remote} refused the push of {refs}, so neither was pushed ({error.what})",
        "fix the cause shown by git, then run cut again",
    )
