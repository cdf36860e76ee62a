"""In-memory stand-ins for the adapters, so each workflow's decisions are tested in milliseconds.

They keep the state the real ones would (a commit graph, refs on a remote, releases on GitHub,
files on an index) and answer from it; none of them runs a process or opens a socket. The
end-to-end tests drive the real git, GitHub stand-in and pypiserver for the wiring.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poetry_release_plugin.adapters.git import CommitLog, Git
from poetry_release_plugin.adapters.github import GitHub, GitHubRelease, WorkflowRun
from poetry_release_plugin.config import parse_settings
from poetry_release_plugin.core.commits import Commit
from poetry_release_plugin.core.project import ChangelogFile, Project, VersionPlace
from poetry_release_plugin.core.release_assets import AssetFile, AttachedAsset
from poetry_release_plugin.core.sources import read_metadata
from poetry_release_plugin.core.version_places import PlaceKind, PlaceSpec, read_place
from poetry_release_plugin.errors import GitError, GitHubError, PushRejected

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from poetry_release_plugin.adapters.git import CommitContent, GitResult

ROOT = Path("/nowhere/project")


def pyproject(version: str = "1.0.0", release: str = "", name: str = "widget-kit") -> str:
    """A Poetry project's pyproject.toml, with `[tool.poetry-release]` lines if given."""
    return (
        f'[project]\nname = "{name}"\nversion = "{version}"\nrequires-python = ">=3.10"\n\n'
        '[tool.poetry]\npackages = [{ include = "widget_kit" }]\n\n'
        f"[tool.poetry-release]\n{release}"
    )


def project(
    version: str = "1.0.0",
    *,
    release: str = "",
    version_file: str | None = '__version__ = "{version}"\n',
    changelog: str | None = None,
) -> Project:
    """A project as `load_project` would read it, without a disk."""
    text = pyproject(version, release)
    metadata = read_metadata(text)
    files: tuple[VersionPlace, ...] = ()
    if version_file is not None:
        source = version_file.format(version=version)
        spec = PlaceSpec("widget_kit/_version.py", PlaceKind.PYTHON, source="found in the package")
        files = (VersionPlace(spec, source, read_place(spec, source, version)),)
    settings = parse_settings(metadata.release_table)
    log = ChangelogFile("CHANGELOG.md", changelog) if changelog is not None else None
    return Project(ROOT, text, metadata, settings, files, log, packages_on_disk=("widget_kit",))


