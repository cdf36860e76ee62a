"""`poetry release notes [VERSION]`."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import argument, option

from poetry_release_plugin.console.base import ConsoleReporter, ReleaseCommand

if TYPE_CHECKING:
    from cleo.io.inputs.argument import Argument
    from cleo.io.inputs.option import Option

    from poetry_release_plugin.console.services import Services
    from poetry_release_plugin.workflows.notes import ReleaseNotes


class NotesCommand(ReleaseCommand):
    name = "release notes"
    description = "Print a version's release notes (the GitHub release body)."

    arguments: ClassVar[list[Argument]] = [
        argument("version", "The version (default: the project's current version).", optional=True)
    ]
    options: ClassVar[list[Option]] = [
        option("update", None, "Rewrite the version's GitHub release body with these notes."),
        option("offline", None, "Fetch nothing (a shallow clone is then refused)."),
        *ReleaseCommand.common_options,
    ]

    help = """\
Prints the release notes of a version: its section of the changelog, or, without one, sections
generated from the Conventional Commits between its tag and the previous release tag; then the
line that installs it and the link comparing it with the previous release.
With <comment>--update</>, the version's GitHub release gets these notes as its body (after a
changelog fix, or a release cut from a shallow clone with notes that said too little).
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.console.services import Services
        from poetry_release_plugin.core.version import parse_version
        from poetry_release_plugin.workflows.full_history import ensure_full_history
        from poetry_release_plugin.workflows.history import with_tag_format
        from poetry_release_plugin.workflows.notes import release_notes

        git = Git(self.project_root)
        project = load_project(self.project_root)
        version = parse_version(self.argument("version") or project.version).text
        reporter = ConsoleReporter(self.io.error_output)  # stdout carries the notes alone
        ensure_full_history(
            git,
            project.settings.remote,
            reporter,
            purpose=f"the notes of {version}",
            offline=bool(self.option("offline")),
        )
        project = with_tag_format(project, git)
        with closing(Services(self.poetry, project, git)) as services:
            update = bool(self.option("update"))
            address = services.github_address() if update else services.known_github_address()
            notes = release_notes(project, git, version, address)
            updated = self._update(notes, services, reporter) if update else None
        if self.json_mode:
            self.emit_json(
                {
                    "ok": True,
                    "version": notes.version,
                    "tag": notes.tag,
                    "previous_tag": notes.previous_tag,
                    "source": notes.source,
                    "changes": notes.changes,
                    "install": notes.install_line,
                    "compare_url": notes.compare_url,
                    "body": notes.render(),
                    **({"updated": updated} if updated is not None else {}),
                }
            )
        else:
            self.say(notes.render().rstrip("\n"), raw=True)
        return 0

    def _update(self, notes: ReleaseNotes, services: Services, reporter: ConsoleReporter) -> bool:
        """Rewrite the GitHub release's body; whether it said something else before."""
        from poetry_release_plugin.errors import ReleaseError
        from poetry_release_plugin.workflows.notes import is_same_body

        github = services.required_github()
        release = github.release_for_tag(notes.tag)
        if release is None:
            raise ReleaseError(
                f"GitHub has no release for {notes.tag} to update",
                "create it with poetry release cut",
            )
        if is_same_body(release.body, notes.render()):
            reporter.info(f"The release of {notes.tag} already has these notes")
            return False
        github.update_release(release, body=notes.render())
        reporter.info(f"Updated the body of {release.html_url}")
        return True
