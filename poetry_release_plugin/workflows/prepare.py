"""`poetry release prepare`: every check first, then the writes, the checks and the commit.

`plan_prepare` refuses before anything changes; `apply_prepare` writes inside a transaction
that puts every file back, byte for byte, on any failure or interruption before the commit.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from poetry_release_plugin.adapters.checks import (
    BUILD,
    INSTALL,
    builtin_build,
    builtin_install,
    default_checks,
)
from poetry_release_plugin.adapters.files import FileTransaction, read_or_none, shown_path
from poetry_release_plugin.adapters.git import CommitContent
from poetry_release_plugin.core.changelog import (
    NO_NOTABLE_CHANGES,
    add_section_entries,
    add_unreleased_entries,
    add_unreleased_prose,
    changelog_voice,
    extract_section,
    fold_unreleased_into,
    has_unreleased_entries,
    has_unreleased_heading,
    newest_version,
    promote_unreleased,
    withdraw_section,
)
from poetry_release_plugin.core.commits import Commit, group_changes, render_sections
from poetry_release_plugin.core.release_notes_file import ReleaseNotes, parse_release_notes
from poetry_release_plugin.core.release_state import prepare_version
from poetry_release_plugin.core.sources import (
    PYPROJECT,
    UTF8,
    TextEncoding,
    decode_python,
    decode_text,
    write_pyproject_version,
)
from poetry_release_plugin.core.textdiff import unified_diff
from poetry_release_plugin.core.version import (
    BUMP_RULES,
    ensure_public_index_accepts,
    parse_version,
    same_version,
)
from poetry_release_plugin.core.version_places import read_place
from poetry_release_plugin.errors import (
    CheckFailure,
    ChecksFailed,
    ConfigError,
    GitError,
    IndexCredentialsRefused,
    Interrupted,
    PackageIndexError,
    ProjectError,
    ReleaseError,
    RollbackIncomplete,
    UnknownVersionPlaces,
    VersionOnIndex,
)
from poetry_release_plugin.workflows.facts import FactSources, gather_facts
from poetry_release_plugin.workflows.full_history import ensure_full_history
from poetry_release_plugin.workflows.history import ensure_history_readable
from poetry_release_plugin.workflows.preconditions import (
    require_clean_tree,
    require_no_operation_in_progress,
    require_release_branch,
    require_remote,
    require_up_to_date,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from poetry.core.constraints.version import Version

    from poetry_release_plugin.adapters.checks import CheckResult
    from poetry_release_plugin.adapters.environment import ImportedVersion, ProjectEnvironment
    from poetry_release_plugin.adapters.files import WriteJournal
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.index import PipIndex
    from poetry_release_plugin.config import CheckSpec
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.release_state import ReleaseFacts
    from poetry_release_plugin.core.simple_api import IndexReader
    from poetry_release_plugin.core.sources import VersionReader


class Reporter(Protocol):
    """Where a workflow tells the user what it is doing."""

    def info(self, message: str) -> None:
        """A step or a fact."""

    def warning(self, message: str) -> None:
        """Something worth knowing that does not stop the release."""


class CheckRunnerLike(Protocol):
    """Runs checks and reports how each ended."""

    def run(self, checks: Sequence[CheckSpec]) -> list[CheckResult]:
        """Run them all; Ctrl-C stops them and re-raises."""


@dataclass(frozen=True)
class PrepareRequest:
    """What the user asked `prepare` to do."""

    rule: str | None
    next_phase: bool = False
    dry_run: bool = False
    commit: bool = True
    allow_dirty: bool = False
    offline: bool = False
    run_checks: bool = True
    skipped_checks: tuple[str, ...] = ()
    release_date: str = ""


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after the release, and what the release commit holds."""

    path: str
    before: str
    after: str
    encoding: TextEncoding = UTF8
    stored_path: str = ""  # from the top of the work tree, through symlinks ("" = path)
    committed: bytes | None = None  # HEAD's blob with the release's edits (None: the work tree's)
    removed: bool = False  # the release removes the file (a consumed release-notes file)

    @property
    def data(self) -> bytes:
        """The bytes written to the work tree."""
        return self.encoding.encode(self.after, self.path)

    @property
    def original(self) -> bytes:
        """The bytes the file held when prepare read it."""
        return self.encoding.encode(self.before, self.path)

    @property
    def written(self) -> bytes | None:
        """What the work tree gets: the new bytes, or None when the release removes the file."""
        return None if self.removed else self.data

    def diff(self) -> str:
        """A unified diff of the change."""
        return unified_diff(self.path, self.before, self.after)


