"""The project's release history in git: its tag format, release tags, and the commits since one."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.core.commits import bump_rule, changes_only
from poetry_release_plugin.core.sources import declared_paths
from poetry_release_plugin.core.tag_formats import (
    AmbiguousTagFormat,
    TagFormatChoice,
    choose_tag_format,
    tag_version,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import ConfigError

if TYPE_CHECKING:
    from poetry.core.constraints.version import Version

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.config import ReleaseSettings
    from poetry_release_plugin.core.commits import Commit
    from poetry_release_plugin.core.project import Project


@dataclass(frozen=True)
class ReleaseTag:
    """A tag that marks a release, and its version."""

    name: str
    version: Version


def with_tag_format(project: Project, git: Git) -> Project:
    """The project with its tag format settled: `tag-format` if configured, else the one its
    tags follow (`v{version}` without any). Two formats tagging the same release are refused."""
    settings = project.settings
    configured = settings.tag_format if "tag-format" in settings.explicit_keys else None
    tags = git.all_tags() if git.is_work_tree() else []
    try:
        choice = choose_tag_format(tags, project.metadata.name, project.version, configured)
    except AmbiguousTagFormat as error:
        listed = "; ".join(f"{f} ({', '.join(t)})" for f, t in error.candidates.items())
        example = next(iter(error.candidates))
        raise ConfigError(
            f"Cannot tell the release tag format: the tags follow {listed}",
            f'set tag-format in [tool.poetry-release], for example tag-format = "{example}"',
        ) from None
    paths = history_paths(project, git)
    if paths:  # a project in a subfolder: its tags must tell it from the repository's others
        choice = _project_tag_format(project, choice)
    settings = dataclasses.replace(settings, tag_format=choice.tag_format)
    return dataclasses.replace(project, settings=settings, tag_choice=choice, history_paths=paths)


def history_paths(project: Project, git: Git) -> tuple[str, ...]:
    """The paths whose commits are the project's, relative to its folder: none (every commit)
    for a project at the repository's root; in a subfolder, the folder and what pyproject.toml
    declares from outside it (a shared package, the readme)."""
    if not git.is_work_tree():
        return ()
    top = Path(git.top_level()).resolve()
    root = project.root.resolve()
    if root == top:
        return ()
    paths = ["."]
    for declared in declared_paths(project.pyproject_text):
        target = (root / declared).resolve()
        if not target.is_relative_to(root) and target.is_relative_to(top):
            paths.append(Path(os.path.relpath(target, root)).as_posix())
    return tuple(dict.fromkeys(paths))


def _project_tag_format(project: Project, choice: TagFormatChoice) -> TagFormatChoice:
    """In a subfolder, the tag format must carry the project (its name or its folder's): the
    default becomes `{name}-v{version}`, anything else that does not is refused."""
    name = project.metadata.name
    if choice.source == "default":
        return dataclasses.replace(choice, tag_format=f"{name}-v{{version}}")
    fixed = _normalized(choice.tag_format.replace("{version}", " "))
    if _normalized(name) in fixed or _normalized(project.root.resolve().name) in fixed:
        return choice
    how = "configured" if choice.source == "configured" else "inferred from the tags"
    raise ConfigError(
        f"{name} lives in the subfolder {project.root.name}/ of its repository, and its tag "
        f"format {choice.tag_format} ({how}) does not name it, so its tags cannot be told from "
        "the other projects' tags",
        f'set tag-format = "{name}-v{{version}}" in [tool.poetry-release]',
    )


def _normalized(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def release_tags(git: Git, settings: ReleaseSettings, revision: str = "HEAD") -> list[ReleaseTag]:
    """Release tags (annotated or lightweight, matching tag-format) reachable from `revision`,
    highest version first."""
    found = []
    for name in git.tags_merged_into(revision):
        version = tag_version(settings.tag_format, name)
        if version is not None:
            found.append(ReleaseTag(name, version))
    return sorted(found, key=lambda tag: tag.version, reverse=True)


def highest_release_tag(git: Git, settings: ReleaseSettings) -> ReleaseTag | None:
    """The highest release tag in the repository, found without walking the history: most
    often the last release in HEAD's history too (`last_release_tag` says for sure)."""
    tags = git.all_tags() if git.is_work_tree() else []  # outside one, the checks say so
    found = [
        ReleaseTag(name, version)
        for name in tags
        if (version := tag_version(settings.tag_format, name)) is not None
    ]
    return max(found, key=lambda tag: tag.version, default=None)


def in_history(git: Git, tag: ReleaseTag, head: str) -> bool:
    """Whether `tag` marks a commit in the history of `head` (HEAD's commit), told from the
    commits since it (which a release reads anyway) rather than by walking the whole history:
    `head` is its commit, or its commit is a parent of one of them."""
    commit = git.tag_commit(tag.name)
    if commit is None:
        return False
    return commit == head or commit in git.parents_in(f"{tag.name}..HEAD")


def last_release_tag(
    git: Git, settings: ReleaseSettings, revision: str = "HEAD", *, below: str | None = None
) -> ReleaseTag | None:
    """The highest release tag reachable from `revision` (below a version, if given)."""
    limit = parse_version(below) if below is not None else None
    for tag in release_tags(git, settings, revision):
        if limit is None or tag.version < limit:
            return tag
    return None


def higher_release_tag(project: Project, git: Git) -> ReleaseTag | None:
    """The highest release tag in HEAD's history when it marks a version above the project's
    (releasing the project's version would go backwards), else None. A backport branch, whose
    history lacks the newer releases, has none."""
    tags = release_tags(git, project.settings)
    if tags and tags[0].version > parse_version(project.version):
        return tags[0]
    return None


def higher_final_tag(project: Project, git: Git) -> str | None:
    """A release tag anywhere in the repository (a newer line than a backport's) marking a final
    version above the project's, or None: then its GitHub release may become the latest."""
    current = parse_version(project.version)
    for name in git.all_tags():
        version = tag_version(project.settings.tag_format, name)
        if version is not None and not version.is_unstable() and version > current:
            return name
    return None


def ensure_history_readable(choice: TagFormatChoice | None, previous: ReleaseTag | None) -> None:
    """Refuse to read the commits since the last release when the configured tag-format matches
    none of the repository's release tags (every commit since the first would count)."""
    if previous is None and choice is not None and choice.warning is not None:
        raise ConfigError(
            f"Cannot tell which commits are new: {choice.warning}",
            "fix tag-format in [tool.poetry-release] (or remove it to infer it), "
            "or give the version or rule explicitly",
        )


@dataclass(frozen=True)
class ReleaseCommit:
    """The commit that set the current version, and how far HEAD is past it."""

    sha: str
    subject: str
    commits_past: int

    def describe(self) -> str:
        """How far HEAD is past the release commit, for messages."""
        return f"{self.commits_past} commit(s) past {self.sha[:10]} ({self.subject})"


def release_commit(git: Git, version: str, paths: tuple[str, ...] = ()) -> ReleaseCommit | None:
    """The last commit that changed the version in pyproject.toml (comparing each commit with
    its first parent), or None if history does not tell (pyproject.toml never committed). With
    `paths` (a project in a subfolder), HEAD is past it only by commits touching them: another
    project's commits do not move this project's release."""
    from poetry_release_plugin.core.sources import PYPROJECT, version_in_pyproject

    for sha in git.commits_changing(PYPROJECT):
        mine = version_in_pyproject(git.file_at(sha, PYPROJECT))
        if mine != version_in_pyproject(git.file_at(f"{sha}^1", PYPROJECT)):
            if mine != version:  # the work tree holds another version than HEAD's history
                return None
            past = (
                len(git.log(f"{sha}..HEAD", paths)) if paths else git.count_commits(f"{sha}..HEAD")
            )
            return ReleaseCommit(sha, git.subject(sha), past)
    return None


def release_target(project: Project, git: Git, head: str) -> str:
    """The commit that releases the project: HEAD, or in a subfolder the project's release
    commit when the commits after it touch only other projects (it is on the branch already)."""
    if not project.history_paths:
        return head
    found = release_commit(git, project.version, project.history_paths)
    return found.sha if found is not None and found.commits_past == 0 else head


def _commit_range(start: ReleaseTag | None, end: str) -> str:
    return f"{start.name}..{end}" if start is not None else end


def commits_between(
    git: Git, start: ReleaseTag | None, end: str = "HEAD", paths: tuple[str, ...] = ()
) -> list[Commit]:
    """Commits after `start` (all of history without one) up to `end`, newest first; with
    `paths`, only those touching them (a project in a subfolder)."""
    return git.log(_commit_range(start, end), paths)


def read_changes_ahead(
    git: Git, start: ReleaseTag | None, end: str = "HEAD", paths: tuple[str, ...] = ()
) -> None:
    """Have git read the commits after `start` while the caller does other work: a long
    history then costs little more than a short one. `changes_since` takes them."""
    git.read_log_ahead(_commit_range(start, end), paths)


def changes_since(
    git: Git,
    settings: ReleaseSettings,
    start: ReleaseTag | None,
    end: str = "HEAD",
    paths: tuple[str, ...] = (),
) -> list[Commit]:
    """The commits that describe changes after `start` up to `end`, newest first: merges and
    release commits (`commit-message`) are dropped. What decides the version, the generated
    changelog section, the notes and status's "commits since"."""
    return changes_only(commits_between(git, start, end, paths), settings.commit_message)


def release_rule(project: Project, commits: list[Commit]) -> str | None:
    """The bump these changes call for (None: nothing releasable), by `prepare`'s rule: the
    current major and `major-on-zero`. What `prepare` bumps by and `status` calls releasable."""
    major = parse_version(project.version).major
    return bump_rule(commits, major=major, major_on_zero=project.settings.major_on_zero)
