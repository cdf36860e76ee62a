"""Where a release stands: the facts a release command gathers once (`workflows/facts.py`),
and the decisions status, cut and prepare make from them. Pure: values in, values out.

One model, so that the three commands cannot disagree: status's next step is the command that
makes progress from the facts, cut refuses exactly what status does not send it to, and
prepare refuses a version the same facts call released.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from poetry_release_plugin.config import matches_branch
from poetry_release_plugin.core.commits import bump_rule
from poetry_release_plugin.core.simple_api import (
    NO_UPLOADS,
    closed_release,
    yanked_reasons,
)
from poetry_release_plugin.core.tag_formats import candidate_formats, names_project, tag_version
from poetry_release_plugin.core.version import bump_version, ensure_forward, parse_version
from poetry_release_plugin.errors import (
    AlreadyReleased,
    InvalidVersion,
    NothingToRelease,
    NotReleaseCommit,
    RejectedByIndex,
    ReleaseError,
    TagExists,
    VersionBelowRelease,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.adapters.github import GitHubRelease
    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.core.commits import Commit
    from poetry_release_plugin.core.simple_api import ProjectPage, ProjectStatus


class TagPlace(Enum):
    """How a release tag's commit stands to HEAD (or to the revision a release is read at)."""

    IN_HISTORY = "in the branch's history"
    BUMP_COMMIT = "on a bump commit made off the branch"
    SAME_VERSION = "marking the version the files hold"
    FORKED_AFTER = "on a line forked from the branch after the release before it"
    OTHER_LINE = "on another line"

    @property
    def owned(self) -> bool:
        """Whether the branch counts the tag as one of its own releases."""
        return self is not TagPlace.OTHER_LINE


@dataclass(frozen=True)
class ReleaseTag:
    """A tag that marks a release: its name, version and commit (and, once asked, its place)."""

    name: str
    version: Version
    commit: str = ""
    place: TagPlace | None = None

    def describe(self) -> str:
        """The tag, with where it is when that is not plainly in the branch's history."""
        if self.place is None or self.place is TagPlace.IN_HISTORY:
            return self.name
        return f"{self.name}, {self.place.value}"


def release_tags(tag_commits: Mapping[str, str], tag_format: str) -> list[ReleaseTag]:
    """The tags of `tag_format` with their versions and commits, highest version first (one
    tag per version: the spelling `tag_format` writes wins)."""
    by_version: dict[Version, ReleaseTag] = {}
    for name, commit in tag_commits.items():
        version = tag_version(tag_format, name)
        if version is None:
            continue
        known = by_version.get(version)
        if known is None or name == tag_format.format(version=version.text):
            by_version[version] = ReleaseTag(name, version, commit)
    return sorted(by_version.values(), key=lambda tag: tag.version, reverse=True)


def tags_of_version(
    tag_commits: Mapping[str, str],
    tag_format: str,
    name: str,
    version: Version,
    *,
    in_subfolder: bool = False,
) -> dict[str, str]:
    """The tags that say `version` is released, in any spelling of any usual format
    (`v2.0.0-rc.1`, `v2.0.0rc1` and `2.0.0rc1` are one release; `v1.0` is `1.0.0`), with
    their commits. For a project in a subfolder, only formats that name it: another
    project's `v1.2.0` is not its release."""
    usual = [f for f in candidate_formats(name) if not in_subfolder or names_project(f, name)]
    formats = tuple(dict.fromkeys((tag_format, *usual)))
    return {
        tag: commit
        for tag, commit in tag_commits.items()
        if any(tag_version(each, tag) == version for each in formats)
    }


@dataclass(frozen=True)
class ReleaseCommit:
    """The commit that last set or prepared the current version, and how far HEAD is past it."""

    sha: str
    subject: str
    commits_past: int
    by_convention: bool = False  # its message is one of the project's release commits

    def describe(self) -> str:
        """How far HEAD is past the release commit, for messages."""
        return f"{self.commits_past} commit(s) past {self.sha[:10]} ({self.subject})"


