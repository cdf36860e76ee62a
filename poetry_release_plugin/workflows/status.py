"""`poetry release status`: where the release stands, read-only, and what to run next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from poetry_release_plugin.core.commits import bump_rule
from poetry_release_plugin.core.simple_api import has_version
from poetry_release_plugin.errors import InvalidVersion, ReleaseError
from poetry_release_plugin.workflows.history import (
    changes_since,
    higher_release_tag,
    last_release_tag,
    release_commit,
    release_rule,
    release_target,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.github import GitHub
    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.core.commits import Commit
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.simple_api import IndexReader


T = TypeVar("T")


@dataclass(frozen=True)
class ReleaseStatus:
    """Facts about the current version's release; None where a fact is unknown."""

    version: str
    files: tuple[tuple[str, str], ...]
    files_in_sync: bool
    last_tag: str | None
    commits_since: int
    releasable_since: bool
    tag: str
    tag_local: bool
    tag_remote: bool | None
    github_release: bool | None
    on_index: bool | None
    notes: tuple[str, ...]
    tag_format: str = "v{version}"
    tag_format_source: str = "default"
    tag_format_detail: str = ""
    github_draft: bool = False
    tag_elsewhere: bool = False
    past_release_commit: str | None = None  # HEAD is past the commit that set the version
    installed_version: str = ""  # how an installed copy tells its version
    left_by_prepare: LeftChanges | None = None  # an interrupted (or running) prepare's changes
    off_release_branch: str = ""  # the branch checked out, when it is not a release branch
    release_branches: tuple[str, ...] = ("main",)  # the configured names and patterns
    below_tag: str = ""  # a release tag in HEAD's history above the version: cut refuses

    @property
    def interrupted(self) -> bool:
        """Whether a prepare that is not running left files changed, uncommitted."""
        left = self.left_by_prepare
        return left is not None and not left.running and not left.committed and bool(left.changed)

    @property
    def blocked(self) -> str | None:
        """Why `next` cannot run here, or None: prepare and cut run only on a release branch."""
        if self.off_release_branch and self.next in ("prepare", "cut"):
            return (
                f"on branch {self.off_release_branch}, which is not a release branch "
                f"({', '.join(self.release_branches)}): {self.next} runs only on one"
            )
        return None

    @property
    def next(self) -> str:
        """What to run next (prepare, cut, verify, or done): always the command that makes
        progress from here, the one `cut` agrees with (see `cut`'s plan for each state); off a
        release branch, `blocked` says that checking one out comes first."""
        left = self.left_by_prepare
        if left is not None and left.changed and not left.committed:
            return "prepare"  # prepare --abort, or prepare again, puts the files back first
        if not self.files_in_sync or self.below_tag:
            return "prepare"
        finished = self.tag_remote is not False and self.github_release is not False
        if self.tag_elsewhere:  # HEAD moved past this version's release: cut refuses here
            if self.releasable_since and (not finished or self.on_index is True):
                return "prepare"
            if finished and self.on_index is True:
                return "done"
            return "verify"  # prepare would find nothing to release: verify names what is missing
        if not self.tag_local and self.past_release_commit:  # cut refuses: nothing to tag here
            return "prepare"
        if not self.tag_local or not finished:  # a draft counts as unfinished: cut publishes it
            return "cut"
        if self.on_index is not True:
            return "verify"
        return "prepare" if self.releasable_since else "done"


@dataclass
class StatusAdapters:
    """What `status` may ask; GitHub and the index may be unavailable (offline, no token)."""

    git: Git
    github: Callable[[], GitHub | None]
    index: Callable[[], IndexReader | None]
    left_by_prepare: Callable[[], LeftChanges | None] = field(default=lambda: None)