@dataclass(frozen=True)
class PreparePlan:
    """Everything `prepare` will do, decided before anything changes."""

    project: Project
    current: Version
    new: Version
    rule: str
    tag: str
    changes: tuple[FileChange, ...]
    checks: tuple[CheckSpec, ...]
    missing_tools: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    head: str | None = None  # the commit and branch it was decided on (the commit goes there)
    branch: str | None = None

    @property
    def commit_message(self) -> str:
        """The release commit's message."""
        return self.project.settings.commit_message_for(
            self.new.text, previous_version=self.current.text, name=self.project.metadata.name
        )

    @property
    def again(self) -> bool:
        """Whether the version was prepared before (its release commit is made anew)."""
        return self.new == self.current


@dataclass(frozen=True)
class PrepareOutcome:
    """What `prepare` did."""

    plan: PreparePlan
    commit: str | None = None
    staged: bool = False
    check_results: tuple[CheckResult, ...] = ()
    confirmation: str = ""


@dataclass
class PrepareAdapters:
    """The side effects `prepare` needs, passed in so each can be replaced in tests."""

    git: Git
    reporter: Reporter
    index: Callable[[str], IndexReader | None]
    environment: Callable[[], ProjectEnvironment | None]
    check_runner: Callable[[ProjectEnvironment | None], CheckRunnerLike]
    imported_version: Callable[[ProjectEnvironment, str | VersionReader, Path], ImportedVersion]
    build_dir: Path
    journal: WriteJournal | None = None
    # Poetry's sources for the project's dependencies: where the install check takes them from
    dependency_indexes: Callable[[], Sequence[PipIndex]] = lambda: ()


def plan_prepare(
    project: Project,
    request: PrepareRequest,
    adapters: PrepareAdapters,
    *,
    repository: str | None = None,
) -> PreparePlan:
    """Every refusal, then the plan: version, file changes and checks. Changes nothing."""
    settings = project.settings
    git = adapters.git
    head, branch, uncommitted = _check_repository(project, request, git)
    notes = release_notes(project)
    said_by_notes = []
    if notes is not None and request.rule is None:
        request = dataclasses.replace(request, rule=notes.rule)
    elif notes is not None and request.rule != notes.rule:
        said_by_notes.append(
            f"{project.release_notes and project.release_notes.path} says 'Release type: "
            f"{notes.rule}'; preparing {request.rule} as asked"
        )
    current = parse_version(project.version)
    if project.unknown_mentions:
        unknown = project.unknown_mentions
        raise UnknownVersionPlaces(
            project.version,
            [(m.where(), m.text) for m in unknown],
            [m.entry for m in unknown if m.entry],
        )
    index_name = repository or settings.repository
    facts = gather_facts(
        project,
        FactSources(
            git,
            remote=None if request.offline else settings.remote,
            index=None if request.offline else lambda: adapters.index(index_name),
            dirty=False,
        ),
    )
    if request.rule is None and facts.pending is None:
        ensure_history_readable(project.tag_choice, facts.last_release)
    decided = prepare_version(
        facts,
        name=project.metadata.name,
        tag_format=settings.tag_format,
        rule=request.rule,
        next_phase=request.next_phase,
    )
    rule, new = decided.rule, decided.version
    warnings: list[str] = said_by_notes
    if not request.offline:
        computed = not decided.again and (request.rule is None or request.rule in BUMP_RULES)
        new, said = _check_index(
            project, new, repository or settings.repository, adapters, past_yanked=computed
        )
        warnings.extend(said)
    ensure_public_index_accepts(new, repository or settings.repository, project.published_name)
    tag = settings.tag_for(new.text)
    if not project.metadata.package_mode:
        warnings.append(
            "package-mode = false: this project builds no package, so it cannot be published "
            "(no build or install check runs); the release is a version, a tag and notes"
        )
    for warning in warnings:
        adapters.reporter.warning(warning)
    changes = _planned_changes(
        project, new, tag, facts, request.release_date, git, uncommitted, notes
    )
    if project.towncrier is not None and new == current:  # towncrier wrote it the first time
        adapters.reporter.warning(
            f"{new.text} was prepared before, so its section in {project.towncrier.filename} "
            "stays as towncrier wrote it; fragments added since wait for the next release "
            "(remove the section and restore them to have towncrier build it anew)"
        )
    elif project.towncrier is not None:
        changes += _towncrier_changes(project, new, git, adapters, uncommitted, changes)
    checks, missing = _planned_checks(project, new, request, adapters)
    return PreparePlan(
        project,
        current,
        new,
        rule,
        tag,
        changes,
        tuple(checks),
        tuple(missing),
        tuple(warnings),
        head,
        branch,
    )


