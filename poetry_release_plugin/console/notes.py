"""`poetry release notes [VERSION]`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import argument

from poetry_release_plugin.console.base import ReleaseCommand

if TYPE_CHECKING:
    from cleo.io.inputs.argument import Argument
    from cleo.io.inputs.option import Option


class NotesCommand(ReleaseCommand):
    name = "release notes"
    description = "Print a version's release notes (the GitHub release body)."

    arguments: ClassVar[list[Argument]] = [
        argument("version", "The version (default: the project's current version).", optional=True)
    ]
    options: ClassVar[list[Option]] = [*ReleaseCommand.common_options]

    help = """\
Prints the release notes of a version: its section of the changelog, or, without one, sections
generated from the Conventional Commits between its tag and the previous release tag; then the
line that installs it and the link comparing it with the previous release.
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.core.github_address import resolve_github_address
        from poetry_release_plugin.core.version import parse_version
        from poetry_release_plugin.errors import ConfigError
        from poetry_release_plugin.workflows.history import with_tag_format
        from poetry_release_plugin.workflows.notes import release_notes
        from poetry_release_plugin.workflows.project import load_project

        git = Git(self.project_root)
        project = with_tag_format(load_project(self.project_root), git)
        version = parse_version(self.argument("version") or project.version).text
        try:
            address = resolve_github_address(
                project.settings, os.environ, git.remote_url(project.settings.remote)
            )
        except ConfigError:
            address = None
        notes = release_notes(project, git, version, address)
        if self.json_mode:
            self.emit_json(
                {
                    "version": notes.version,
                    "tag": notes.tag,
                    "previous_tag": notes.previous_tag,
                    "source": notes.source,
                    "changes": notes.changes,
                    "install": notes.install_line,
                    "compare_url": notes.compare_url,
                    "body": notes.render(),
                }
            )
        else:
            self.say(notes.render().rstrip("\n"), raw=True)
        return 0