@dataclass(frozen=True)
class ReleaseBranch:
    """The branches releases are made from, and who said so."""

    patterns: tuple[str, ...]
    source: str  # "configured", "the default branch: origin/HEAD", ..., "default"

    def describe(self) -> str:
        """One line for status."""
        names = ", ".join(self.patterns)
        return f"{names} (branch)" if self.source == "configured" else f"{names} ({self.source})"


@dataclass(frozen=True)
class ReleaseFacts:
    """Everything the release commands decide from, gathered once per command; None where a
    fact is unknown (offline, no token, no answer)."""

    version: str
    files: tuple[tuple[str, str], ...]
    files_in_sync: bool
    tag: str
    head: str | None  # the commit a release tags: HEAD, or a subfolder project's release commit
    branch: str | None  # checked out; None when detached
    release_branch: ReleaseBranch
    local_tags: Mapping[str, str]  # every local tag -> commit
    tags: tuple[ReleaseTag, ...]  # the release tags among them, highest version first
    remote_tags: Mapping[str, str] | None  # every tag on the remote; None: not asked
    version_tags: Mapping[str, str]  # this version's tags in any spelling, here
    version_tags_remote: Mapping[str, str] | None  # ... and on the remote (None: not asked)
    last_release: ReleaseTag | None
    passed_over: tuple[ReleaseTag, ...]  # higher tags of other lines, not counted
    changes_since: tuple[Commit, ...]  # since the last release: what decides a version
    release_commit: ReleaseCommit | None
    higher_in_history: ReleaseTag | None  # a release above the version in HEAD's history
    higher_final: str | None  # a final release above the version anywhere
    github_release: GitHubRelease | None = None
    github_elsewhere: tuple[str, ...] = ()  # releases of the version's other spellings
    github_known: bool = False
    on_index: bool | None = None
    index_page: ProjectPage | None = None  # what the index lists (None: not asked, no answer)
    left_by_prepare: LeftChanges | None = None
    notes: tuple[str, ...] = field(default=())
    dirty: tuple[str, ...] = ()  # paths with uncommitted changes
    remote: str = "origin"
    index_url: str = ""
    in_subfolder: bool = False  # one project of several in the repository
    major_on_zero: bool = False

    @functools.cached_property
    def release_rule(self) -> str | None:
        """The bump the changes since the last release call for (None: nothing releasable),
        by prepare's rule: the current major (1 for a version that does not parse) and
        `major-on-zero`."""
        try:
            major = parse_version(self.version).major
        except InvalidVersion:  # status still shows a project whose version does not parse
            major = 1
        return bump_rule(list(self.changes_since), major=major, major_on_zero=self.major_on_zero)

    @property
    def releasable_since(self) -> bool:
        """Whether prepare would find something to release in the changes since."""
        return self.release_rule is not None

    @property
    def project_status(self) -> ProjectStatus | None:
        """The project's PEP 792 status on the index (None: the index was not asked)."""
        return None if self.index_page is None else self.index_page.status

    @property
    def yanked(self) -> list[str] | None:
        """The reasons when the index lists this version and every file of it is yanked
        (PEP 592), else None."""
        if self.index_page is None:
            return None
        return yanked_reasons(self.index_page.files, self.version)

    @property
    def local_tag(self) -> str | None:
        """The commit this version's own tag marks here."""
        return self.local_tags.get(self.tag)

    @property
    def remote_tag(self) -> str | None:
        """The commit this version's own tag marks on the remote."""
        return None if self.remote_tags is None else self.remote_tags.get(self.tag)

    @property
    def tag_elsewhere(self) -> bool:
        """This version's tag marks another commit than the one to release (here or there)."""
        return any(
            commit is not None and commit != self.head
            for commit in (self.local_tag, self.remote_tag)
        )

    @property
    def github_published(self) -> bool | None:
        """Whether a published (not draft) GitHub release exists for the tag."""
        if not self.github_known:
            return None
        return self.github_release is not None and not self.github_release.draft

    @property
    def previous_version(self) -> str:
        """The highest released version below this one ("" before the first release)."""
        try:
            current = parse_version(self.version)
        except InvalidVersion:
            return ""
        below = [v for v in (t.version for t in self.tags) if v < current]
        return max(below).text if below else ""

    @property
    def remote_has_tag(self) -> bool | None:
        """Whether the remote has this version's own tag (None: not asked)."""
        return None if self.remote_tags is None else self.tag in self.remote_tags

    @property
    def released_otherwise(self) -> list[str]:
        """Where this version is tagged under another spelling or format than its own tag
        (`v2.0.0-rc.1` for 2.0.0rc1): released already, whatever commit it marks."""
        places = [
            f"tag {tag} on {commit[:10]} ({where})"
            for where, tags in (
                ("here", self.version_tags),
                (self.remote, self.version_tags_remote),
            )
            for tag, commit in (tags or {}).items()
            if tag != self.tag
        ]
        return list(dict.fromkeys(places))

    @property
    def untagged_version(self) -> str | None:
        """The files' version when no tag marks it and it is above the last release (set by
        hand, or squash-merged from a release pull request): releasable as it is."""
        last = self.last_release
        if self.version_tags or self.out_untagged:
            return None
        try:
            above = last is None or parse_version(self.version) > last.version
        except InvalidVersion:
            return None
        return self.version if above else None

    @property
    def out_untagged(self) -> list[str]:
        """Where the version is out besides its tags: a published GitHub release (a draft is
        cut's to publish), the index."""
        places = [f"GitHub release {url}" for url in self.github_elsewhere]
        if self.github_release is not None and not self.github_release.draft:
            places.append(f"GitHub release {self.github_release.html_url}")
        if self.on_index is True:
            places.append(f"on the index {self.index_url}".rstrip())
        return places

    @property
    def pending(self) -> ReleaseCommit | None:
        """The release commit of a version prepared but not cut: no tag in any spelling marks
        the version, and the commit that last set it is a release commit (by the project's
        own message convention), not a hand edit or a CI job's bump."""
        found = self.release_commit
        if found is None or not found.by_convention or _is_development(self.version):
            return None  # a development version set after a release is no release prepared
        if self.version_tags or self.version_tags_remote or self.on_index is True:
            return None
        return found

    @property
    def left_changes(self) -> bool:
        """Whether a prepare left files changed and uncommitted (running or interrupted)."""
        left = self.left_by_prepare
        return left is not None and bool(left.changed) and not left.committed

    @property
    def interrupted(self) -> bool:
        """Whether a prepare that is not running left files changed, uncommitted."""
        left = self.left_by_prepare
        return left is not None and not left.running and not left.committed and bool(left.changed)

    @property
    def off_release_branch(self) -> str:
        """The branch checked out, when it is not a release branch."""
        if self.branch is None or matches_branch(self.release_branch.patterns, self.branch):
            return ""
        return self.branch

    @property
    def next(self) -> str:
        """What to run next: see `next_step`."""
        return next_step(self)

    @property
    def blocked(self) -> str | None:
        """Why `next` cannot run here, or None: prepare and cut run only on a release branch,
        and cut only on a clean work tree."""
        step = self.next
        if self.off_release_branch and step in ("prepare", "cut"):
            names = ", ".join(self.release_branch.patterns)
            return (
                f"on branch {self.off_release_branch}, which is not a release branch "
                f"({names}): {step} runs only on one"
            )
        if self.dirty and step == "cut":
            return "the work tree has uncommitted changes: cut releases only what is committed"
        status = self.project_status
        if status is not None and status.marker in NO_UPLOADS and step == "cut":
            return (
                f"the project is {status.describe()} on the index, which takes no new files: "
                "cut refuses"
            )
        return None

    @property
    def unblock(self) -> str:
        """What to do first when `blocked`."""
        if self.off_release_branch:
            return f"check out a release branch ({', '.join(self.release_branch.patterns)})"
        status = self.project_status
        if not self.dirty and status is not None and status.marker in NO_UPLOADS:
            return (
                "unarchive the project on the index"
                if status.marker == "archived"
                else "have the index's administrators lift the quarantine"
            )
        return "commit or stash the changes"