def ensure_prepare_history(
    project: Project, request: PrepareRequest, git: Git, reporter: Reporter
) -> None:
    """A shallow clone is made whole first (before the tag format is read from its tags):
    offline, only a release that no commit decides (an explicit rule, a changelog with
    Unreleased entries) may go on without its history."""
    if not git.is_work_tree() or not git.is_shallow():
        return  # the whole history is here (no need to read the changelog to know why)
    decided_by_commits = []
    by_notes = project.release_notes is not None  # a release-notes file decides both
    if request.rule is None and not by_notes:
        decided_by_commits.append("the new version")
    if (
        project.changelog is not None
        and not by_notes
        and not has_unreleased_entries(project.changelog.text)
    ):
        decided_by_commits.append("the changelog section")
    if request.offline and not decided_by_commits:
        return
    ensure_full_history(
        git,
        project.settings.remote,
        reporter,
        purpose=" and ".join(decided_by_commits) or "the release",
        offline=request.offline,
    )


def apply_prepare(
    plan: PreparePlan, request: PrepareRequest, adapters: PrepareAdapters
) -> PrepareOutcome:
    """Write the files, run the checks, confirm, commit; put back every file still ours if any
    step fails (a file someone edited meanwhile is left as it is, and named)."""
    root = plan.project.root
    stage = "before the first write"
    transaction = FileTransaction(adapters.journal)
    try:
        with transaction:
            stage = "while writing the version"
            transaction.write_files(
                {root / change.path: change.written for change in plan.changes},
                expected={root / change.path: change.original for change in plan.changes},
            )
            stage = "while the checks ran"
            results = _run_checks(plan, adapters)
            stage = "while confirming the version"
            confirmation = _confirm(plan, adapters)
            stage = "while committing"
            _ensure_unmoved(plan, adapters.git)
            contents = _commit_contents(plan.changes)
            if request.commit:
                head = adapters.git.head()
                try:
                    commit = adapters.git.commit_contents(plan.commit_message, contents)
                except KeyboardInterrupt:
                    if adapters.git.head() != head:  # the commit landed: keep what it holds
                        transaction.commit()
                        stage = "after the release commit was made (run cut next)"
                    raise
                transaction.commit()
                return PrepareOutcome(plan, commit, False, tuple(results), confirmation)
            adapters.git.stage_contents(contents)
            transaction.commit()
            return PrepareOutcome(plan, None, True, tuple(results), confirmation)
    except KeyboardInterrupt:
        if stage.startswith("after the release commit"):
            raise ReleaseError(f"Interrupted {stage}", "check with poetry release status") from None
        raise Interrupted(stage, _kept(transaction, root)) from None
    except ChecksFailed as error:
        if transaction.kept:
            raise ChecksFailed(error.failures, _kept(transaction, root)) from None
        raise
    except ReleaseError as error:
        if transaction.kept:
            raise RollbackIncomplete(error, _kept(transaction, root)) from None
        raise


def _commit_contents(changes: Sequence[FileChange]) -> dict[str, CommitContent]:
    """What the release commit holds for each file: the work tree's bytes when the file had no
    uncommitted change, else HEAD's blob with the same edits (so work in progress stays out)."""
    return {
        change.stored_path or change.path: CommitContent(change.written, stored=False)
        if change.committed is None or change.removed
        else CommitContent(change.committed, stored=True)
        for change in changes
    }


def _kept(transaction: FileTransaction, root: Path) -> tuple[str, ...]:
    """The files the rollback left as someone edited them, as the user calls them."""
    return tuple(shown_path(root, path) for path in transaction.kept)


