"""`poetry release verify [VERSION]`."""

from __future__ import annotations

import math
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from cleo.helpers import argument, option

from poetry_release_plugin.console.base import ReleaseCommand, escape

if TYPE_CHECKING:
    from collections.abc import Callable

    from cleo.io.inputs.argument import Argument
    from cleo.io.inputs.option import Option

    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.workflows.verify import CheckRow

_STYLE = {"ok": "fg=green", "failed": "error", "skipped": "comment"}


class VerifyCommand(ReleaseCommand):
    name = "release verify"
    description = "Check the release is really out: index, files, install, GitHub, CI."

    arguments: ClassVar[list[Argument]] = [
        argument("version", "The version (default: the project's current version).", optional=True)
    ]
    options: ClassVar[list[Option]] = [
        option("index-url", None, "The index's Simple API root.", flag=False),
        option("repository", "r", "The Poetry repository whose index to check.", flag=False),
        option(
            "timeout",
            None,
            "Seconds to wait for the version on the index.",
            flag=False,
            default="600",
        ),
        option("dist", None, "Compare these local files' sha256 with the index's.", flag=False),
        option("install", None, "Install it from the index into a fresh venv and import it."),
        option("no-deps", None, "With --install: install the package alone, no dependencies."),
        option("no-github", None, "Do not check the GitHub release and workflows."),
        option(
            "provenance",
            None,
            "Check each file's PEP 740 provenance names this repository (and publisher-workflow).",
        ),
        *ReleaseCommand.common_options,
    ]

    help = """\
Checks that a release is really out: the version on the index (asked every 1.5 s until
<comment>--timeout</>), its wheel and sdist (with <comment>--dist</>, byte for byte by sha256), with
<comment>--install</> a clean install (the package from that index only, hashes checked, its
dependencies from Poetry's sources) and its <comment>__version__</>, the GitHub release, and the
GitHub Actions runs of the tag's commit (a failed run ends the wait).
Exit 0 only if no check failed.
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.files import file_digests
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.http import RetryPolicy
        from poetry_release_plugin.adapters.integrity import fetch_provenance
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.adapters.venv import install_release
        from poetry_release_plugin.console.services import Services
        from poetry_release_plugin.core.provenance import provenance_url
        from poetry_release_plugin.core.version import parse_version
        from poetry_release_plugin.errors import ConfigError
        from poetry_release_plugin.workflows.history import with_tag_format
        from poetry_release_plugin.workflows.verify import VerifyAdapters, VerifyRequest, verify

        project = with_tag_format(load_project(self.project_root), Git(self.project_root))
        settings = project.settings
        version = parse_version(self.argument("version") or project.version).text
        timeout = parse_timeout(self.option("timeout"))
        git = Git(project.root)
        tag = settings.tag_for(version)
        dist = self.option("dist")
        services = Services(self.poetry, project, git)
        address = services.known_github_address() if self.option("provenance") else None
        request = VerifyRequest(
            name=project.metadata.name,
            package=project.version_reader.module,
            version=version,
            tag=tag,
            commit=git.tag_commit(tag) if git.is_work_tree() else None,
            timeout=timeout,
            dist_dir=Path(dist) if dist else None,
            dist_files=file_digests(Path(dist)) if dist else {},
            install=bool(self.option("install")),
            github=not self.option("no-github") and settings.github_release,
            provenance=bool(self.option("provenance")),
            publisher_repository=address.full_name if address is not None else None,
            publisher_workflow=settings.publisher_workflow,
            assets=settings.assets,
            release_made_by=_release_made_by(git, tag),
        )
        with closing(services):
            repository = self.option("repository")
            index = services.index(repository, self.option("index-url"))
            if index is None:
                raise ConfigError(
                    "Cannot tell which index the repository "
                    f"{repository or settings.repository!r} is",
                    "give --index-url, or set index-url in [tool.poetry-release]",
                )
            no_deps = bool(self.option("no-deps"))
            adapters = VerifyAdapters(
                index=index,
                github=services.github,
                waiting=self._waiting(),
                install=lambda name, v, package, files: install_release(
                    name,
                    v,
                    package,
                    files,
                    index.pip_index(),
                    None if no_deps else services.dependency_indexes(),
                ),
                provenance=lambda release, filename: fetch_provenance(
                    provenance_url(index.address.url, request.name, release, filename),
                    RetryPolicy(attempts=2, total_seconds=20),
                ),
            )
            self.say(f"Verifying <c1>{escape(request.name)}</c1> <b>{version}</b> ({tag})")
            rows = verify(request, adapters)
        return self._show(request.version, rows)

    def _waiting(self) -> Callable[[str], None]:
        output = self.human
        section = output.section() if output.is_decorated() else None

        def show(line: str) -> None:
            if section is not None:
                section.overwrite(f"<comment>{escape(line)}</comment>")
            else:
                output.write_line(escape(line))

        return show

    def _show(self, version: str, rows: list[CheckRow]) -> int:
        from cleo.ui.table import Table

        ok = all(row.ok is not False for row in rows)
        table = Table(self.human)
        table.set_headers(["check", "result", "detail"])
        for row in rows:
            value = row.outcome.value
            table.add_row([row.name, f"<{_STYLE[value]}>{value}</>", escape(row.detail)])
        table.render()
        if self.json_mode:
            self.emit_json(
                {
                    "version": version,
                    "ok": ok,
                    "checks": [
                        {"name": r.name, "ok": r.ok, "result": r.outcome.value, "detail": r.detail}
                        for r in rows
                    ],
                }
            )
        if ok:
            self.say(f"<info>{version} is out.</info>")
            return 0
        failed = ", ".join(row.name for row in rows if row.ok is False)
        self.line_error(f"<error>{version} is not (fully) out: {failed} failed</error>")
        return 1


def parse_timeout(text: str) -> float:
    """--timeout as seconds: a finite number above zero, or a ConfigError saying so."""
    from poetry_release_plugin.errors import ConfigError

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(
            f"--timeout {text!r} is not a number of seconds above zero",
            "give seconds, for example --timeout 600",
        )
    return seconds


def _release_made_by(git: Git, tag: str) -> str | None:
    """The committed workflow that makes the GitHub release when `tag` is pushed, if any."""
    from poetry_release_plugin.core.ci_workflow import publish_workflows

    if not git.is_work_tree():
        return None
    workflows = publish_workflows(git.workflow_files())
    return next((w.path for w in workflows if w.makes_release and w.runs_on(tag)), None)
