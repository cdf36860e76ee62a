"""The project's release history in git: its tag format, release tags, and the commits since one."""

from __future__ import annotations

import dataclasses
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.core.commits import (
    message_template,
    names_version,
    release_subject_matcher,
)
from poetry_release_plugin.core.release_state import (
    ReleaseCommit,
    ReleaseTag,
    TagPlace,
    release_tags,
)
from poetry_release_plugin.core.sources import declared_paths
from poetry_release_plugin.core.tag_formats import (
    AmbiguousTagFormat,
    TagFormatChoice,
    choose_tag_format,
    names_project,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import ConfigError, GitError

if TYPE_CHECKING:
    from collections.abc import Callable

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.adapters.git import CommitLog, Git
    from poetry_release_plugin.core.commits import Commit
    from poetry_release_plugin.core.project import Project


def with_tag_format(project: Project, git: Git) -> Project:
    """The project with its tag format settled: `tag-format` if configured, else the one its
    tags follow (`v{version}` without any). Two formats tagging the same release are refused."""
    settings = project.settings
    configured = settings.tag_format if "tag-format" in settings.explicit_keys else None
    origin = "tag-format"
    if configured is None and project.declarations.tag_format is not None:
        configured, origin = project.declarations.tag_format, project.declarations.tag_format_source
    tags = git.all_tags() if git.is_work_tree() else []
    paths = history_paths(project, git)
    folder = _folder(project, git) if paths else ""
    try:
        choice = choose_tag_format(
            tags, project.metadata.name, project.version, configured, folder=folder
        )
    except AmbiguousTagFormat as error:
        listed = "; ".join(f"{f} ({', '.join(t)})" for f, t in error.candidates.items())
        example = next(iter(error.candidates))
        raise ConfigError(
            f"Cannot tell the release tag format: the tags follow {listed}",
            f'set tag-format in [tool.poetry-release], for example tag-format = "{example}"',
        ) from None
    if choice.source == "configured":
        choice = dataclasses.replace(choice, origin=origin)
    if paths:  # a project in a subfolder: its tags must tell it from the repository's others
        choice = _project_tag_format(project, choice, folder)
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


def _folder(project: Project, git: Git) -> str:
    """The project's folder, from the top of the work tree."""
    top = Path(git.top_level()).resolve()
    return project.root.resolve().relative_to(top).as_posix()


def _project_tag_format(project: Project, choice: TagFormatChoice, folder: str) -> TagFormatChoice:
    """In a subfolder, the tag format must carry the project (its name or its folder's): the
    default becomes `{name}-v{version}`, anything else that does not is refused."""
    name = project.metadata.name
    if choice.source == "default":
        return dataclasses.replace(choice, tag_format=f"{name}-v{{version}}")
    if names_project(choice.tag_format, name, folder):
        return choice
    how = "configured" if choice.source == "configured" else "inferred from the tags"
    raise ConfigError(
        f"{name} lives in the subfolder {project.root.name}/ of its repository, and its tag "
        f"format {choice.tag_format} ({how}) does not name it, so its tags cannot be told from "
        "the other projects' tags",
        f'set tag-format = "{name}-v{{version}}" in [tool.poetry-release]',
    )


# How many of the highest tags are asked whether the branch owns them (each is one `git log`):
# a branch owning none of them takes the highest by version, and says so.
MOST_TAGS_ASKED = 50


def find_last_release(
    git: Git,
    tags: list[ReleaseTag],
    version: Version,
    *,
    end: str = "HEAD",
    end_commit: str | None = None,
    below: bool = False,
    paths: tuple[str, ...] = (),
) -> LastRelease:
    """The last release before `end`, found by version: the highest release tag not above
    `version` (below it, with `below`) that `end`'s line owns (`end_commit`: its commit, if
    known): its commit is in `end`'s
    history, or its first parent is (a bump commit tagged off the branch), or it marks
    `version` itself, or its line forked from `end`'s after the release below it. A higher tag
    of another line is passed over (and said). The commits since are `TAG..end`."""
    candidates = [t for t in tags if t.version < version or (not below and t.version == version)]
    candidates = candidates[:MOST_TAGS_ASKED]
    passed: list[ReleaseTag] = []
    if end_commit is None:
        end_commit = git.commit_of(end)
    if end_commit is None:
        if end == "HEAD":
            raise GitError("The repository has no commits yet", "commit the project first")
        raise GitError(f"{end} names no commit", "check the tag or revision given")
    released = frozenset(tag.commit for tag in tags)
    for tag in candidates:
        log = git.history(f"{tag.name}..{end}", cherry_mark=True)
        place = _place(git, tag, version, end_commit, log, released)
        if place is None:
            passed.append(tag)
            continue
        owned = _forked_after(git, passed, tag, end, log)
        found = owned or dataclasses.replace(tag, place=place)
        if owned is not None or paths:
            log = git.history(f"{found.name}..{end}", paths, cherry_mark=True)
        others = tuple(dataclasses.replace(t, place=TagPlace.OTHER_LINE) for t in passed)
        others = tuple(t for t in others if t.version > found.version)
        return LastRelease(found, others, _since(git, found, end, log.commits))
    if passed:  # no tag is in this line's history: the highest by version, and say so
        log = git.history(f"{passed[0].name}..{end}", paths, cherry_mark=True)
        found = dataclasses.replace(passed[0], place=TagPlace.OTHER_LINE)
        return LastRelease(found, (), _since(git, found, end, log.commits))
    return LastRelease(None, (), tuple(git.history(end, paths).commits))


@dataclass(frozen=True)
class LastRelease:
    """The last release (None before the first), higher tags of other lines passed over, and
    every commit since it (merges and release commits included; a commit that makes the same
    change as one the tag's side has, such as the release commit made again on the branch,
    left out)."""

    tag: ReleaseTag | None
    passed_over: tuple[ReleaseTag, ...]
    commits: tuple[Commit, ...]


def _since(git: Git, tag: ReleaseTag, end: str, commits: list[Commit]) -> tuple[Commit, ...]:
    """The commits since a tag, less the release made again on the branch with more in it,
    when the tag is off the branch: a squash-merged release pull request holding the tagged
    bump and more (pendulum's `Release 3.0.0 (#780)`), which `--cherry-mark` does not see as
    the same change. Such a commit names the version and changes every line the tagged
    commit changed that is still changed at the tag since the tag's line left `end`'s (a
    line only the pull request had, which the tagged commit fixed, no squash can remove)."""
    if tag.place is TagPlace.IN_HISTORY:
        return tuple(commits)
    named = [c for c in commits if not c.is_merge and names_version(c.message, str(tag.version))]
    tagged: frozenset[tuple[str, str]] = frozenset()
    if named:
        tagged = git.changed_lines(tag.commit)
        fork = git.merge_base(tag.commit, end)
        if fork is not None and fork != git.first_parent(tag.commit):
            tagged &= git.changed_lines(tag.commit, since=fork)
    remade = {c.sha for c in named if tagged and tagged <= git.changed_lines(c.sha)}
    return tuple(c for c in commits if c.sha not in remade)


def _place(
    git: Git,
    tag: ReleaseTag,
    version: Version,
    end_commit: str | None,
    log: CommitLog,
    released: frozenset[str],
) -> TagPlace | None:
    """Where `tag` stands to the commit `end_commit` (None: on another line), from the log of
    `TAG..end`: a commit of its history is itself or a parent of one of the commits listed. A
    commit tagged on top of another release's commit starts a maintenance line (a hotfix),
    not a bump made off the branch."""
    if tag.commit == end_commit or tag.commit in log.parents:
        return TagPlace.IN_HISTORY
    parent = git.first_parent(tag.commit)
    in_history = parent is not None and (parent == end_commit or parent in log.parents)
    if in_history and parent not in released:
        return TagPlace.BUMP_COMMIT
    if tag.version == version:
        return TagPlace.SAME_VERSION
    return None


def _forked_after(
    git: Git, passed: list[ReleaseTag], below: ReleaseTag, end: str, log: CommitLog
) -> ReleaseTag | None:
    """The highest tag passed over whose line forked from `end`'s after `below` (a release
    branch, not a backport forked from an older release), or None."""
    listed = {commit.sha for commit in log.commits}
    for tag in passed:
        fork = git.merge_base(tag.commit, end)
        if fork is not None and fork in listed:
            return dataclasses.replace(tag, place=TagPlace.FORKED_AFTER)
    return None


def higher_in_history(
    git: Git, tags: list[ReleaseTag], version: Version, head: str
) -> ReleaseTag | None:
    """The highest release tag in `head`'s history above `version` (releasing the version
    would go backwards), or None. A backport branch, whose history lacks the newer releases,
    has none. A few tags are asked one by one; many, against one list of `head`'s history."""
    higher = [tag for tag in tags if tag.version > version]
    if len(higher) > 4:
        history = git.commits_in(head)
        return next((tag for tag in higher if tag.commit in history), None)
    return next((tag for tag in higher if git.is_ancestor(tag.commit, head)), None)


def higher_final_tag(tags: list[ReleaseTag], version: Version) -> str | None:
    """A release tag anywhere in the repository (a newer line than a backport's) marking a final
    version above `version`, or None: then its GitHub release may become the latest."""
    return next((t.name for t in tags if t.version > version and not t.version.is_unstable()), None)


def ensure_history_readable(choice: TagFormatChoice | None, previous: ReleaseTag | None) -> None:
    """Refuse to read the commits since the last release when the configured tag-format matches
    none of the repository's release tags (every commit since the first would count)."""
    if previous is None and choice is not None and choice.warning is not None:
        raise ConfigError(
            f"Cannot tell which commits are new: {choice.warning}",
            "fix tag-format in [tool.poetry-release] (or remove it to infer it), "
            "or give the version or rule explicitly",
        )


def release_commit(
    git: Git,
    version: str,
    paths: tuple[str, ...] = (),
    *,
    is_release_subject: Callable[[str], bool] = lambda subject: False,
    release_files: frozenset[str] = frozenset(),
    names_version: bool = True,
) -> ReleaseCommit | None:
    """The commit that last set or prepared `version`: the last commit that changed it in
    pyproject.toml (each commit compared with its first parent), or a later commit that
    prepared it again (a release commit by the project's convention, empty when no file
    changed, touching only `release_files`, from the top of the work tree); None if history
    does not tell (pyproject.toml never committed). With `paths` (a
    project in a subfolder), HEAD is past it only by commits touching them: another project's
    commits do not move this project's release."""
    from poetry_release_plugin.core.sources import PYPROJECT, version_in_pyproject

    def prepared_it(subject: str) -> bool:
        return (version in subject or not names_version) and is_release_subject(subject)

    for sha in git.commits_changing(PYPROJECT):
        mine = version_in_pyproject(git.file_at(sha, PYPROJECT))
        if mine == version_in_pyproject(git.file_at(f"{sha}^1", PYPROJECT)):
            continue
        if mine != version:  # the work tree holds another version than HEAD's history
            return None
        since = git.log(f"{sha}..HEAD")
        again = _prepared_again(git, since, release_files, prepared_it)
        chosen, subject = (again.sha, again.subject) if again else (sha, git.subject(sha))
        if paths:
            past = len(git.log(f"{chosen}..HEAD", paths))
        elif again is None:
            past = len(since)
        else:
            past = git.count_commits(f"{chosen}..HEAD")
        by_convention = prepared_it(subject)
        if not by_convention and again is None and git.commit_of(f"{sha}^2") is not None:
            # a merge of the branch the release was prepared on (`release/1.2.0`)
            merged = git.log(f"{sha}^1..{sha}^2")
            by_convention = any(not c.is_merge and prepared_it(c.subject) for c in merged)
        return ReleaseCommit(chosen, subject, past, by_convention)
    return None


def _prepared_again(
    git: Git, since: list[Commit], release_files: frozenset[str], prepared_it: Callable[[str], bool]
) -> Commit | None:
    """The newest of these commits that prepared the version again: a release commit of the
    version that changes only the project's release files (its changelog, its version places)
    or nothing at all, so another project's release commit is never taken for it."""
    for commit in since:
        if commit.is_merge or not prepared_it(commit.subject):
            continue
        if set(git.changed_paths_in(commit.sha)) <= release_files:
            return commit
    return None


def with_commit_message(project: Project, git: Git) -> Project:
    """The project with its release commit message settled: `commit-message` if configured,
    else the template the last release commits were made from when they agree (the two
    newest release tags' commits: `bump: version {previous_version} → {version}`), else the
    default."""
    settings = project.settings
    if "commit-message" in settings.explicit_keys:
        return dataclasses.replace(project, commit_message_source="commit-message")
    declared = project.declarations
    if declared.commit_message is not None:
        settings = dataclasses.replace(settings, commit_message=declared.commit_message)
        return dataclasses.replace(
            project, settings=settings, commit_message_source=declared.commit_message_source
        )
    current = parse_version(project.version) if project.files_in_sync else None
    known = git.tag_commits() if git.is_work_tree() else {}
    tags = [
        t
        for t in release_tags(known, settings.tag_format)
        if current is None or t.version <= current
    ][:3]
    subjects = git.subjects(*(tag.commit for tag in tags))
    templates = [
        message_template(subjects[tag.commit], tag.version.text, older.version.text)
        for tag, older in itertools.pairwise(tags)
    ] or [message_template(subjects[tag.commit], tag.version.text) for tag in tags[:1]]
    names = ", ".join(tag.name for tag in tags[: len(templates)])
    if not tags and git.is_work_tree() and git.commit_of("HEAD") is not None:
        templates, names = _version_setting_templates(git)
    if not templates or templates[0] is None or len(set(templates)) > 1:
        return dataclasses.replace(project, commit_message_source="default")
    settings = dataclasses.replace(settings, commit_message=templates[0])
    return dataclasses.replace(
        project, settings=settings, commit_message_source=f"inferred from {names}"
    )


# The newest commits changing pyproject.toml asked for a version change (two `git show` each).
VERSION_CHANGES_ASKED = 40


def _version_setting_templates(git: Git) -> tuple[list[str | None], str]:
    """Without release tags, the templates of the two newest commits that changed the version
    in pyproject.toml (papermerge-cli's untagged `version bump 0.3.1 -> 0.3.2`), and how status
    names them; none unless there are two."""
    from poetry_release_plugin.core.sources import PYPROJECT, version_in_pyproject

    found: list[tuple[str, str | None]] = []
    for sha in git.commits_changing(PYPROJECT, limit=VERSION_CHANGES_ASKED):
        version = version_in_pyproject(git.file_at(sha, PYPROJECT))
        before = version_in_pyproject(git.file_at(f"{sha}^1", PYPROJECT))
        if version is None or before is None or version == before:
            continue
        found.append((version, message_template(git.subject(sha), version, before)))
        if len(found) == 2:
            versions = " and ".join(version for version, _template in found)
            return [template for _version, template in found], f"the commits setting {versions}"
    return [], ""


def release_convention(
    project: Project, git: Git, last: ReleaseTag | None
) -> Callable[[str], bool]:
    """Whether a subject is one of the project's release commits: made from `commit-message`,
    or shaped like the subject of the commit the last release tag marks."""
    examples = list(git.subjects(last.commit).values()) if last is not None and last.commit else []
    return release_subject_matcher(project.settings.commit_message, examples)
