"""`poetry release verify`: is the release really out? Index, files, install, GitHub, CI.

The index is asked every 1.5 s until the timeout (conditional requests: an unchanged page costs
a 304), so an upload is noticed within about two seconds of landing; meanwhile the GitHub
Actions runs of the tag's commit are watched every 10 s, and a failed one ends the wait.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from poetry_release_plugin.core.failed_release import FAILED_CONCLUSIONS as FOR_GOOD
from poetry_release_plugin.core.provenance import (
    describe_publisher,
    provenance_problem,
    publishers,
)
from poetry_release_plugin.core.release_assets import SHA256SUMS, read_sha256sums
from poetry_release_plugin.core.simple_api import (
    ACTIVE,
    describe_file,
    describe_yank,
    files_of_version,
    has_version,
    previous_version,
    yanked_reasons,
)
from poetry_release_plugin.errors import IndexCredentialsRefused, PackageIndexError, ReleaseError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from poetry_release_plugin.adapters.github import GitHub, GitHubRelease, WorkflowRun
    from poetry_release_plugin.core.release_assets import AttachedAsset
    from poetry_release_plugin.core.simple_api import IndexFile, IndexReader, ProjectPage

POLL_SECONDS = 1.5
GITHUB_POLL_SECONDS = 10.0
FAILED_CONCLUSIONS = {"failure", "cancelled", "timed_out", "startup_failure", "action_required"}


class Outcome(Enum):
    """A verify check's result."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckRow:
    """One row of the verify table."""

    name: str
    outcome: Outcome
    detail: str

    @property
    def ok(self) -> bool | None:
        """True, False, or None when skipped."""
        return None if self.outcome is Outcome.SKIPPED else self.outcome is Outcome.OK


@dataclass(frozen=True)
class VerifyRequest:
    """What to verify, and how long to wait for it."""

    name: str
    package: str | None
    version: str
    tag: str
    commit: str | None
    timeout: float = 600.0
    dist_dir: Path | None = None  # --dist, as the user named it
    dist_files: dict[str, str] = field(default_factory=dict)  # its files: name -> sha256
    install: bool = False
    github: bool = True
    provenance: bool = False
    publisher_repository: str | None = None  # owner/name the provenance must name
    publisher_workflow: str | None = None
    assets: bool = True  # the GitHub release must carry the index's files (`assets`)
    release_made_by: str | None = None  # a workflow that makes the release (and its files)


class Installer(Protocol):
    """Installs a release into a fresh venv and imports it: (ok, detail)."""

    def __call__(
        self, name: str, version: str, package: str | None, files: list[IndexFile]
    ) -> tuple[bool, str]:
        """`files`: the version's files on the index, with their hashes."""


@dataclass
class VerifyAdapters:
    """The side effects `verify` needs."""

    index: IndexReader
    github: Callable[[], GitHub | None]  # None: no token; ReleaseError: GitHub cannot be asked
    waiting: Callable[[str], None]
    install: Installer
    provenance: Callable[[str, str], Any] = lambda version, filename: None  # or None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@dataclass
class _Watch:
    github: GitHub | None
    runs: list[WorkflowRun] = field(default_factory=list)
    error: str | None = None
    unavailable: str = "no GitHub token (GITHUB_TOKEN, GH_TOKEN, gh)"
    asked_at: float | None = None


def verify(request: VerifyRequest, adapters: VerifyAdapters) -> list[CheckRow]:
    """Every check; the rows in the order index, files, install, github, workflow."""
    watch = _Watch(None)
    if request.github:
        try:
            watch.github = adapters.github()
        except ReleaseError as error:  # a remote not on GitHub: the reason is the row's detail
            watch.unavailable = error.what
    files, index_row = _wait_for_index(request, adapters, watch)
    rows = [index_row, _files_row(request, files)]
    rows.append(_install_row(request, adapters, files))
    if request.provenance:
        rows.append(_provenance_row(request, adapters, files))
    github_row, release = _github_row(request, watch)
    rows.append(github_row)
    if request.github and request.assets and request.release_made_by is not None:
        made_by = f"{request.release_made_by} makes the release and its files on the tag"
        rows.append(CheckRow("assets", Outcome.SKIPPED, made_by))
    elif request.github and request.assets:
        rows.append(_assets_row(watch, release, files, request.version))
    rows.append(_workflow_row(request, watch))
    return rows


