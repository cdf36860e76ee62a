"""`poetry release status`."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import option

from poetry_release_plugin.console.base import ReleaseCommand, escape

if TYPE_CHECKING:
    from pathlib import Path

    from cleo.io.inputs.option import Option

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.workflows.status import ReleaseStatus

NEXT_STEP = {
    "prepare": "poetry release prepare",
    "cut": "poetry release cut",
    "verify": "poetry release verify",
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
        from poetry_release_plugin.workflows.full_history import ensure_full_history
        from poetry_release_plugin.workflows.history import with_tag_format
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
        project = with_tag_format(project, git)
        with closing(Services(self.poetry, project, git)) as services:
            adapters = StatusAdapters(
                git=git,
                github=services.github,
                index=lambda: services.index(self.option("repository"), self.option("index-url")),
                left_by_prepare=lambda: _left_by_prepare(git),
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

    def _show(self, project: Project, status: ReleaseStatus) -> None:
        name = escape(project.metadata.name)
        self.say(f"<c1>{name}</c1> <b>{status.version}</b>")
        for path, version in status.files:
            mark = "" if version == status.version else "  <error>disagrees</error>"
            self.say(f"  {escape(path)}: {escape(version)}{mark}")
        if status.installed_version.startswith("no version file"):
            self.say(f"  {escape(status.installed_version)}")
        since = (
            f"{status.commits_since} commit(s) since" if status.last_tag else "no release tag yet"
        )
        self.say(f"  tag format: {escape(status.tag_format_detail)}")
        self.say(f"  last release tag: {status.last_tag or '-'} ({since})")
        local, remote = _yes_no(status.tag_local), _yes_no(status.tag_remote)
        elsewhere = (
            " <comment>(on another commit than HEAD)</comment>" if status.tag_elsewhere else ""
        )
        self.say(f"  tag {status.tag}: local {local}, remote {remote}{elsewhere}")
        github = "<comment>draft</comment> (cut publishes it)" if status.github_draft else None
        self.say(f"  GitHub release: {github or _yes_no(status.github_release)}")
        self.say(f"  on the index: {_yes_no(status.on_index)}")
        for note in status.notes:
            self.say(f"  <comment>{escape(note)}</comment>")
        left = status.left_by_prepare
        if left is not None and not left.committed and (left.changed or left.edited):
            self._show_left_changes(left)
        if status.interrupted:
            self.say("Next: <c1>poetry release prepare --abort</c1> (or prepare again)")
        elif status.blocked is not None:
            branches = escape(", ".join(status.release_branches))
            self.say(
                f"Next: check out a release branch ({branches}), "
                f"then <c1>{NEXT_STEP[status.next]}</c1>"
            )
        else:
            self.say(f"Next: <c1>{NEXT_STEP[status.next]}</c1>")
        if self.json_mode:
            self.emit_json(
                {
                    "version": status.version,
                    "files": [{"path": p, "version": v} for p, v in status.files],
                    "files_in_sync": status.files_in_sync,
                    "installed_version": status.installed_version,
                    "last_tag": status.last_tag,
                    "commits_since": status.commits_since,
                    "tag": status.tag,
                    "tag_format": status.tag_format,
                    "tag_format_source": status.tag_format_source,
                    "tag_local": status.tag_local,
                    "tag_remote": status.tag_remote,
                    "github_release": status.github_release,
                    "github_release_draft": status.github_draft,
                    "tag_on_other_commit": status.tag_elsewhere,
                    "on_index": status.on_index,
                    "next": status.next,
                    "blocked": status.blocked,
                    "interrupted_prepare": _left_payload(project, left),
                }
            )


def _left_by_prepare(git: Git) -> LeftChanges | None:
    from poetry_release_plugin.adapters.journal import git_folders, left_changes, read_journal

    folders = git_folders(git)
    record = read_journal(folders.journal) if folders is not None else None
    return left_changes(record, git.head()) if record is not None else None


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