def _ensure_unmoved(plan: PreparePlan, git: Git) -> None:
    """HEAD is still the commit on the branch the release was decided on: a commit or a
    checkout made while the checks ran would put the release where no one checked it."""
    if plan.head is None:
        return
    head, branch = git.head(), git.current_branch()
    if (head, branch) != (plan.head, plan.branch):
        now = f"{head[:10]} on {branch}" if head and branch else f"{head and head[:10]}, detached"
        raise GitError(
            f"HEAD moved while prepare ran (from {plan.head[:10]} on {plan.branch} to {now})",
            f"check out {plan.branch} where you want the release, then run prepare again",
        )


def _check_repository(
    project: Project, request: PrepareRequest, git: Git
) -> tuple[str, str, frozenset[str]]:
    """The repository preconditions: HEAD's commit, the release branch and the paths with
    uncommitted changes (--allow-dirty)."""
    settings = project.settings
    head, branch = require_release_branch(git, project.root, settings)
    require_no_operation_in_progress(git)
    uncommitted: frozenset[str] = frozenset()
    if request.allow_dirty:
        uncommitted = frozenset(git.changed_paths())
    else:
        require_clean_tree(git, fix="commit or stash them, or run with --allow-dirty")
    if not request.offline:
        require_remote(git, settings.remote, alternative="run with --offline")
        require_up_to_date(git, settings.remote, branch)
    return head, branch, uncommitted


def _check_index(
    project: Project, new: Version, repository: str, adapters: PrepareAdapters, *, past_yanked: bool
) -> tuple[Version, list[str]]:
    """Refuse a version the index already has, or with `past_yanked` (a version the commits
    or a bump rule chose) move past one it yanked, saying so; an index that cannot answer is a
    warning."""
    index = adapters.index(repository)
    name = project.metadata.name
    if index is None:
        return new, [
            f"Cannot tell which index the repository {repository!r} is, so the index was "
            "not checked: set index-url in [tool.poetry-release]"
        ]
    try:
        page = index.project_page(name)
    except IndexCredentialsRefused:
        raise
    except PackageIndexError as error:
        return new, [f"{error.what}; the index was not checked"]
    from poetry_release_plugin.core.simple_api import (
        describe_yank,
        has_version,
        next_free,
        yanked_reasons,
    )

    said = []
    while past_yanked and page is not None and yanked_reasons(page.files, new.text) is not None:
        instead = parse_version(next_free(page.files, new))
        yank = describe_yank(new.text, yanked_reasons(page.files, new.text) or [])
        said.append(f"{yank} on the index, which never takes it again: preparing {instead.text}")
        new = instead
    if page is not None and has_version(page.files, new.text):
        # a yanked version is still the index's (PEP 592): never uploaded again
        raise VersionOnIndex(
            name,
            new.text,
            index.url,
            yanked=yanked_reasons(page.files, new.text),
            instead=next_free(page.files, new),
        )
    return new, said


