"""`poetry release init-ci`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import option

from poetry_release_plugin.console.base import (
    ReleaseCommand,
    escape,
    rehearsal_repository,
    rehearse_option,
)

if TYPE_CHECKING:
    from cleo.io.inputs.option import Option


class InitCiCommand(ReleaseCommand):
    name = "release init-ci"
    description = "Write the CI workflow that publishes with trusted publishing (no token)."

    options: ClassVar[list[Option]] = [
        option("gitlab", None, "Write .gitlab-ci.yml instead of a GitHub Actions workflow."),
        option(
            "environment",
            None,
            "The deployment environment the trusted publisher is bound to.",
            flag=False,
            default="pypi",
        ),
        option("repository", "r", "The Poetry repository to publish to.", flag=False),
        rehearse_option(
            "The job rehearses the upload on this repository first (testpypi when no name)."
        ),
        option("dry-run", None, "Print the file instead of writing it."),
        option("force", None, "Replace an existing file."),
        *ReleaseCommand.common_options,
    ]

    help = """\
Writes <comment>.github/workflows/release.yml</> (or with <comment>--gitlab</>,
<comment>.gitlab-ci.yml</>): a job that runs <comment>poetry release cut --publish</>
with trusted publishing (the index mints a short-lived token for the job's OIDC identity:
no token is stored anywhere), then
<comment>poetry release verify --install</>. Then prints what to register on the index as the
project's trusted publisher. An existing file is left alone unless <comment>--force</>.
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.workflows.history import with_tag_format
        from poetry_release_plugin.workflows.init_ci import InitCiRequest, plan_ci, write_ci

        git = Git(self.project_root)
        project = with_tag_format(load_project(self.project_root), git)
        request = InitCiRequest(
            gitlab=bool(self.option("gitlab")),
            environment=self.option("environment") or "pypi",
            repository=self.option("repository"),
            dry_run=bool(self.option("dry-run")),
            force=bool(self.option("force")),
            rehearse=rehearsal_repository(self.option("rehearse"), project.settings.rehearse),
        )
        remote_url = git.remote_url(project.settings.remote) if git.is_work_tree() else None
        top = Path(git.top_level()).resolve() if git.is_work_tree() else project.root.resolve()
        folder = project.root.resolve().relative_to(top).as_posix()
        from poetry_release_plugin.adapters.installed import (
            plugin_requirement,
            poetry_requirement,
        )

        installs = (poetry_requirement(), plugin_requirement())
        definition = plan_ci(
            project, request, os.environ, remote_url, "" if folder == "." else folder, installs
        )
        if request.dry_run:
            self.say(f"<comment># {definition.path} (dry run: nothing written)</comment>")
            self.say(definition.text, raw=True)
        else:
            write_ci(top, definition, force=request.force)  # at the repository's root
            self.say(f"Wrote <c1>{definition.path}</c1>")
        self.say(
            f"Register it on {definition.index} as the project's trusted publisher "
            "(the project's Publishing settings; a pending publisher for a new project):"
        )
        for name, value in definition.publisher.items():
            self.say(f"  {name}: <c1>{escape(value)}</c1>")
        self.say(
            "Then no token is needed: remove the PYPI_TOKEN secret and any pypi-token setting."
        )
        if request.rehearse is not None:
            self.say(
                f"Register it on the rehearsal repository's index ({escape(request.rehearse)}) "
                "the same way: the job uploads there first."
            )
        if self.json_mode:
            self.emit_json(
                {
                    "ok": True,
                    "path": definition.path,
                    "written": not request.dry_run,
                    "index": definition.index,
                    "publisher": definition.publisher,
                    "text": definition.text,
                }
            )
        return 0