def _wait_for_index(
    request: VerifyRequest, adapters: VerifyAdapters, watch: _Watch
) -> tuple[list[IndexFile] | None, CheckRow]:
    started = adapters.clock()
    deadline = started + request.timeout
    last_error = ""
    while True:
        asked = adapters.clock()
        if asked >= deadline:
            reason = f" ({last_error})" if last_error else ""
            detail = (
                f"{request.name} {request.version} is not on {adapters.index.url} "
                f"after {request.timeout:g} s{reason}"
            )
            return None, CheckRow("index", Outcome.FAILED, detail)
        try:
            page = adapters.index.project_page(request.name, seconds=deadline - asked)
            files = page.files if page is not None else []
            if has_version(files, request.version):
                waited = adapters.clock() - started
                detail = f"{request.name} {request.version} on {adapters.index.url}"
                return files, _on_index_row(request, page, detail + _waited(waited))
            if page is not None and page.status.marker == "quarantined":
                detail = (
                    f"{request.name} is quarantined on {adapters.index.url}"
                    f"{_reason(page.status.reason)}: the index offers none of its files"
                )
                return None, CheckRow("index", Outcome.FAILED, detail)
            last_error = ""
        except IndexCredentialsRefused as error:
            return None, CheckRow("index", Outcome.FAILED, error.what)
        except PackageIndexError as error:
            last_error = error.what
        failed_run = _poll_runs(request, watch, adapters.clock())
        if failed_run is not None:
            detail = f"the workflow {failed_run.name!r} failed: {failed_run.html_url}"
            if failed_run.conclusion in FOR_GOOD:
                detail += " (poetry release recover fixes it forward: the next patch)"
            return None, CheckRow("index", Outcome.FAILED, f"not on the index; {detail}")
        remaining = deadline - adapters.clock()
        if remaining > 0:
            adapters.waiting(_waiting_line(request, watch, remaining))
            adapters.sleep(min(max(asked + POLL_SECONDS - adapters.clock(), 0.0), remaining))


def _on_index_row(request: VerifyRequest, page: ProjectPage | None, detail: str) -> CheckRow:
    """The index row for a version the index lists: failed when every file of it is yanked
    (PEP 592: installers pass it over unless pinned with ==), with the project's status
    (PEP 792) when it is not active."""
    if page is not None and page.status.marker != ACTIVE:
        detail += f"; the project is {page.status.describe()} on the index"
    reasons = yanked_reasons(page.files, request.version) if page is not None else None
    if reasons is not None:
        detail = (
            f"{describe_yank(request.version, reasons)} on the index: installers pass it over "
            f"unless pinned (=={request.version}); {detail}"
        )
        return CheckRow("index", Outcome.FAILED, detail)
    return CheckRow("index", Outcome.OK, detail)


def _reason(reason: str) -> str:
    return f" ({reason})" if reason else ""


def _waited(seconds: float) -> str:
    return f" (after {seconds:.0f} s)" if seconds >= 1 else ""


def _poll_runs(
    request: VerifyRequest, watch: _Watch, now: float | None = None
) -> WorkflowRun | None:
    """Refresh the tag commit's Actions runs (at most every 10 s while waiting, when `now` is
    given); a failed one, if any."""
    if watch.github is None or request.commit is None:
        return None
    if now is not None:
        if watch.asked_at is not None and now - watch.asked_at < GITHUB_POLL_SECONDS:
            return None
        watch.asked_at = now
    try:
        runs = watch.github.workflow_runs(request.commit)
    except ReleaseError as error:
        watch.error = error.what
        return None
    watch.runs = [run for run in runs if run.event in ("release", "push")]
    return next((run for run in watch.runs if run.conclusion in FAILED_CONCLUSIONS), None)


def _waiting_line(request: VerifyRequest, watch: _Watch, remaining: float) -> str:
    line = f"Waiting for {request.name} {request.version} on the index ({remaining:.0f} s left)"
    if watch.runs:
        states = ", ".join(f"{run.name}: {run.conclusion or run.status}" for run in watch.runs)
        line += f"; workflows: {states}"
    return line