def _planned_changes(
    project: Project,
    new: Version,
    tag: str,
    facts: ReleaseFacts,
    release_date: str,
    git: Git,
    uncommitted: frozenset[str],
    notes: ReleaseNotes | None = None,
) -> tuple[FileChange, ...]:
    """Each file's change in the work tree, and the same edits applied to HEAD's content (what
    the release commit holds: uncommitted work stays out of it). A version prepared before
    and not cut has its changelog section carried over (see `_carried`). A release-notes
    file gives the section's prose, and the release removes it."""
    previous = facts.last_release

    def changelog_edit(text: str, log_path: str) -> str:
        if facts.pending is not None and extract_section(text, facts.version) is not None:
            text = _carried(text, new.text, log_path, facts, git, project)
        newest = newest_version(text, log_path)
        if newest is not None and parse_version(newest) == new:  # written ahead, or kept
            return fold_unreleased_into(text, new.text, log_path)
        generated = ""
        if notes is not None and has_unreleased_entries(text):  # the notes, then the entries
            text = add_unreleased_prose(text, notes.prose, log_path)
        elif notes is not None:
            generated = notes.prose
        elif not has_unreleased_entries(text):
            ensure_history_readable(project.tag_choice, previous)
            generated = _generated(project, text, list(facts.changes_since))
        return promote_unreleased(
            text,
            new.text,
            release_date or date.today().isoformat(),
            generated=generated,
            tag=tag,
            previous_tag=previous.name if previous else None,
            path=log_path,
            keep_unreleased=keep_unreleased,
        )

    keep_unreleased = _keeps_unreleased(project, git, previous.name if previous else None)
    in_pyproject = project.place_edit(PYPROJECT, new)  # another tool's key, for example
    edits: list[tuple[str, str, TextEncoding, bool, Callable[[str], str]]] = [
        (
            PYPROJECT,
            project.pyproject_text,
            project.pyproject_encoding,
            False,
            lambda text: in_pyproject(write_pyproject_version(text, new.text)),
        )
    ]
    changelog = project.changelog
    for path in project.files:
        if path == PYPROJECT or (changelog is not None and path == changelog.path):
            continue
        place = next(place for place in project.places if place.path == path)
        edits.append(
            (path, place.text, place.encoding, path.endswith(".py"), project.place_edit(path, new))
        )
    if changelog is not None and project.towncrier is None:  # towncrier writes its own
        # a version place in it too: one text, both edits
        in_changelog, log_path = project.place_edit(changelog.path, new), changelog.path
        edits.append(
            (
                changelog.path,
                changelog.text,
                changelog.encoding,
                False,
                lambda text: in_changelog(changelog_edit(text, log_path)),
            )
        )
    top = Path(git.top_level()).resolve()
    changes = []
    for path, before, encoding, python, edit in edits:
        after = edit(before)
        if after == before:
            continue
        encoding.encode(after, path)  # a character the file's encoding lacks fails here
        _ensure_written(project, path, after, new)
        stored = _stored_path(project.root, path, top)
        committed = None
        if stored not in uncommitted and stored in git.untracked_among(stored):
            raise ProjectError(
                f"{path} is not tracked by git (ignored, or never added), so the release commit "
                "cannot hold its new version",
                f"add {path} to the repository, or stop listing it in version-files",
            )
        if stored in uncommitted:  # the commit gets HEAD's content with the same edits
            at_head = git.blob_at("HEAD", stored)
            if at_head is None:
                raise ProjectError(
                    f"{path} is not committed, so the release commit cannot hold its new version",
                    f"commit {path} first (or stop listing it), then run prepare again",
                )
            head_text, head_encoding = (decode_python if python else decode_text)(at_head, path)
            committed = head_encoding.encode(edit(head_text), path)
        changes.append(FileChange(path, before, after, encoding, stored, committed))
    consumed = project.release_notes
    if notes is not None and consumed is not None and consumed.text is not None:
        stored = _stored_path(project.root, consumed.path, top)
        if stored not in uncommitted and stored in git.untracked_among(stored):
            raise ProjectError(
                f"{consumed.path} is not committed, so the release commit cannot remove it",
                f"commit {consumed.path} (the release's notes) first, then run prepare again",
            )
        changes.append(
            FileChange(consumed.path, consumed.text, "", consumed.encoding, stored, removed=True)
        )
    return tuple(changes)


def _towncrier_changes(
    project: Project,
    new: Version,
    git: Git,
    adapters: PrepareAdapters,
    uncommitted: frozenset[str],
    planned: Sequence[FileChange],
) -> tuple[FileChange, ...]:
    """What the project's own `towncrier build --yes --version NEW` does (run on a scratch
    copy: nothing here is written yet): the news file with the new section, the fragments
    removed."""
    from poetry_release_plugin.adapters.towncrier import towncrier_build

    listed = git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    paths = [path for path in listed.split("\0") if path]
    built = towncrier_build(project.root, adapters.environment(), new.text, paths)
    top = Path(git.top_level()).resolve()
    taken = {change.path for change in planned}
    changes = []
    for path, data in sorted(built.items()):
        if path in taken:
            raise ProjectError(
                f"towncrier writes {path}, which holds a version place prepare writes too",
                f"keep the version out of {path} (version-ignore), then run prepare again",
            )
        original = read_or_none(project.root / path)
        before, encoding = decode_text(original, path) if original is not None else ("", UTF8)
        after = "" if data is None else decode_text(data, path)[0]
        stored = _stored_path(project.root, path, top)
        if stored in uncommitted and data is not None:
            raise ProjectError(
                f"{path} has uncommitted changes, and towncrier writes the release's section "
                "into it",
                f"commit or stash the changes to {path}, then run prepare again",
            )
        changes.append(FileChange(path, before, after, encoding, stored, removed=data is None))
    return tuple(changes)


