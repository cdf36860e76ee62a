"""`poetry release prepare [RULE|VERSION]`."""

from __future__ import annotations

import functools
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from cleo.helpers import argument, option

from poetry_release_plugin.console.base import ReleaseCommand, escape
from poetry_release_plugin.errors import ReleaseError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cleo.io.inputs.argument import Argument
    from cleo.io.inputs.option import Option

    from poetry_release_plugin.adapters.checks import CheckResult
    from poetry_release_plugin.adapters.environment import ProjectEnvironment
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.adapters.index import PackageIndex, PipIndex
    from poetry_release_plugin.adapters.journal import LeftChanges
    from poetry_release_plugin.config import CheckSpec
    from poetry_release_plugin.console.services import Services
    from poetry_release_plugin.core.project import Project
    from poetry_release_plugin.workflows.prepare import PrepareAdapters, PrepareOutcome, PreparePlan


class PrepareCommand(ReleaseCommand):
    name = "release prepare"
    description = "Decide the next version, write it everywhere, run the checks and commit."

    arguments: ClassVar[list[Argument]] = [
        argument(
            "version",
            "A bump rule (major, minor, patch, premajor, preminor, prepatch, prerelease) "
            "or an explicit PEP 440 version.",
            optional=True,
        )
    ]
    # How the pre-release checks run; `recover` takes them too, as it prepares a version.
    check_options: ClassVar[list[Option]] = [
        option("no-checks", None, "Run no pre-release checks."),
        option(
            "skip-check",
            None,
            "Skip the check of this name (repeatable).",
            flag=False,
            multiple=True,
        ),
        option("fail-fast", None, "Stop the other checks at the first failure."),
    ]
    options: ClassVar[list[Option]] = [
        option("next-phase", None, "With prerelease: move to the next phase (a -> b -> rc)."),
        option(
            "dry-run",
            None,
            "Print the version, the diff of every file and the checks; change nothing.",
        ),
        option("no-commit", None, "Leave the changes staged instead of committing them."),
        option(
            "allow-dirty", None, "Allow uncommitted changes (they stay out of the release commit)."
        ),
        option("offline", None, "Skip git fetch, the remote tag look-up and the index look-up."),
        option(
            "repository",
            "r",
            "The Poetry repository whose index must not have the version yet.",
            flag=False,
        ),
        *check_options,
        option(
            "abort",
            None,
            "Put back the files an interrupted prepare (killed, power cut) left changed.",
        ),
        *ReleaseCommand.common_options,
    ]
    locks_repository = True

    _project: Project

    help = """\
Prepares a release: checks that the project can be released, computes the new version with
Poetry's own rules, writes it to pyproject.toml and every version file (<comment>__version__</>,
<comment>__version_info__</>), runs the pre-release checks, confirms the package imports with the
new version, and commits the written files. Any failure or Ctrl-C before the commit restores
every file byte for byte (a file someone edited meanwhile is left as it is, and named).
One prepare or cut runs per repository at a time. The original files are journaled inside
.git first: after a kill -9 or a power cut, <comment>--abort</> (or the next prepare) restores them.
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.workflows.recovery import (
            left_by_prepare,
            recover_interrupted_prepare,
        )

        git = Git(self.project_root)
        if self.option("abort"):
            left = recover_interrupted_prepare(git)
            if left is None:
                self.say("Nothing to abort: no interrupted prepare left changes here.")
            else:
                self._show_recovery(left)
            self._emit_abort(left)
            return 0
        if self.option("dry-run"):  # changes nothing: says what the next prepare restores
            self._warn_left(left_by_prepare(git))
        else:
            left = recover_interrupted_prepare(git)
            if left is not None:
                self._show_recovery(left)
        return self._prepare(git)

    def _warn_left(self, left: LeftChanges | None) -> None:
        if left is not None and left.running:
            self.reporter.warning(
                f"a prepare is running (process {left.pid}): the files hold its changes"
            )
        elif left is not None and left.changed and not left.committed:
            self.reporter.warning(
                f"an interrupted prepare (process {left.pid}) left changes: "
                "poetry release prepare --abort restores them (the next prepare does too)"
            )

    def _prepare(self, git: Git) -> int:
        from poetry_release_plugin.adapters.journal import Journal, git_folders
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.workflows.facts import settled
        from poetry_release_plugin.workflows.prepare import (
            PrepareRequest,
            apply_prepare,
            ensure_prepare_history,
            plan_prepare,
        )

        request = PrepareRequest(
            rule=self.argument("version"),
            next_phase=bool(self.option("next-phase")),
            dry_run=bool(self.option("dry-run")),
            commit=not self.option("no-commit"),
            allow_dirty=bool(self.option("allow-dirty")),
            offline=bool(self.option("offline")),
            run_checks=not self.option("no-checks"),
            skipped_checks=tuple(self.option("skip-check") or ()),
            release_date=date.today().isoformat(),
        )
        project = load_project(self.project_root)
        ensure_prepare_history(project, request, git, self.reporter)
        project = settled(project, git, online=not request.offline)
        self._project = project
        with tempfile.TemporaryDirectory(prefix="poetry-release-") as scratch:
            adapters = self._adapters(git, Path(scratch))
            plan = plan_prepare(project, request, adapters, repository=self.option("repository"))
            self._announce(plan)
            if request.dry_run:
                self._show_dry_run(plan)
                return 0
            folders = git_folders(git)
            if folders is not None:
                adapters.journal = Journal(
                    folders.journal, head=git.head(), version=plan.new.text, top=folders.top
                )
            outcome = apply_prepare(plan, request, adapters)
        self._show_outcome(outcome)
        return 0

    def _show_recovery(self, left: LeftChanges) -> None:
        who = f"An interrupted prepare of {left.version} (process {left.pid})"
        changed, edited = self._shown(left.changed), self._shown(left.edited)
        if left.committed:
            self.reporter.warning(
                f"{who} was followed by a commit (HEAD moved), so its changes were kept: "
                f"{changed or 'none left'}; check them with git diff"
            )
            return
        if changed:
            self.say(f"{escape(who)} had changed {escape(changed)}: <info>restored</info>.")
        if edited:
            self.reporter.warning(
                f"{edited} changed since the interrupted prepare wrote them, "
                "so they were left as they are"
            )
        if not changed and not edited:
            self.say(f"{escape(who)} had changed nothing that needs restoring.")

    def _shown(self, paths: Sequence[Path]) -> str:
        from poetry_release_plugin.adapters.files import shown_path

        return ", ".join(shown_path(self.project_root, path) for path in paths)

    def _emit_abort(self, left: LeftChanges | None) -> None:
        if not self.json_mode:
            return
        restored = self._shown(left.changed) if left and not left.committed else ""
        self.emit_json(
            {
                "ok": True,
                "aborted": left is not None,
                "restored": restored.split(", ") if restored else [],
                "kept": self._shown(left.edited).split(", ") if left and left.edited else [],
            }
        )

    def _adapters(self, git: Git, scratch: Path) -> PrepareAdapters:
        from poetry_release_plugin.adapters.environment import imported_version
        from poetry_release_plugin.workflows.prepare import PrepareAdapters

        return PrepareAdapters(
            git=git,
            reporter=self.reporter,
            index=self._index_for,
            environment=functools.cache(self._environment),
            check_runner=self._check_runner,
            imported_version=imported_version,
            build_dir=scratch,
            dependency_indexes=self._dependency_indexes,
        )

    def _environment(self) -> ProjectEnvironment | None:
        from poetry_release_plugin.adapters.environment import find_project_environment

        try:
            return find_project_environment(self.poetry)
        except ReleaseError:
            raise
        except Exception as error:  # Poetry's own errors about a broken environment
            self.reporter.warning(f"cannot inspect the project's environment ({error})")
            return None

    def _services(self) -> Services:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.console.services import Services

        return Services(self.poetry, self._project, Git(self._project.root))

    def _index_for(self, repository: str) -> PackageIndex | None:
        return self._services().index(repository)

    def _dependency_indexes(self) -> list[PipIndex]:
        return self._services().dependency_indexes()

    def _check_runner(self, env: ProjectEnvironment | None) -> _DisplayedChecks:
        return _DisplayedChecks(self, env)

    def _announce(self, plan: PreparePlan) -> None:
        name = plan.project.metadata.name
        if plan.again:
            self.say(
                f"<c1>{plan.new.text}</c1> was prepared and not cut: preparing it again with "
                "the commits that came since."
            )
        elif not self.argument("version"):
            self.say(f"The commits since the last release call for a <c1>{plan.rule}</c1> release.")
        self.say(
            f"Bumping <c1>{escape(name)}</c1> from <b>{plan.current.text}</b> "
            f"to <fg=green>{plan.new.text}</>"
        )
        if plan.checks:
            names = ", ".join(spec.name for spec in plan.checks)
            missing = ", ".join(plan.missing_tools)
            self.say(
                f"Checks: {escape(names)}"
                + (
                    f" <comment>(not in the project's environment: {missing})</comment>"
                    if missing
                    else ""
                )
            )

    def _show_dry_run(self, plan: PreparePlan) -> None:
        for change in plan.changes:
            self.say(change.diff(), raw=True)
        checks = ", ".join(spec.name for spec in plan.checks) or "none"
        self.say(f"Checks it would run: {escape(checks)}")
        self.say(f"It would commit: {escape(plan.commit_message)}")
        self.say("<comment>Dry run: nothing was changed.</comment>")
        if self.json_mode:
            self.emit_json(_payload(plan, None, dry_run=True))

    def _show_outcome(self, outcome: PrepareOutcome) -> None:
        plan = outcome.plan
        for change in plan.changes:
            done = "Removed" if change.removed else "Updated"
            self.say(f"  <info>{done}</info> {escape(change.path)}")
        if outcome.confirmation:
            self.say(f"  <info>Import</info> {escape(outcome.confirmation)}")
        if outcome.commit:
            self.say(f"Committed <c1>{outcome.commit[:10]}</c1> {escape(plan.commit_message)}")
            self.say(f"Next: <c1>poetry release cut</c1> tags {plan.tag} and creates its release.")
        else:
            self.say("The changes are staged, not committed (--no-commit).")
        if self.json_mode:
            self.emit_json(_payload(plan, outcome, dry_run=False))


class _DisplayedChecks:
    """The check runner, with the live display, the summary table and failing output."""

    def __init__(self, command: PrepareCommand, env: ProjectEnvironment | None) -> None:
        self.command = command
        self.env = env

    def run(self, checks: Sequence[CheckSpec]) -> list[CheckResult]:
        from poetry_release_plugin.adapters.checks import CheckRunner
        from poetry_release_plugin.console.checks_view import (
            LiveChecks,
            render_check_table,
            render_failure_output,
        )

        output = self.command.human
        self.command.say(f"Running {len(checks)} check(s):")
        live = LiveChecks(output, checks)
        runner = CheckRunner(
            self.command.project_root,
            self.env,
            on_change=live.change,
            on_tick=live.tick,
            on_output=live.stream if self.command.io.is_verbose() else None,
            fail_fast=bool(self.command.option("fail-fast")),
        )
        results = runner.run(checks)
        render_check_table(output, results)
        render_failure_output(output, results)
        return results


def _payload(plan: PreparePlan, outcome: PrepareOutcome | None, *, dry_run: bool) -> dict[str, Any]:
    results = outcome.check_results if outcome else ()
    return {
        "ok": True,
        "version": plan.new.text,
        "previous_version": plan.current.text,
        "rule": plan.rule,
        "tag": plan.tag,
        "files": [change.path for change in plan.changes],
        "checks": [{"name": r.name, "ok": r.ok, "seconds": round(r.seconds, 3)} for r in results]
        if outcome
        else [{"name": spec.name, "ok": None, "seconds": None} for spec in plan.checks],
        "commit": outcome.commit if outcome else None,
        "staged": outcome.staged if outcome else False,
        "dry_run": dry_run,
        "warnings": list(plan.warnings),
    }