def _files_row(request: VerifyRequest, files: list[IndexFile] | None) -> CheckRow:
    if files is None:
        return CheckRow("files", Outcome.SKIPPED, "the version is not on the index")
    mine = files_of_version(files, request.version)
    kinds = {f.kind for f in mine}
    missing = [kind for kind in ("wheel", "sdist") if kind not in kinds]
    if missing:
        return CheckRow(
            "files", Outcome.FAILED, f"no {' and no '.join(missing)} of {request.version}"
        )
    if request.dist_dir is None:
        return CheckRow("files", Outcome.OK, ", ".join(sorted(f.filename for f in mine)))
    by_name = {f.filename: f for f in mine}
    local = {
        name: digest
        for name, digest in sorted(request.dist_files.items())
        if has_version([describe_file(name, "", None)], request.version)
    }
    if not local:
        return CheckRow(
            "files", Outcome.FAILED, f"{request.dist_dir} has no file of {request.version}"
        )
    problems = []
    for name, digest in local.items():
        remote = by_name.get(name)
        if remote is None:
            problems.append(f"{name} is not on the index")
        elif remote.sha256 is None:
            problems.append(f"the index gives no sha256 for {name}")
        elif remote.sha256 != digest:
            problems.append(
                f"{name} differs from the index's (sha256 {digest} here, {remote.sha256} there)"
            )
    if problems:
        return CheckRow("files", Outcome.FAILED, "; ".join(problems))
    return CheckRow("files", Outcome.OK, f"{len(local)} file(s) match {request.dist_dir} by sha256")


def _install_row(
    request: VerifyRequest, adapters: VerifyAdapters, files: list[IndexFile] | None
) -> CheckRow:
    if not request.install:
        return CheckRow("install", Outcome.SKIPPED, "not asked (--install)")
    if files is None:
        return CheckRow("install", Outcome.SKIPPED, "the version is not on the index")
    mine = files_of_version(files, request.version)
    ok, detail = adapters.install(request.name, request.version, request.package, mine)
    return CheckRow("install", Outcome.OK if ok else Outcome.FAILED, detail)


def _provenance_row(
    request: VerifyRequest, adapters: VerifyAdapters, files: list[IndexFile] | None
) -> CheckRow:
    if files is None:
        return CheckRow("provenance", Outcome.SKIPPED, "the version is not on the index")
    if request.publisher_repository is None:
        return CheckRow(
            "provenance",
            Outcome.FAILED,
            "cannot tell which repository must have published it: set github-repository",
        )
    mine = sorted(f.filename for f in files if has_version([f], request.version))
    problems = []
    publishers_seen: set[str] = set()
    for filename in mine:
        try:
            found = adapters.provenance(request.version, filename)
        except PackageIndexError as error:
            problems.append(f"{filename}: {error.what}")
            continue
        publishers_seen.update(describe_publisher(p) for p in publishers(found))
        digest = next((f.sha256 for f in files if f.filename == filename), None)
        problem = provenance_problem(
            filename, found, request.publisher_repository, request.publisher_workflow, digest
        )
        if problem:
            problems.append(problem)
    problems += _continuity(request, adapters, files, publishers_seen)
    if problems:
        return CheckRow("provenance", Outcome.FAILED, "; ".join(problems))
    expected = request.publisher_repository + (
        f" ({request.publisher_workflow})" if request.publisher_workflow else ""
    )
    return CheckRow("provenance", Outcome.OK, f"{len(mine)} file(s) published by {expected}")


def _continuity(
    request: VerifyRequest,
    adapters: VerifyAdapters,
    files: list[IndexFile],
    publishers_now: set[str],
) -> list[str]:
    """What PyPI flags against the release before: provenance lost, or another publisher."""
    previous = previous_version(files, request.version)
    if previous is None:
        return []
    before: set[str] = set()
    for file in files_of_version(files, previous):
        try:
            found = adapters.provenance(previous, file.filename)
        except PackageIndexError:
            return []  # cannot tell: the row already says what the index refused
        before.update(describe_publisher(p) for p in publishers(found))
    if not before:
        return []
    if not publishers_now:
        return [f"provenance lost: {previous} was published by {', '.join(sorted(before))}"]
    if not publishers_now & before:
        return [
            f"publisher changed: {previous} was published by {', '.join(sorted(before))}, "
            f"{request.version} by {', '.join(sorted(publishers_now))}"
        ]
    return []