def release_notes(project: Project) -> ReleaseNotes | None:
    """What the project's release-notes file says (rule and prose), or None without one; a
    configured file that is missing is refused: a release needs its notes."""
    found = project.release_notes
    if found is None:
        return None
    if found.text is None:
        raise ProjectError(
            f"release-file = {found.path!r} is configured but {found.path} does not exist: "
            "a release needs its notes",
            f"write {found.path} ('Release type: minor', a blank line, then what the release "
            "changes), commit it, then run prepare again",
        )
    return parse_release_notes(found.text, found.path)


def _ensure_written(project: Project, path: str, after: str, new: Version) -> None:
    """Every version place of `path` holds `new` in the text prepare would write: a place
    whose edit another undid, or whose replacement drops the version, is refused before
    anything is written."""
    for place in project.places:
        if place.path != path:
            continue
        try:
            held = read_place(place.spec, after, new.text).version
        except ProjectError:
            held = "no version"
        if not same_version(held, new.text):
            raise ProjectError(
                f"{place.spec.describe()} ({place.spec.source}) would hold {held} after "
                f"prepare's edit, not {new.text}",
                "fix the entry (a replace text must keep {version}; one file listed once), "
                "then run prepare again",
            )


_UNRELEASED_LINE = re.compile(r"^([-+])(?:#+\s*)?\[?unreleased\]?\s*$", re.IGNORECASE | re.M)


def _keeps_unreleased(project: Project, git: Git, last_tag: str | None) -> bool:
    """Whether the project keeps an empty Unreleased heading at each release (Keep a
    Changelog's way, the default) or renames it to the release's, as its last releases did
    (the changelog's own history: an Unreleased heading removed and not added back)."""
    if project.changelog is None or last_tag is None:
        return True
    stored = project.changelog.path
    history = git.patches(last_tag, stored, 3)
    for patch in history.split("diff --git ")[1:]:
        signs = {match[1] for match in _UNRELEASED_LINE.finditer(patch)}
        if signs == {"-"}:
            return False
    return True


def _generated(project: Project, text: str, commits: list[Commit]) -> str:
    """The section the commits make, in the changelog's own voice (its subsections, entry
    shape), `changelog-exclude` applied."""
    path = project.changelog.path if project.changelog else "CHANGELOG.md"
    voice = changelog_voice(text, path)
    return render_sections(group_changes(commits, voice, project.settings.changelog_exclude))


def _carried(
    text: str, new: str, path: str, facts: ReleaseFacts, git: Git, project: Project
) -> str:
    """The changelog once the section of the version prepared before (and not cut) is carried
    over. Generated then (it holds what the commits up to its release commit give): withdrawn,
    to be generated anew from every commit since the last release (with Unreleased's entries
    written since). Written or edited by hand: kept, for the same version (in a file without
    Unreleased, whose sections are generated, the commits since its release commit add their
    entries; Unreleased's entries join it otherwise); for a higher version, its entries move
    to Unreleased, which becomes that version's section."""
    pending, prepared = facts.pending, facts.version
    section = extract_section(text, prepared) or ""
    assert pending is not None
    after = {c.sha for c in git.log(f"{pending.sha}..HEAD", project.history_paths)}
    earlier = [c for c in facts.changes_since if c.sha not in after]
    if section.strip() in (_generated(project, text, earlier).strip(), NO_NOTABLE_CHANGES):
        text = withdraw_section(text, prepared, path)
        if has_unreleased_entries(text):  # entries written since join those generated
            generated = _generated(project, text, list(facts.changes_since))
            text = add_unreleased_entries(text, generated, path)
        return text
    written_by_hand = has_unreleased_heading(text, path)
    if parse_version(prepared) == parse_version(new):
        if written_by_hand:
            return text
        added = _generated(project, text, [c for c in facts.changes_since if c.sha in after])
        return add_section_entries(text, prepared, added, path)
    if written_by_hand:
        return add_unreleased_entries(withdraw_section(text, prepared, path), section, path)
    raise ProjectError(
        f"{prepared} was prepared and not cut, and its section in {path} was edited by hand, "
        f"so it cannot become {new}'s",
        f"keep {prepared} (poetry release prepare {prepared}), or remove its section from "
        f"{path} to have {new}'s generated",
    )