def _names_version(rule: str, version: Version) -> bool:
    """Whether a rule is an explicit version equal to `version` (in any spelling)."""
    try:
        return parse_version(rule) == version
    except InvalidVersion:
        return False


def _is_development(version: str) -> bool:
    try:
        return parse_version(version).is_devrelease()
    except InvalidVersion:
        return False


def next_step(facts: ReleaseFacts) -> str:
    """What to run next (prepare, cut, verify or done): always the command that makes progress
    from these facts, the one `cut_refusal` agrees with: `cut` exactly when cut has work to do
    and would not refuse (off a release branch, `blocked` says that comes first)."""
    if facts.left_changes:
        return "prepare"  # prepare --abort, or prepare again, puts the files back first
    if not facts.files_in_sync or facts.higher_in_history is not None:
        return "prepare"
    finished = facts.remote_has_tag is not False and facts.github_published is not False
    if facts.tag_elsewhere or facts.released_otherwise:  # released: cut refuses here
        # releasable changes since: prepare, unless the release is known to be unfinished
        # (not on the index yet), which verify names first
        if facts.releasable_since and (not finished or facts.on_index is not False):
            return "prepare"
        if finished and facts.on_index is True:
            return "done"
        return "verify"  # prepare would find nothing to release: verify names what is missing
    if facts.local_tag is None and facts.remote_tag is None and facts.out_untagged:
        return "prepare"  # out on GitHub or the index already: cut refuses, prepare goes on
    past = facts.release_commit
    if facts.local_tag is None and past is not None and past.commits_past:
        return "prepare"  # cut tags only the release commit: prepare folds the rest in
    if facts.local_tag is None or not finished:  # a draft is unfinished: cut publishes it
        return "cut"
    if facts.on_index is not True:
        return "verify"
    return "prepare" if facts.releasable_since else "done"