def _github_row(request: VerifyRequest, watch: _Watch) -> tuple[CheckRow, GitHubRelease | None]:
    if not request.github:
        return CheckRow("github", Outcome.SKIPPED, "--no-github"), None
    if watch.github is None:
        return CheckRow("github", Outcome.SKIPPED, watch.unavailable), None
    try:
        release = watch.github.release_for_tag(request.tag)
    except ReleaseError as error:
        return CheckRow("github", Outcome.FAILED, error.what), None
    if release is None:
        return CheckRow("github", Outcome.FAILED, f"no GitHub release for {request.tag}"), None
    if release.draft:
        detail = f"the release of {request.tag} is still a draft"
        return CheckRow("github", Outcome.FAILED, detail), release
    return CheckRow("github", Outcome.OK, release.html_url), release


def _assets_row(
    watch: _Watch, release: GitHubRelease | None, files: list[IndexFile] | None, version: str
) -> CheckRow:
    """The release carries the index's files, byte for byte, and a SHA256SUMS saying so."""
    if watch.github is None or release is None:
        return CheckRow("assets", Outcome.SKIPPED, "no GitHub release to look at")
    if files is None:
        return CheckRow("assets", Outcome.SKIPPED, "the version is not on the index")
    mine = files_of_version(files, version)
    try:
        attached = {asset.name: asset for asset in watch.github.assets(release)}
        problems = []
        for file in mine:
            asset = attached.get(file.filename)
            if asset is None or asset.state != "uploaded":
                problems.append(f"{file.filename} is not attached")
                continue
            digest = watch.github.asset_sha256(asset)
            if digest is None or file.sha256 is None:
                problems.append(f"cannot compare {file.filename} (no sha256 to compare)")
            elif digest != file.sha256:
                problems.append(
                    f"{file.filename} differs from the index's: sha256 {digest} attached, "
                    f"{file.sha256} on the index"
                )
        names = {file.filename for file in mine}
        extra = [
            name
            for name in attached
            if name not in names and has_version([describe_file(name, "", None)], version)
        ]
        problems += [f"{name} is attached but not on the index" for name in sorted(extra)]
        problems += _sums_problems(watch.github, attached.get(SHA256SUMS), mine)
    except ReleaseError as error:
        return CheckRow("assets", Outcome.FAILED, error.what)
    if problems:
        return CheckRow("assets", Outcome.FAILED, "; ".join(problems))
    return CheckRow(
        "assets",
        Outcome.OK,
        f"{len(mine)} file(s) and the digests in {SHA256SUMS} match the index's sha256",
    )


def _sums_problems(github: GitHub, sums: AttachedAsset | None, files: list[IndexFile]) -> list[str]:
    """What is wrong with the release's SHA256SUMS: missing, unfinished, unreadable, or
    saying other digests than the index's."""
    if sums is None or sums.state != "uploaded":
        return [f"no {SHA256SUMS}" if sums is None else f"{SHA256SUMS} is an unfinished upload"]
    content = github.asset_content(sums)
    if content is None:
        return [f"{SHA256SUMS} could not be downloaded"]
    said = read_sha256sums(content)
    return [
        f"{SHA256SUMS} gives {file.filename} sha256 {said.get(file.filename, 'none')}, "
        f"the index {file.sha256}"
        for file in files
        if file.sha256 is not None and said.get(file.filename) != file.sha256
    ]


def _workflow_row(request: VerifyRequest, watch: _Watch) -> CheckRow:
    if watch.github is None:
        return CheckRow("workflow", Outcome.SKIPPED, "no GitHub to ask")
    if request.commit is None:
        return CheckRow("workflow", Outcome.SKIPPED, f"no tag {request.tag} to find runs for")
    _poll_runs(request, watch)
    if watch.error:
        return CheckRow("workflow", Outcome.SKIPPED, watch.error)
    if not watch.runs:
        return CheckRow("workflow", Outcome.SKIPPED, f"no workflow runs for {request.commit[:10]}")
    failed = [run for run in watch.runs if run.conclusion in FAILED_CONCLUSIONS]
    if failed:
        return CheckRow(
            "workflow",
            Outcome.FAILED,
            f"{failed[0].name}: {failed[0].conclusion}: {failed[0].html_url}",
        )
    states = ", ".join(f"{run.name}: {run.conclusion or run.status}" for run in watch.runs)
    return CheckRow("workflow", Outcome.OK, states)