class MemoryGit(Git):
    """A repository with one branch, local tags and one remote, all in memory."""

    def __init__(self) -> None:
        super().__init__(ROOT)
        self.messages: dict[str, str] = {}
        self.parents: dict[str, tuple[str, ...]] = {}
        self.touched: dict[str, tuple[str, ...]] = {}
        self.pyprojects: dict[str, str] = {}  # pyproject.toml's text at each commit that set it
        self.branch: str | None = "main"
        self.head_commit: str | None = None
        self.tags: dict[str, str] = {}
        self.remote: dict[str, str] = {}  # refs/heads/..., refs/tags/... on origin
        self.remote_name = "origin"
        self.dirty: list[str] = []
        self.inside_work_tree = True
        self.shallow = False
        self.fetches = 0
        self.reject_push: str | None = None  # a PushRejected reason
        self.workflows: dict[str, str] = {}  # .github/workflows files committed at HEAD

    # building the history a test needs
    def commit(
        self,
        message: str,
        *,
        merge_of: str | None = None,
        touching: tuple[str, ...] = ("src",),
        pyproject: str | None = None,
    ) -> str:
        """A new commit on HEAD (a merge of `merge_of` too, if given) changing files under the
        `touching` folders (and pyproject.toml to `pyproject`, if given); its sha."""
        parents = tuple(p for p in (self.head_commit, merge_of) if p is not None)
        sha = hashlib.sha1(f"{len(self.messages)}{message}".encode()).hexdigest()
        self.messages[sha] = message
        self.parents[sha] = parents
        self.touched[sha] = touching
        if pyproject is not None:
            self.pyprojects[sha] = pyproject
        self.head_commit = sha
        return sha

    def publish(self) -> None:
        """`git push origin main --tags`."""
        assert self.head_commit is not None
        assert self.branch is not None
        self.remote[f"refs/heads/{self.branch}"] = self.head_commit
        self.remote.update({f"refs/tags/{name}": sha for name, sha in self.tags.items()})

    def ancestors(self, sha: str) -> list[str]:
        """`sha` and every commit before it, newest first."""
        seen: list[str] = []
        stack = [sha]
        while stack:
            current = stack.pop(0)
            if current not in seen:
                seen.append(current)
                stack.extend(self.parents[current])
        return seen

    def _resolve(self, revision: str) -> str:
        if revision == "HEAD":
            assert self.head_commit is not None
            return self.head_commit
        if revision in self.tags:
            return self.tags[revision]
        assert revision in self.messages, f"unknown revision {revision}"
        return revision

    # the Git interface
    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = 120,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> GitResult:
        raise AssertionError(f"a workflow ran real git: git {' '.join(args)}")

    def workflow_files(self) -> dict[str, str]:
        return dict(self.workflows)

    def is_work_tree(self) -> bool:
        return self.inside_work_tree

    def top_level(self) -> str:
        return str(ROOT)

    def current_branch(self) -> str | None:
        return self.branch

    def head(self) -> str | None:
        return self.head_commit

    def changed_paths(self) -> list[str]:
        return list(self.dirty)

    def has_remote(self, remote: str) -> bool:
        return remote == self.remote_name

    def operation_in_progress(self) -> str | None:
        return None

    def fetch(self, remote: str) -> None:
        self.fetches += 1

    def is_shallow(self) -> bool:
        return self.shallow

    def fetch_full_history(self, remote: str) -> None:
        self.shallow = False

    def commits_behind(self, remote: str, branch: str) -> int | None:
        upstream = self.remote.get(f"refs/heads/{branch}")
        if upstream is None or self.head_commit is None:
            return None
        mine = set(self.ancestors(self.head_commit))
        return len([c for c in self.ancestors(upstream) if c not in mine])

    def tag_commit(self, tag: str) -> str | None:
        return self.tags.get(tag)

    def changed_lines(self, commit: str, since: str | None = None) -> frozenset[tuple[str, str]]:
        """A line of its own in each folder it touched: no two commits make the same change."""
        return frozenset((path, f"+{commit}") for path in self.touched.get(commit, ()))

    def tag_commits(self) -> dict[str, str]:
        if not self.inside_work_tree:  # as git says outside a repository
            raise GitError("git for-each-ref failed: fatal: not a git repository", "fix it")
        return dict(sorted(self.tags.items()))

    def all_tags(self) -> list[str]:
        return list(self.tag_commits())

    def subjects(self, *commits: str) -> dict[str, str]:
        return {commit: self.subject(commit) for commit in commits}

    def changed_paths_in(self, commit: str) -> list[str]:
        return list(self.touched[commit])

    def commit_of(self, revision: str) -> str | None:
        try:
            return self._resolve(revision)
        except AssertionError:
            return None

    def first_parent(self, revision: str) -> str | None:
        parents = self.parents[self._resolve(revision)]
        return parents[0] if parents else None

    def merge_base(self, first: str, second: str) -> str | None:
        mine = set(self.ancestors(self._resolve(first)))
        return next((c for c in self.ancestors(self._resolve(second)) if c in mine), None)

    def default_branch(self, remote: str, *, online: bool) -> tuple[str, str] | None:
        return None

    def local_branches(self) -> list[str]:
        return [self.branch] if self.branch else []

    def remote_tags(self, remote: str) -> dict[str, str]:
        return {
            ref.removeprefix("refs/tags/"): sha
            for ref, sha in self.remote.items()
            if ref.startswith("refs/tags/")
        }

    def _first_parents(self, sha: str) -> list[str]:
        line = [sha]
        while self.parents[line[-1]]:
            line.append(self.parents[line[-1]][0])
        return line

    def commits_changing(self, path: str, limit: int = 200) -> list[str]:
        assert path == "pyproject.toml"
        assert self.head_commit is not None
        return [c for c in self._first_parents(self.head_commit) if c in self.pyprojects][:limit]

    def file_at(self, revision: str, path: str) -> str | None:
        assert path == "pyproject.toml"
        sha, _, up = revision.partition("^")
        sha = self._resolve(sha)
        if up:
            if not self.parents[sha]:
                return None
            sha = self.parents[sha][0]
        return next(
            (self.pyprojects[c] for c in self._first_parents(sha) if c in self.pyprojects), None
        )

    def count_commits(self, revision_range: str) -> int:
        start, _, end = revision_range.rpartition("..")
        excluded = set(self.ancestors(self._resolve(start))) if start else set()
        return len([c for c in self.ancestors(self._resolve(end or "HEAD")) if c not in excluded])

    def subject(self, revision: str) -> str:
        return self.messages[self._resolve(revision)].splitlines()[0]

    def history(
        self, revision_range: str, paths: Sequence[str] = (), *, cherry_mark: bool = False
    ) -> CommitLog:
        commits = self.log(revision_range, paths)
        return CommitLog(commits, frozenset(p for c in commits for p in self.parents[c.sha]))

    def log(self, revision_range: str, paths: Sequence[str] = ()) -> list[Commit]:
        start, _, end = revision_range.rpartition("..")
        excluded = set(self.ancestors(self._resolve(start))) if start else set()
        wanted = [path.rstrip("/") for path in paths if path != "."]
        return [
            Commit(sha, self.messages[sha], len(self.parents[sha]))
            for sha in self.ancestors(self._resolve(end or "HEAD"))
            if sha not in excluded
            and (not wanted or any(t.startswith(tuple(wanted)) for t in self.touched[sha]))
        ]

    def remote_url(self, remote: str) -> str | None:
        return "https://github.com/acme/widget-kit.git" if self.has_remote(remote) else None

    def create_tag(self, tag: str, message: str, *, sign: bool, commit: str = "HEAD") -> None:
        if tag in self.tags:
            raise GitError(f"tag '{tag}' already exists", "fix the cause shown by git")
        self.tags[tag] = self._resolve(commit)

    def delete_tag(self, tag: str) -> None:
        del self.tags[tag]

    def remote_refs(self, remote: str, *refs: str) -> dict[str, str]:
        return {ref: self.remote[ref] for ref in refs if ref in self.remote}

    def push_atomic(self, remote: str, *refs: str) -> None:
        if self.reject_push is not None:
            raise PushRejected(
                f"git push --atomic {remote} failed ({self.reject_push})",
                "fix the cause shown by git",
                reason=self.reject_push,
                remote_message="",
            )
        assert self.head_commit is not None
        updates = {
            ref: self.head_commit if ref.startswith("refs/heads/") else self.tags[ref[10:]]
            for ref in refs
        }
        for ref, sha in updates.items():
            current = self.remote.get(ref)
            if current is not None and current not in self.ancestors(sha):
                raise PushRejected(
                    f"git push --atomic {remote} failed (remote moved)",
                    "fix the cause shown by git",
                    reason="remote moved",
                    remote_message="",
                )
        self.remote.update(updates)

    def commits_in(self, revision: str) -> frozenset[str]:
        return frozenset(self.ancestors(self._resolve(revision)))

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return ancestor in self.ancestors(descendant)

    def patches(self, revision: str, path: str, count: int) -> str:
        return ""  # no changelog history here: Keep a Changelog's way

    def untracked_among(self, *paths: str) -> set[str]:
        return set()  # every file of these projects is committed

    def blob_at(self, revision: str, path: str) -> bytes | None:
        return None  # only asked for files with uncommitted changes (`dirty`)

    def stage_contents(self, contents: Mapping[str, CommitContent]) -> None:
        self.dirty = [p for p in self.dirty if p not in contents]

    def commit_contents(self, message: str, contents: Mapping[str, CommitContent]) -> str:
        return self.commit(message)


