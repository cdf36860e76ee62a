"""`poetry release cut`."""

from __future__ import annotations

import functools
from contextlib import closing
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import option

from poetry_release_plugin.console.base import (
    ReleaseCommand,
    escape,
    rehearsal_repository,
    rehearse_option,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from cleo.io.inputs.option import Option

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.console.services import Services
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.core.simple_api import IndexFile
    from poetry_release_plugin.workflows.cut import (
        CutAdapters,
        CutPlan,
        CutRequest,
        Publishing,
        StepReport,
    )


class CutCommand(ReleaseCommand):
    name = "release cut"
    description = "Tag the prepared release, push it atomically, create the GitHub release."

    options: ClassVar[list[Option]] = [
        option("publish", None, "Also build and upload through Poetry's publisher."),
        option("repository", "r", "The Poetry repository to publish to.", flag=False),
        option(
            "trusted-publishing",
            None,
            "auto, always or never: upload with a token minted from the CI job's OIDC identity.",
            flag=False,
        ),
        rehearse_option(
            "With --publish: first upload to this repository (testpypi when no name is given) "
            "and install from it, before the tag."
        ),
        option("draft", None, "Create the GitHub release as a draft."),
        option("sign", None, "Sign the tag (git's own signing configuration)."),
        option("no-push", None, "Tag only; push nothing."),
        option("no-github-release", None, "Create no GitHub release."),
        option("remote", None, "The git remote to push to.", flag=False),
        option("dry-run", None, "Say what each step would do; change nothing."),
        *ReleaseCommand.common_options,
    ]
    locks_repository = True

    help = """\
Cuts the release prepare made: an annotated tag on HEAD, <comment>git push --atomic</> of the branch
and the tag (both or neither), the GitHub release with the version's notes, and with
<comment>--publish</> the upload through Poetry's own publisher. Every check runs before anything
irreversible, and every step first checks whether it is done: run cut again after any failure
and it finishes the job, never making a second tag or release.
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.console.services import Services
        from poetry_release_plugin.workflows.cut import CutAdapters, CutRequest, plan_cut, run_cut
        from poetry_release_plugin.workflows.facts import settled
        from poetry_release_plugin.workflows.full_history import ensure_full_history

        git = Git(self.project_root)
        self._tidy_after_a_landed_commit(git)
        project = load_project(self.project_root)
        ensure_full_history(
            git,
            self.option("remote") or project.settings.remote,
            self.reporter,
            purpose=f"the notes of {project.version}",
        )
        project = settled(project, git, online=not self.option("no-push"))
        request = CutRequest(
            push=not self.option("no-push"),
            github_release=not self.option("no-github-release"),
            draft=bool(self.option("draft")),
            sign=bool(self.option("sign")),
            publish=bool(self.option("publish")),
            repository=self.option("repository") or project.settings.repository,
            dry_run=bool(self.option("dry-run")),
            remote=self.option("remote"),
            rehearse=self._rehearsal_repository(project),
        )
        with closing(Services(self.poetry, project, git, remote=request.remote)) as services:
            adapters = CutAdapters(
                git=git,
                reporter=self.reporter,
                github=lambda: services.required_github(instead="--no-github-release"),
                notes=lambda: self._notes(project, git, services),
                publishing=functools.cache(lambda: self._publishing(project, request)),
                index=lambda: services.index(request.repository),
                index_bytes=lambda file: self._index_bytes(services, request, file),
                rehearse=lambda tagged: self._rehearse(
                    project, request, services, adapters, tagged
                ),
            )
            try:
                plan = plan_cut(project, request, adapters)
                name = escape(project.metadata.name)
                self.say(f"Cutting <c1>{name}</c1> <b>{plan.version}</b> ({plan.tag})")
                reports = run_cut(plan, request, adapters)
            finally:
                if request.publish:
                    adapters.publishing().close()
        self._show(plan, request, reports)
        return 0

    def _tidy_after_a_landed_commit(self, git: Git) -> None:
        """A prepare killed after its commit landed left a journal and an index holding the
        files as they were: the index is put right (the next commit would undo the release)."""
        from poetry_release_plugin.workflows.recovery import (
            left_by_prepare,
            recover_interrupted_prepare,
        )

        left = left_by_prepare(git)
        if left is not None and left.committed and not left.running and not self.option("dry-run"):
            recover_interrupted_prepare(git)
            self.reporter.info("an interrupted prepare's commit had landed: the index is put right")

    def _rehearsal_repository(self, project: Project) -> str | None:
        """The repository to rehearse on: --rehearse[=REPO] (only with --publish), else the
        config's `rehearse`, unless that is the repository the release goes to itself."""
        from poetry_release_plugin.errors import ConfigError

        given = self.option("rehearse")
        if given != "" and not self.option("publish"):
            raise ConfigError(
                "--rehearse rehearses the upload, and cut uploads nothing without --publish",
                "add --publish, or drop --rehearse",
            )
        if not self.option("publish"):
            return None
        chosen = rehearsal_repository(given, project.settings.rehearse)
        target = self.option("repository") or project.settings.repository
        if given == "" and chosen == target:
            return None  # releasing to the rehearsal repository itself: nothing to rehearse
        return chosen

    def _ensure_another_index(self, request: CutRequest, services: Services) -> None:
        """Refuse a rehearsal repository that is the real one under another name."""
        from cleo.io.null_io import NullIO

        from poetry_release_plugin.adapters.upload import upload_target
        from poetry_release_plugin.errors import ConfigError

        assert request.rehearse is not None
        names = (request.rehearse, request.repository)
        uploads = {_same(t.url) for n in names if (t := upload_target(self.poetry, NullIO(), n))}
        indexes = {_same(i.address.url) for n in names if (i := services.index(n))}
        if len(uploads) == 1 or len(indexes) == 1:
            raise ConfigError(
                f"The rehearsal repository {request.rehearse} is the index {request.repository} "
                "is, under another name: a rehearsal there would be the real upload",
                f"point repositories.{request.rehearse} at another index (TestPyPI), or drop "
                "--rehearse",
            )

    def _rehearse(
        self,
        project: Project,
        request: CutRequest,
        services: Services,
        adapters: CutAdapters,
        tagged: bool,
    ) -> str:
        from poetry_release_plugin.adapters.venv import install_release
        from poetry_release_plugin.errors import ConfigError
        from poetry_release_plugin.workflows.rehearsal import (
            RehearsalAdapters,
            RehearsalRequest,
            rehearse,
        )

        repository = request.rehearse
        assert repository is not None  # the step is planned only with a rehearsal repository
        self._ensure_another_index(request, services)
        index = services.index(repository)
        if index is None:
            raise ConfigError(
                f"Cannot tell which index the rehearsal repository {repository!r} is",
                f"poetry config repositories.{repository} URL (its Simple API is read there)",
            )
        real = services.index(request.repository)
        dependencies = [real.pip_index()] if real is not None else services.dependency_indexes()
        publishing = self._publishing(
            project, request, repository=repository, prebuilt=adapters.publishing().built()
        )
        return rehearse(
            RehearsalRequest(
                project.metadata.name,
                project.version_reader.module,
                project.version,
                repository,
                tagged=tagged,
            ),
            RehearsalAdapters(
                publishing,
                index,
                install=lambda name, version, package, files: install_release(
                    name, version, package, files, index.pip_index(), dependencies
                ),
                waiting=self._first_line_only(),
            ),
        )

    def _index_bytes(
        self, services: Services, request: CutRequest, file: IndexFile
    ) -> bytes | None:
        index = services.index(request.repository)
        return index.download(file) if index is not None else None

    def _first_line_only(self) -> Callable[[str], None]:
        """A waiting line, said once (the index lists an upload within seconds)."""
        said: list[str] = []

        def say(line: str) -> None:
            if not said:
                said.append(line)
                self.reporter.info(line)

        return say

    def _publishing(
        self,
        project: Project,
        request: CutRequest,
        *,
        repository: str | None = None,
        prebuilt: list[Path] | None = None,
    ) -> Publishing:
        from cleo.io.io import IO

        from poetry_release_plugin.config import TRUSTED_PUBLISHING_MODES
        from poetry_release_plugin.errors import ConfigError
        from poetry_release_plugin.workflows.publish import IndexPublishing

        mode = self.option("trusted-publishing") or project.settings.trusted_publishing
        if mode not in TRUSTED_PUBLISHING_MODES:
            raise ConfigError(
                f"--trusted-publishing {mode} is not one of {', '.join(TRUSTED_PUBLISHING_MODES)}",
                "give auto, always or never",
            )
        io = IO(self.io.input, self.human, self.io.error_output)  # Poetry's lines off stdout
        return IndexPublishing(
            self.poetry,
            io,
            self.reporter,
            repository or request.repository,
            mode,
            oidc_audience=None if repository else project.settings.oidc_audience,
            dry_run=request.dry_run,
            prebuilt=prebuilt,
        )

    def _notes(self, project: Project, git: Git, services: Services) -> str:
        from poetry_release_plugin.workflows.notes import release_notes

        return release_notes(project, git, project.version, services.github_address()).render()

    def _show(self, plan: CutPlan, request: CutRequest, reports: list[StepReport]) -> None:
        if request.dry_run:
            self.say("<comment>Dry run: nothing was changed.</comment>")
        elif not request.push:
            self.say("Nothing was pushed, so no GitHub release was made.")
        elif plan.released_by is not None:
            self.say(
                f"The GitHub release is left to <c1>{escape(plan.released_by)}</c1>, which "
                "creates it when the tag is pushed"
                + (", and uploads." if plan.uploaded_by else ".")
            )
        elif plan.uploaded_by is not None:
            self.say(
                f"The upload is left to <c1>{escape(plan.uploaded_by)}</c1>, which runs when "
                "the tag is pushed."
            )
        elif plan.finished_by is not None:
            self.say(
                f"The release stays a draft until <c1>{escape(plan.finished_by)}</c1> runs on "
                "the tag: it uploads, attaches the files and publishes the release."
            )
        elif plan.fileless_by is not None:
            self.say(
                f"The upload is left to <c1>{escape(plan.fileless_by)}</c1>, which runs on the "
                "published release, so the release carries no files (published, an immutable "
                "release can never get them). <c1>poetry release init-ci</c1> writes a workflow "
                "that runs on the tag and attaches them before publishing."
            )
        elif "publish" not in plan.steps:
            self.say(
                "Nothing was uploaded: <c1>poetry release cut --publish</c1> uploads the release "
                "and attaches its files (or a CI workflow on the tag: "
                "<c1>poetry release init-ci</c1>)."
            )
        if not request.dry_run and not request.push:
            self.say("Next: <c1>poetry release cut</c1> pushes the tag and creates the release.")
        elif not request.dry_run:
            self.say("Next: <c1>poetry release verify</c1> checks the release is really out.")
        if self.json_mode:
            self.emit_json(
                {
                    "ok": True,
                    "version": plan.version,
                    "tag": plan.tag,
                    "dry_run": request.dry_run,
                    "steps": [
                        {"name": r.name, "result": r.result.value, "detail": r.detail}
                        for r in reports
                    ],
                }
            )


def _same(url: str) -> str:
    """A URL as compared for sameness: no trailing slash, case-folded scheme and host."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{parts.scheme.lower()}://{host}:{parts.port}{parts.path.rstrip('/')}"
