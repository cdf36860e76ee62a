"""Gathering `ReleaseFacts`: the one place a release command asks git, the remote, GitHub and
the index where the release stands. status, cut and prepare decide from what it returns
(`core/release_state.py`), so they cannot disagree."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from poetry_release_plugin.core.commits import changes_only
from poetry_release_plugin.core.release_state import (
    ReleaseBranch,
    ReleaseFacts,
    release_tags,
    tags_of_version,
)
from poetry_release_plugin.core.simple_api import ProjectPage, has_version
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import InvalidVersion, ReleaseError
from poetry_release_plugin.workflows.history import (
    find_last_release,
    higher_final_tag,
    higher_in_history,
    release_commit,
    release_convention,
    with_commit_message,
    with_tag_format,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.github import GitHub, GitHubRelease
    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.simple_api import IndexReader

T = TypeVar("T")


@dataclass
class FactSources:
    """Where facts come from; a source left None is not asked (offline, no GitHub)."""

    git: Git
    remote: str | None = None  # the remote whose tags to ask
    github: Callable[[], GitHub | None] | None = None
    index: Callable[[], IndexReader | None] | None = None
    left_by_prepare: Callable[[], LeftChanges | None] = field(default=lambda: None)
    strict: bool = False  # raise what cannot be asked (cut), instead of noting it (status)
    dirty: bool = True  # ask for uncommitted changes (prepare checks them itself)
    warn: Callable[[str], None] = field(default=lambda message: None)


def release_branch(project: Project, git: Git, *, online: bool) -> ReleaseBranch:
    """The release branches: `branch` when configured, else the remote's default branch
    (`origin/HEAD`, else what the remote's HEAD names when online), else `main` or `master`
    when only one of them exists here (or, both here, on the remote), else `main`."""
    settings = project.settings
    if "branch" in settings.explicit_keys:
        return ReleaseBranch(settings.branch, "configured")
    if git.is_work_tree():
        found = git.default_branch(settings.remote, online=online)
        if found is not None:
            return ReleaseBranch((found[0],), f"the default branch: {found[1]}")
        branches = set(git.local_branches())
        usual = [name for name in ("main", "master") if name in branches]
        if len(usual) == 1:
            return ReleaseBranch((usual[0],), "the only one of main and master here")
        if len(usual) == 2:
            remote = [name for name in usual if name in git.remote_branches(settings.remote)]
            if len(remote) == 1:
                why = f"the only one of main and master that {settings.remote} has"
                return ReleaseBranch((remote[0],), why)
    return ReleaseBranch(settings.branch, "default")


def settled(project: Project, git: Git, *, online: bool) -> Project:
    """The project with what its repository tells settled: the tag format, the release
    branches and the release commit message (each configured, else inferred)."""
    project = with_tag_format(project, git)
    project = with_release_branch(project, git, online=online)
    return with_commit_message(project, git)


def with_release_branch(project: Project, git: Git, *, online: bool) -> Project:
    """The project with its release branches settled (see `release_branch`)."""
    branch = release_branch(project, git, online=online)
    settings = dataclasses.replace(project.settings, branch=branch.patterns)
    return dataclasses.replace(project, settings=settings, release_branch=branch)


def gather_facts(project: Project, sources: FactSources) -> ReleaseFacts:
    """Every fact status, cut and prepare decide from, each asked once."""
    git = sources.git
    settings = project.settings
    notes: list[str] = []
    current = _version_or_none(project.version)
    local_tags = git.tag_commits()
    tags = release_tags(local_tags, settings.tag_format)
    branch = git.current_branch()
    head = at_head = git.head()
    tag = settings.tag_for(current.text if current is not None else project.version)
    paths = project.history_paths
    last = find_last_release(
        git, tags, current or parse_version("0"), end_commit=at_head, paths=paths
    )
    if last.tag is not None and last.tag.place is not None and not last.tag.place.owned:
        notes.append(
            f"none of the highest release tags is in this branch's history: {last.tag.name} "
            "is taken as the last release by its version; if that is wrong, give prepare the "
            "rule"
        )
    for other in last.passed_over:
        notes.append(
            f"{other.name} is on another line (not in this branch's history, nor forked from "
            f"it after {last.tag.name if last.tag else 'the first commit'}), so it is not "
            "counted as this branch's last release"
        )
    convention = release_convention(project, git, last.tag)
    since = changes_only(last.commits, convention)
    choice = project.tag_choice
    if choice is not None and choice.warning is not None:
        notes.append(f"warning: {choice.warning}")
    detached_at_tag = branch is None and local_tags.get(tag) == head  # a CI job on the tag
    found_commit = (
        release_commit(
            git,
            project.version,
            paths,
            is_release_subject=convention,
            release_files=_release_files(project, git),
            names_version="{version}" in settings.commit_message,
        )
        if head is not None and not detached_at_tag and (paths or local_tags.get(tag) is None)
        else None
    )
    if paths and found_commit is not None and found_commit.commits_past == 0:
        head = found_commit.sha  # in a subfolder: the project's release, others' commits after
    remote_tags = _ask(sources, notes, "remote", lambda: _remote_tags(git, sources.remote))
    name = project.metadata.name
    version_tags: dict[str, str] = {}
    version_tags_remote: dict[str, str] | None = None

    def spellings(tags: Mapping[str, str]) -> dict[str, str]:
        """The tags among these that spell this version, in the project's formats."""
        if current is None:
            return {}
        return tags_of_version(tags, settings.tag_format, name, current, in_subfolder=bool(paths))

    if current is not None:
        version_tags = spellings(local_tags)
        if remote_tags is not None:
            version_tags_remote = spellings(remote_tags)

    def spells_version(tag_name: str) -> bool:
        return bool(spellings({tag_name: ""}))

    github_release, github_elsewhere, github_known = _github_release(
        sources, notes, tag, spells_version
    )
    index_page, index_url = _index_page(sources, notes, name, project.version)
    return ReleaseFacts(
        version=project.version,
        files=(
            ("pyproject.toml", project.version),
            *tuple((f.spec.describe(), f.version) for f in project.places),
        ),
        files_in_sync=project.files_in_sync,
        tag=tag,
        head=head,
        branch=branch,
        release_branch=project.release_branch or ReleaseBranch(settings.branch, "default"),
        local_tags=local_tags,
        tags=tuple(tags),
        remote_tags=remote_tags,
        version_tags=version_tags,
        version_tags_remote=version_tags_remote,
        last_release=last.tag,
        passed_over=last.passed_over,
        changes_since=tuple(since),
        release_commit=found_commit,
        higher_in_history=(
            higher_in_history(git, tags, current, head)
            if current is not None and head is not None and project.files_in_sync
            else None
        ),
        higher_final=higher_final_tag(tags, current) if current is not None else None,
        github_release=github_release,
        github_elsewhere=github_elsewhere,
        github_known=github_known,
        on_index=None if index_page is None else has_version(index_page.files, project.version),
        index_page=index_page,
        left_by_prepare=sources.left_by_prepare(),
        notes=tuple(notes),
        dirty=tuple(git.changed_paths()) if head is not None and sources.dirty else (),
        remote=sources.remote or settings.remote,
        index_url=index_url,
        in_subfolder=bool(paths),
        major_on_zero=settings.major_on_zero,
    )


def _release_files(project: Project, git: Git) -> frozenset[str]:
    """The files a release commit of the project writes, from the top of the work tree."""
    from pathlib import Path

    from poetry_release_plugin.core.sources import PYPROJECT

    top = Path(git.top_level()).resolve()
    written = [PYPROJECT, *project.files]
    if project.changelog is not None:
        written.append(project.changelog.path)
    found = {(project.root / path).resolve() for path in written}
    return frozenset(p.relative_to(top).as_posix() for p in found if p.is_relative_to(top))


def _version_or_none(text: str) -> Version | None:
    try:
        return parse_version(text)
    except InvalidVersion:
        return None


def _ask(
    sources: FactSources, notes: list[str], what: str, question: Callable[[], T | None]
) -> T | None:
    """The answer; a question that cannot be answered raises (strict) or is noted."""
    try:
        return question()
    except ReleaseError as error:
        if sources.strict:
            raise
        notes.append(f"{what}: {error.what}")
        return None


def _remote_tags(git: Git, remote: str | None) -> dict[str, str] | None:
    """Every tag on the remote (None when not asked, or without that remote)."""
    if remote is None or not git.has_remote(remote):
        return None
    return git.remote_tags(remote)


def _github_release(
    sources: FactSources, notes: list[str], tag: str, spellings: Callable[[str], bool]
) -> tuple[GitHubRelease | None, tuple[str, ...], bool]:
    """From one listing: the GitHub release (or draft) of the tag, the addresses of releases
    of the version's other spellings, and whether GitHub answered."""
    if sources.github is None:
        return None, (), False
    try:
        github = sources.github()
    except ReleaseError as error:
        if sources.strict:
            raise
        notes.append(f"GitHub: not asked: {error}")
        return None, (), False
    if github is None:
        notes.append("GitHub: no token (GITHUB_TOKEN, GH_TOKEN or gh), so not asked")
        return None, (), False
    releases = _ask(sources, notes, "GitHub", github.list_releases)
    if releases is None:
        return None, (), False
    mine = next((r for r in releases if r.tag_name == tag), None)
    others = tuple(
        r.html_url for r in releases if spellings(r.tag_name) and r.tag_name != tag and not r.draft
    )
    return mine, others, True


def _index_page(
    sources: FactSources, notes: list[str], name: str, version: str
) -> tuple[ProjectPage | None, str]:
    """What the index lists for the project (None: not asked, or no answer; a project it
    has never heard of lists nothing), and the index's address."""
    if sources.index is None:
        return None, ""
    index = sources.index()
    if index is None:
        return None, ""
    try:
        page = index.project_page(name)
    except ReleaseError as error:
        if sources.strict:
            sources.warn(f"{error.what}; the index was not asked whether it has {version}")
        else:
            notes.append(f"index: {error.what}")
        return None, index.url
    return page or ProjectPage([]), index.url