@dataclass
class MemoryGitHub(GitHub):
    """GitHub's releases of one repository, in memory; `refuse` makes check_access fail."""

    releases: list[GitHubRelease] = field(default_factory=list)
    runs: list[WorkflowRun] = field(default_factory=list)
    refuse: str | None = None
    created: list[dict[str, Any]] = field(default_factory=list)
    latest: list[tuple[str, bool]] = field(default_factory=list)  # (tag, made latest) per call
    immutable: bool | None = False
    attached: dict[int, list[AttachedAsset]] = field(default_factory=dict)  # release id: assets
    refuse_uploads: str | None = None  # every upload fails with this message
    contents: dict[str, bytes] = field(default_factory=dict)  # asset name: its bytes

    def immutable_releases(self) -> bool | None:
        return self.immutable

    def assets(self, release: GitHubRelease) -> list[AttachedAsset]:
        return list(self.attached.get(release.id, []))

    def upload_asset(self, release: GitHubRelease, file: AssetFile) -> AttachedAsset:
        current = next(r for r in self.releases if r.id == release.id)
        if self.refuse_uploads is not None:
            raise GitHubError(self.refuse_uploads, "run again")
        if current.immutable:
            raise GitHubError("Cannot upload assets to an immutable release", "")
        assets = self.attached.setdefault(release.id, [])
        asset = AttachedAsset(
            len(assets) + 1, file.name, "uploaded", file.sha256, len(file.content)
        )
        assets.append(asset)
        self.contents[file.name] = file.content
        return asset

    def delete_asset(self, release: GitHubRelease, asset: AttachedAsset) -> None:
        self.attached[release.id] = [a for a in self.attached[release.id] if a.id != asset.id]

    def asset_sha256(self, asset: AttachedAsset) -> str | None:
        return asset.sha256

    def asset_content(self, asset: AttachedAsset) -> bytes | None:
        return self.contents.get(asset.name)

    def close(self) -> None:
        pass

    def check_access(self) -> None:
        if self.refuse is not None:
            raise GitHubError(self.refuse, "fix the token")

    def release_for_tag(self, tag: str) -> GitHubRelease | None:
        return next((r for r in self.releases if r.tag_name == tag), None)

    def list_releases(self) -> list[GitHubRelease]:
        return list(self.releases)

    def create_release(
        self,
        *,
        tag: str,
        commit: str,
        title: str,
        body: str,
        prerelease: bool,
        draft: bool,
        latest: bool,
    ) -> GitHubRelease:
        self.created.append({"tag": tag, "commit": commit, "title": title, "draft": draft})
        self.latest.append((tag, latest and not (prerelease or draft)))
        release = GitHubRelease(
            len(self.releases) + 1,
            tag,
            title,
            draft,
            prerelease,
            f"https://github.com/acme/widget-kit/releases/tag/{tag}",
            body,
            immutable=self.immutable is True and not draft,
        )
        self.releases.append(release)
        return release

    def update_release(
        self,
        release: GitHubRelease,
        *,
        body: str | None = None,
        name: str | None = None,
        publish: bool = False,
        latest: bool = True,
    ) -> GitHubRelease:
        if publish:
            self.latest.append((release.tag_name, latest and not release.prerelease))
        updated = GitHubRelease(
            release.id,
            release.tag_name,
            release.name if name is None else name,
            release.draft and not publish,
            release.prerelease,
            release.html_url,
            release.body if body is None else body,
            immutable=release.immutable or (publish and self.immutable is True),
            published_at=release.published_at,
        )
        self.releases = [updated if r.id == release.id else r for r in self.releases]
        return updated

    def delete_release(self, release: GitHubRelease) -> None:
        if release.immutable:
            raise GitHubError("Cannot delete an immutable release", "")
        self.releases = [r for r in self.releases if r.id != release.id]

    def workflow_runs(self, head_sha: str) -> list[WorkflowRun]:
        return list(self.runs)


class Said:
    """A reporter that keeps what a workflow said."""

    def __init__(self) -> None:
        self.infos: list[str] = []
        self.warnings: list[str] = []

    def info(self, message: str) -> None:
        self.infos.append(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)
