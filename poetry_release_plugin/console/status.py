"""`poetry release status`."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import option

from poetry_release_plugin.console.base import ReleaseCommand, escape
from poetry_release_plugin.core.simple_api import ACTIVE, describe_yank
from poetry_release_plugin.core.version import same_version

if TYPE_CHECKING:
    from pathlib import Path

    from cleo.io.inputs.option import Option

    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.release_state import ReleaseFacts
    from poetry_release_plugin.workflows.status import ReleaseStatus

NEXT_STEP = {
    "prepare": "poetry release prepare",
    "cut": "poetry release cut",
    "verify": "poetry release verify",
    "recover": "poetry release recover",
    "done": "nothing: the release is out",
}


def _yes_no(value: bool | None) -> str:
    return {True: "<fg=green>yes</>", False: "<comment>no</comment>", None: "unknown"}[value]


class StatusCommand(ReleaseCommand):
    name = "release status"
    description = "Show where the release stands and what to run next (read-only)."

    options: ClassVar[list[Option]] = [
        option("offline", None, "Ask neither the remote, GitHub nor the index."),
        option("repository", "r", "The Poetry repository whose index to ask.", flag=False),
        option("index-url", None, "The index's Simple API root.", flag=False),
        *ReleaseCommand.common_options,
    ]

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.console.services import Services
        from poetry_release_plugin.errors import GitError
        from poetry_release_plugin.workflows.facts import settled
        from poetry_release_plugin.workflows.full_history import ensure_full_history
        from poetry_release_plugin.workflows.recovery import left_by_prepare
        from poetry_release_plugin.workflows.status import StatusAdapters, release_status

        project = load_project(self.project_root, require_agreement=False)
        git = Git(project.root)
        if not git.is_work_tree():
            raise GitError(f"{project.root} is not inside a git work tree", "run git init first")
        offline = bool(self.option("offline"))
        ensure_full_history(
            git,
            project.settings.remote,
            self.reporter,
            purpose="the commits since the last release",
            offline=offline,
        )
        project = settled(project, git, online=not offline)
        with closing(Services(self.poetry, project, git)) as services:
            adapters = StatusAdapters(
                git=git,
                github=services.github,
                index=lambda: services.index(self.option("repository"), self.option("index-url")),
                left_by_prepare=lambda: left_by_prepare(git),
            )
            status = release_status(project, adapters, offline=offline)
        self._show(project, status)
        return 0

    def _show_left_changes(self, left: LeftChanges) -> None:
        root = self.project_root
        changed, edited = _shown(root, left.changed), _shown(root, left.edited)
        if left.running:
            self.say(
                f"  <comment>a prepare of {left.version} is running (process {left.pid}); "
                f"it changed {escape(', '.join(changed) or 'nothing yet')}</comment>"
            )
            return
        self.say(
            f"  <error>an interrupted prepare of {left.version} (process {left.pid}) left "
            f"changes in {escape(', '.join(changed) or 'no file')}</error>"
        )
        if edited:
            self.say(
                f"  <comment>{escape(', '.join(edited))} changed since it wrote them "
                "(prepare --abort leaves them as they are)</comment>"
            )

    def _show_mentions(self, project: Project) -> None:
        if project.declarations.tools:
            self.say(f"  read: {escape(', '.join(project.declarations.tools))}")
        if project.mentions is None:
            return
        other = [m for m in project.mentions if m.verdict in ("ignored", "skipped")]
        if other:
            kinds = sorted({m.reason for m in other})
            self.say(
                f"  {len(other)} other mention(s) of {project.version} left as they are: "
                f"{escape('; '.join(kinds))}"
            )
            if self.io.is_verbose():
                for mention in other:
                    self.say(f"    {escape(mention.where())}: {escape(mention.reason)}")
        for mention in project.unknown_mentions:
            self.say(
                f"  <error>{escape(mention.where())} holds {project.version} and is no version "
                f"place</error>: {escape(mention.text)} (list it in version-files or "
                "version-ignore: prepare refuses until then)"
            )

    def _show_github(self, status: ReleaseStatus) -> None:
        release, side = status.facts.github_release, status.github
        if release is not None and release.draft:
            finisher = side.finished_by
            by = f"{escape(finisher)} on the tag publishes it" if finisher else "cut publishes it"
            if side.lacking_files:
                by = "it lacks the files the index has: cut --publish attaches them, then publishes"
            self.say(f"  GitHub release: <comment>draft</comment> ({by})")
            for run in side.runs:
                state = run.conclusion or run.status
                self.say(f"    run {escape(run.name)}: {escape(state)} {escape(run.html_url)}")
            if finisher and not side.runs:
                self.say("    no run on the tag's commit yet")
        else:
            self.say(f"  GitHub release: {_yes_no(status.facts.github_published)}")
        if release is not None:
            names = ", ".join(asset.name for asset in release.assets if asset.state == "uploaded")
            self.say(f"  release files: {escape(names) if names else 'none attached'}")
        if status.facts.github_known:
            self.say(f"  releases immutable: {_yes_no(side.immutable)}")

    def _show(self, project: Project, status: ReleaseStatus) -> None:
        facts = status.facts
        name = escape(project.metadata.name)
        self.say(f"<c1>{name}</c1> <b>{facts.version}</b>")
        sources = ["version tables", *(place.spec.source for place in project.places)]
        files = ["pyproject.toml", *(place.path for place in project.places)]
        for (path, version), source in zip(facts.files, sources, strict=False):
            mark = "" if same_version(version, facts.version) else "  <error>disagrees</error>"
            self.say(f"  {escape(path)}: {escape(version)} ({escape(source)}){mark}")
        self._show_mentions(project)
        if status.installed_version.startswith("no version file"):
            self.say(f"  {escape(status.installed_version)}")
        last = facts.last_release
        since = f"{len(facts.changes_since)} commit(s) since" if last else "no release tag yet"
        self.say(f"  release branch: {escape(facts.release_branch.describe())}")
        self.say(f"  tag format: {escape(status.tag_format_detail)}")
        message = project.settings.commit_message
        self.say(f"  release commits: {escape(message)} ({escape(project.commit_message_source)})")
        self.say(f"  release notes from: {escape(project.section_source[1])}")
        excluded = project.settings.changelog_exclude
        if excluded:
            self.say(f"  left out of the changelog: {escape(', '.join(excluded))}")
        self.say(f"  last release tag: {escape(last.describe()) if last else '-'} ({since})")
        local, remote = _yes_no(facts.local_tag is not None), _yes_no(facts.remote_has_tag)
        elsewhere = (
            " <comment>(on another commit than HEAD)</comment>" if facts.tag_elsewhere else ""
        )
        self.say(f"  tag {facts.tag}: local {local}, remote {remote}{elsewhere}")
        draft = facts.github_release is not None and facts.github_release.draft
        self._show_github(status)
        yanked = facts.yanked
        shown = (
            f"<comment>yes, {escape(describe_yank(facts.version, yanked))}</comment>"
            if yanked is not None
            else _yes_no(facts.on_index)
        )
        self.say(f"  on the index: {shown}")
        failure = status.failure
        if failure is not None:
            self.say(f"  publish: <error>failed</error> ({escape(failure.reason)})")
        status_marker = facts.project_status
        if status_marker is not None and status_marker.marker != ACTIVE:
            self.say(
                f"  project status on the index: <comment>{escape(status_marker.describe())}"
                "</comment>"
            )
        for note in status.notes:
            self.say(f"  <comment>{escape(note)}</comment>")
        left = facts.left_by_prepare
        if left is not None and not left.committed and (left.changed or left.edited):
            self._show_left_changes(left)
        elif left is not None and left.committed and not left.running:
            self.say(
                f"  <comment>a prepare (process {left.pid}) was stopped after its commit landed: "
                "poetry release prepare --abort (or cut) puts the index right</comment>"
            )
        if facts.interrupted:
            self.say("Next: <c1>poetry release prepare --abort</c1> (or prepare again)")
        elif status.blocked is not None:
            self.say(f"Next: {escape(facts.unblock)}, then <c1>{NEXT_STEP[status.next]}</c1>")
        else:
            self.say(f"Next: <c1>{NEXT_STEP[status.next]}</c1>")
        if self.json_mode:
            self.emit_json(
                {
                    "ok": True,
                    "version": facts.version,
                    "files": [
                        {"path": path, "place": place, "version": v, "source": source}
                        for (place, v), source, path in zip(
                            facts.files, sources, files, strict=False
                        )
                    ],
                    "mentions": [
                        {
                            "where": m.where(),
                            "text": m.text,
                            "verdict": m.verdict,
                            "reason": m.reason,
                        }
                        for m in project.mentions or ()
                    ],
                    "files_in_sync": facts.files_in_sync,
                    "installed_version": status.installed_version,
                    "release_branch": list(facts.release_branch.patterns),
                    "release_branch_source": facts.release_branch.source,
                    "last_tag": last.name if last else None,
                    "last_tag_place": last.place.name.lower() if last and last.place else None,
                    "commits_since": len(facts.changes_since),
                    "tag": facts.tag,
                    "tag_format": status.tag_format,
                    "tag_format_source": status.tag_format_source,
                    "commit_message": message,
                    "commit_message_source": project.commit_message_source,
                    "changelog_exclude": list(project.settings.changelog_exclude),
                    "notes_source": project.section_source[0],
                    "tag_local": facts.local_tag is not None,
                    "tag_remote": facts.remote_has_tag,
                    "github_release": facts.github_published,
                    "github_release_draft": draft,
                    "github_immutable": status.github.immutable,
                    "github_assets": [
                        a.name for a in facts.github_release.assets if a.state == "uploaded"
                    ]
                    if facts.github_release
                    else [],
                    "github_finished_by": status.github.finished_by,
                    "github_runs": [
                        {
                            "name": run.name,
                            "status": run.status,
                            "conclusion": run.conclusion,
                            "url": run.html_url,
                        }
                        for run in status.github.runs
                    ],
                    "publish_failed": status.publish_failed,
                    "publish_failure": _failure_payload(status),
                    "tag_on_other_commit": facts.tag_elsewhere,
                    "on_index": facts.on_index,
                    "yanked": None if facts.index_page is None else yanked is not None,
                    "yanked_reasons": yanked,
                    "project_status": status_marker.marker if status_marker else None,
                    "project_status_reason": (
                        status_marker.reason or None if status_marker else None
                    ),
                    "prepared": _prepared_payload(facts),
                    "next": status.next,
                    "blocked": status.blocked,
                    "interrupted_prepare": _left_payload(project, left),
                }
            )


def _failure_payload(status: ReleaseStatus) -> dict[str, object] | None:
    failure = status.failure
    if failure is None:
        return None
    run = failure.run
    return {
        "reason": failure.reason,
        "run_url": failure.run_url,
        "run_name": run.name if run else None,
        "conclusion": run.conclusion if run else None,
        "fix_version": status.fix_version,
    }


def _prepared_payload(facts: ReleaseFacts) -> dict[str, object] | None:
    pending = facts.pending
    if pending is None:
        return None
    return {"version": facts.version, "commit": pending.sha, "commits_since": pending.commits_past}


def _shown(root: Path, paths: tuple[Path, ...]) -> list[str]:
    resolved = root.resolve()
    return [
        p.relative_to(resolved).as_posix() if p.is_relative_to(resolved) else str(p) for p in paths
    ]


def _left_payload(project: Project, left: LeftChanges | None) -> dict[str, object] | None:
    if left is None or left.committed or not (left.changed or left.edited):
        return None
    return {
        "pid": left.pid,
        "running": left.running,
        "version": left.version,
        "changed": _shown(project.root, left.changed),
        "edited": _shown(project.root, left.edited),
    }