def cut_refusal(facts: ReleaseFacts, *, push: bool, github: bool) -> ReleaseError | None:
    """Why cut must not release the version from these facts (None: it may): a release above
    it in the branch's history, its tag on another commit, HEAD past its release commit, or
    the version released already under another spelling, on GitHub or on the index."""
    if facts.higher_in_history is not None:
        return VersionBelowRelease(facts.version, facts.higher_in_history.name)
    head = facts.head or ""
    local = facts.local_tag
    if local is not None and local != head:
        return AlreadyReleased(facts.version, [f"tag {facts.tag} is on {local[:10]}, not HEAD"])
    found = facts.release_commit
    if local is None and found is not None and found.sha != head:
        return NotReleaseCommit(
            facts.version,
            found.sha,
            found.subject,
            found.commits_past,
            prepared=facts.pending is not None,
        )
    remote = facts.remote_tag if push else None
    if remote is not None and remote != head:
        return ReleaseError(
            f"The remote {facts.remote} has {facts.tag} on another commit ({remote[:10]})",
            "that version was released already: run poetry release prepare for the next one",
        )
    places = facts.released_otherwise
    if local != head and remote != head:  # not this cut's own tag: a run to resume
        places += [p for p in facts.out_untagged if github or not p.startswith("GitHub")]
    return AlreadyReleased(facts.version, places) if places else None


def project_status_refusal(facts: ReleaseFacts, name: str) -> RejectedByIndex | None:
    """The index takes no upload to a project it marks archived or quarantined (PEP 792):
    nothing is tagged for a release that could not be published there."""
    status = facts.project_status
    if status is None or status.marker not in NO_UPLOADS:
        return None
    fix = (
        "an owner can unarchive it in the project's settings on the index, then run cut again"
        if status.marker == "archived"
        else "only the index's administrators lift a quarantine: contact them, then run cut again"
    )
    return RejectedByIndex(
        f"{name} is {status.describe()} on the index {facts.index_url}, which takes no new "
        "files for it, so nothing was tagged",
        fix,
    )