def _stored_path(root: Path, path: str, top: Path) -> str:
    """Where git keeps the file the release writes: through symlinks, from the work tree's top."""
    real = (root / path).resolve()
    if not real.is_relative_to(top):
        raise ProjectError(
            f"{path} leads to {real}, outside the repository, so the release commit cannot hold it",
            f"make {path} a regular file of the repository (or stop listing it)",
        )
    return real.relative_to(top).as_posix()


def _main_package(project: Project) -> str:
    """The module the install check imports; empty: it reads the installed metadata."""
    return project.version_reader.module or ""


def _planned_checks(
    project: Project, new: Version, request: PrepareRequest, adapters: PrepareAdapters
) -> tuple[list[CheckSpec], list[str]]:
    if not request.run_checks:
        return [], []  # and no need to look for the project's environment (costly)
    env = adapters.environment()
    builtins = {
        BUILD: lambda: builtin_build(adapters.build_dir / "dist"),
        INSTALL: lambda: builtin_install(
            _main_package(project),
            new.text,
            env.python if env else Path(sys.executable),
            adapters.build_dir / "dist",
            project.metadata.name,
            adapters.dependency_indexes(),
        ),
    }
    configured = project.settings.checks
    missing: list[str] = []
    if configured is None:
        checks, missing = default_checks(env, project.package_names())
        checks.append(builtins[BUILD]())
    else:
        checks = [
            builtins[spec.name]() if spec.argv == (spec.name,) and spec.name in builtins else spec
            for spec in configured
        ]
    known = [spec.name for spec in checks]
    unknown = [name for name in request.skipped_checks if name not in known]
    if unknown:
        raise ConfigError(
            f"--skip-check {unknown[0]}: there is no check of that name",
            f"the checks are: {', '.join(known)}",
        )
    if not project.metadata.package_mode:  # nothing is built, so nothing to build or install
        checks = [spec for spec in checks if spec.name not in (BUILD, INSTALL)]
    return [spec for spec in checks if spec.name not in request.skipped_checks], missing


def _run_checks(plan: PreparePlan, adapters: PrepareAdapters) -> list[CheckResult]:
    if not plan.checks:
        return []
    results = adapters.check_runner(adapters.environment()).run(plan.checks)
    failures = [CheckFailure(r.name, r.detail) for r in results if not r.ok]
    if failures:
        raise ChecksFailed(failures)
    return results


def _confirm(plan: PreparePlan, adapters: PrepareAdapters) -> str:
    """Read the version as an installed copy tells it, in the project's environment: the
    module holding the version file, else the distribution's metadata."""
    reader = plan.project.version_reader
    if not plan.project.metadata.package_mode:
        return "skipped: package-mode = false, nothing is installed"
    env = adapters.environment()
    if env is None:
        return "skipped: the project has no environment yet (poetry install creates it)"
    found = adapters.imported_version(env, reader, plan.project.root)
    shown = reader.describe()
    if reader.module is None:
        if not found.found or found.version is None:
            return f"skipped: {reader.distribution} is not installed in the project's environment"
        if parse_version(found.version) == plan.new:
            return f"{shown} == {plan.new.text}"
        return (
            f"skipped: the installed metadata says {found.version} until poetry install "
            "refreshes it"
        )
    package = reader.first_module
    if not found.found:
        return f"skipped: {package} is not installed in the project's environment"
    if found.error is not None:
        raise ReleaseError(
            f"import {package} failed in the project's environment ({found.error})",
            "fix the import (or run poetry install), then run prepare again",
        )
    stale = found.disagreeing(plan.new.text)
    if stale is not None:
        what, got = stale
        if got is None:
            return f"skipped: {what} is not set"
        raise ReleaseError(
            f"import {package} reports {what} = {got}, not {plan.new.text}",
            "make the package read its version from the file prepare writes "
            "(or list that file in version-files), then run prepare again",
        )
    return f"{shown} == {plan.new.text}"