def release_status(project: Project, adapters: StatusAdapters, *, offline: bool) -> ReleaseStatus:
    """Gather every fact `status` shows; changes nothing."""
    settings = project.settings
    git = adapters.git
    tag = settings.tag_for(project.version)
    last = last_release_tag(git, settings)
    since = changes_since(git, settings, last, paths=project.history_paths)
    notes: list[str] = []
    branch = git.current_branch()
    off_release_branch = branch if branch and not settings.is_release_branch(branch) else ""
    if off_release_branch:
        notes.append(
            f"on branch {branch}, which is not a release branch ({', '.join(settings.branch)}): "
            "prepare and cut run only on one"
        )
    choice = project.tag_choice
    if choice is not None and choice.warning is not None:
        notes.append(f"warning: {choice.warning}")
    tag_remote: bool | None = None
    github_release: bool | None = None
    on_index: bool | None = None
    head = git.head()
    if head is not None:
        head = release_target(project, git, head)  # in a subfolder: the project's own release
    local_tag = git.tag_commit(tag)
    tag_elsewhere = local_tag is not None and local_tag != head
    github_draft = False
    if not offline:
        known, remote_tag = _ask(notes, "remote", lambda: _remote_tag(git, settings.remote, tag))
        tag_remote = (remote_tag is not None) if known and git.has_remote(settings.remote) else None
        tag_elsewhere = tag_elsewhere or (remote_tag is not None and remote_tag != head)
        github = _github(adapters, notes) if settings.github_release else None
        if github is not None:
            known, release = _ask(notes, "GitHub", lambda: github.release_for_tag(tag))
            github_release = (release is not None and not release.draft) if known else None
            github_draft = release is not None and release.draft
        index = adapters.index()
        if index is not None:
            name = project.metadata.name
            known, files = _ask(notes, "index", lambda: index.project_files(name))
            on_index = has_version(files or [], project.version) if known else None
    higher = higher_release_tag(project, git) if project.files_in_sync else None
    if higher is not None:
        notes.append(
            f"{project.version} is not above {higher.name}, the highest release tag in this "
            "branch's history: cut refuses it, so prepare comes first"
        )
    past = None
    if local_tag is None:
        found = release_commit(git, project.version, project.history_paths)
        if found is not None and found.commits_past:
            past = found.describe()
            notes.append(f"HEAD is {past}: cut tags only that commit, so prepare comes first")
            if not _releasable(project, since):
                notes.append(
                    "no commit since the last release calls for a version: give prepare the "
                    "rule (poetry release prepare patch)"
                )
    return ReleaseStatus(
        version=project.version,
        files=(
            ("pyproject.toml", project.version),
            *tuple((f.path, f.version) for f in project.version_files),
        ),
        files_in_sync=project.files_in_sync,
        last_tag=last.name if last else None,
        commits_since=len(since),
        releasable_since=_releasable(project, since),
        tag=tag,
        tag_local=local_tag is not None,
        tag_remote=tag_remote,
        github_release=github_release,
        on_index=on_index,
        notes=tuple(notes),
        tag_format=settings.tag_format,
        tag_format_source=choice.source if choice else "configured",
        tag_format_detail=choice.describe() if choice else settings.tag_format,
        github_draft=github_draft,
        tag_elsewhere=tag_elsewhere,
        past_release_commit=past,
        installed_version=_installed_version(project),
        left_by_prepare=adapters.left_by_prepare(),
        off_release_branch=off_release_branch,
        release_branches=settings.branch,
        below_tag=higher.name if higher is not None else "",
    )


def _releasable(project: Project, since: list[Commit]) -> bool:
    """Whether `prepare` would find something to release in these changes (its own rule)."""
    try:
        return release_rule(project, since) is not None
    except InvalidVersion:  # status still shows a project whose version does not parse
        return bump_rule(since, major=1, major_on_zero=True) is not None


def _installed_version(project: Project) -> str:
    reader = project.version_reader
    if reader.module is None:
        return f"no version file: read from the installed metadata ({reader.describe()})"
    return reader.describe()


def _github(adapters: StatusAdapters, notes: list[str]) -> GitHub | None:
    """The GitHub client, or None with a note saying why GitHub is not asked (no token, or a
    remote that is not on GitHub: the note says how to configure an Enterprise host)."""
    try:
        github = adapters.github()
    except ReleaseError as error:
        notes.append(f"GitHub: not asked: {error}")
        return None
    if github is None:
        notes.append("GitHub: no token (GITHUB_TOKEN, GH_TOKEN or gh), so not asked")
    return github


def _ask(notes: list[str], what: str, question: Callable[[], T]) -> tuple[bool, T | None]:
    """(True, the answer), or (False, None) with a note when it could not be had."""
    try:
        return True, question()
    except ReleaseError as error:
        notes.append(f"{what}: {error.what}")
        return False, None


def _remote_tag(git: Git, remote: str, tag: str) -> str | None:
    """The commit the remote's tag marks (None without the tag, or without the remote)."""
    if not git.has_remote(remote):
        return None
    return git.remote_refs(remote, f"refs/tags/{tag}").get(f"refs/tags/{tag}")