def project_status_warning(facts: ReleaseFacts, name: str) -> str | None:
    """A deprecated project still takes uploads (PEP 792): said, not refused."""
    status = facts.project_status
    if status is None or status.marker != "deprecated":
        return None
    return (
        f"{name} is marked {status.describe()} on the index {facts.index_url}: the release "
        "goes ahead, and installers may warn about it"
    )


def closed_release_problem(
    facts: ReleaseFacts, name: str, adding: list[str], now: datetime, *, refuses: bool
) -> RejectedByIndex | str | None:
    """Files to add to a release whose first file went up more than 14 days ago (PEP 700
    upload times): PyPI takes none, so it is refused before anything (`refuses`), or said to
    another index, which may take them. None when nothing is to add or the index gives no
    upload time."""
    page = facts.index_page
    if page is None:
        return None
    first = closed_release(page.files, facts.version, adding, now)
    if first is None:
        return None
    what = (
        f"{name} {facts.version} has been on the index since {first:%Y-%m-%d} (more than "
        f"14 days), and PyPI takes no new file into a release that old"
    )
    if not refuses:
        return f"{what}; this index may take them: the upload goes ahead"
    missing = [n for n in adding if n not in {f.filename for f in page.files}]
    return RejectedByIndex(
        f"{what}: cut stopped before uploading {', '.join(missing)}",
        "release them under a new version (poetry release prepare patch, then cut); the "
        f"files of {facts.version} on the index stay as they are",
    )


@dataclass(frozen=True)
class NextVersion:
    """The version prepare writes, the rule that gave it, and whether it was prepared before."""

    rule: str
    version: Version
    again: bool = False  # prepared, not cut: its release commit is made anew


PREPARED_AGAIN = "prepared"  # the rule of a version prepared again


def prepare_version(
    facts: ReleaseFacts,
    *,
    name: str,
    tag_format: str,
    rule: str | None,
    next_phase: bool = False,
) -> NextVersion:
    """The version prepare makes from these facts, or the refusal: with no rule, a version
    prepared and not cut is prepared again (never skipped), else the commits since the last
    release decide; a version released already in any spelling, or below a release, is
    refused. What `status` calls `prepare` for, prepare can do."""
    current = parse_version(facts.version)
    pending = facts.pending if rule is None else None
    if pending is not None:
        if not pending.commits_past:
            raise ReleaseError(
                f"{facts.version} is prepared at {pending.sha[:10]} ({pending.subject}) and "
                "nothing was committed since",
                "run poetry release cut to release it (or give prepare a rule for another version)",
            )
        chosen, new = PREPARED_AGAIN, current
        grown = _grown(facts)
        if grown is not None and grown[1] > current:  # what came since calls for more
            chosen, new = grown
    elif rule is not None and _names_version(rule, current) and not facts.version_tags:
        chosen, new = rule, current  # the version as it is, set by hand: prepared now
    else:
        chosen = rule or _rule_from_changes(facts)
        new = bump_version(facts.version, chosen, next_phase=next_phase)
        ensure_forward(current, new)
    for higher in (facts.last_release, facts.higher_in_history):
        if higher is not None and higher.version > new:
            raise VersionBelowRelease(
                new.text, higher.name, fix="give a version above it: poetry release prepare X.Y.Z"
            )
    for where, tags in (("in this repository", facts.local_tags), (None, facts.remote_tags)):
        found = tags_of_version(tags or {}, tag_format, name, new, in_subfolder=facts.in_subfolder)
        if found:
            raise TagExists(min(found), where or f"on the remote {facts.remote}")
    return NextVersion(chosen, new, again=new == current)


def _grown(facts: ReleaseFacts) -> tuple[str, Version] | None:
    """The rule and version the commits since the last release call for, from it."""
    rule, last = facts.release_rule, facts.last_release
    if rule is None or last is None:
        return None
    return rule, bump_version(last.version.text, rule)


def _rule_from_changes(facts: ReleaseFacts) -> str:
    """The bump the Conventional Commits since the last release call for."""
    found = facts.release_rule
    if found is None:
        last = facts.last_release
        raise NothingToRelease(last.name if last else None, facts.untagged_version)
    return found
