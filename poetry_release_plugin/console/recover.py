"""`poetry release recover [VERSION]`."""

from __future__ import annotations

import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from cleo.helpers import argument, option

from poetry_release_plugin.console.base import ReleaseCommand, escape
from poetry_release_plugin.console.prepare import PrepareCommand

if TYPE_CHECKING:
    from cleo.io.inputs.argument import Argument
    from cleo.io.inputs.option import Option

    from poetry_release_plugin.workflows.failed_release import RecoverOutcome, RecoverPlan


class RecoverCommand(PrepareCommand):
    """prepare's adapters and check display, around the recover workflow."""

    name = "release recover"
    description = (
        "Fix forward from a release that never reached the index: mark its GitHub release, "
        "prepare the next patch."
    )

    arguments: ClassVar[list[Argument]] = [
        argument(
            "version",
            "The version whose release failed (default: the project's current version).",
            optional=True,
        )
    ]
    options: ClassVar[list[Option]] = [
        option(
            "dry-run", None, "Say what it would do, with the diff of every file; change nothing."
        ),
        option(
            "delete",
            None,
            "Delete the failed GitHub release instead of marking it (never an immutable one; "
            "the tag stays).",
        ),
        option("repository", "r", "The Poetry repository whose index to ask.", flag=False),
        option("index-url", None, "The index's Simple API root.", flag=False),
        *PrepareCommand.check_options,
        *ReleaseCommand.common_options,
    ]

    help = """\
For a release whose tag and GitHub release are out but whose files never reached the index (its
publish run failed, or none started): marks the GitHub release as not published (its title and
the first paragraph of its notes, which stay editable even in an immutable release; never its
tag or files), leaves the tag in place, and prepares the next patch version as
<comment>poetry release prepare patch</> does, its changelog section saying it re-releases the
fix. Every refusal comes first; nothing is written if marking the release fails.
Then run <comment>poetry release cut</> as usual.
"""

    def run_release(self) -> int:
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.journal import Journal, git_folders
        from poetry_release_plugin.adapters.project_files import load_project
        from poetry_release_plugin.console.services import Services
        from poetry_release_plugin.workflows.facts import settled
        from poetry_release_plugin.workflows.failed_release import (
            RecoverAdapters,
            RecoverRequest,
            apply_recovery,
            plan_recovery,
        )
        from poetry_release_plugin.workflows.full_history import ensure_full_history
        from poetry_release_plugin.workflows.recovery import recover_interrupted_prepare

        git = Git(self.project_root)
        request = RecoverRequest(
            version=self.argument("version"),
            delete=bool(self.option("delete")),
            dry_run=bool(self.option("dry-run")),
            run_checks=not self.option("no-checks"),
            skipped_checks=tuple(self.option("skip-check") or ()),
            release_date=date.today().isoformat(),
        )
        if not request.dry_run:
            left = recover_interrupted_prepare(git)
            if left is not None:
                self._show_recovery(left)
        project = load_project(self.project_root)
        ensure_full_history(
            git,
            project.settings.remote,
            self.reporter,
            purpose="the release to recover",
            offline=False,
        )
        project = settled(project, git, online=True)
        self._project = project
        with (
            closing(Services(self.poetry, project, git)) as services,
            tempfile.TemporaryDirectory(prefix="poetry-release-") as scratch,
        ):
            adapters = RecoverAdapters(
                github=services.required_github(),
                index=services.index(self.option("repository"), self.option("index-url")),
                prepare=self._adapters(git, Path(scratch)),
            )
            plan = plan_recovery(project, request, adapters)
            self._announce_recovery(plan)
            if request.dry_run:
                self._show_recovery_plan(plan)
                return 0
            folders = git_folders(git)
            if folders is not None and plan.prepare is not None:
                adapters.prepare.journal = Journal(
                    folders.journal, head=git.head(), version=plan.fix_version, top=folders.top
                )
            outcome = apply_recovery(plan, request, adapters)
        self._show_recovered(outcome)
        return 0

    def _announce_recovery(self, plan: RecoverPlan) -> None:
        name = escape(self._project.metadata.name)
        self.say(
            f"<c1>{name}</c1> <b>{plan.version}</b> is out on GitHub ({escape(plan.tag)}) but "
            f"never reached the index: {escape(plan.failure.reason)}"
        )
        if plan.prepare is not None:
            self.say(
                f"The fix ships as <fg=green>{plan.fix_version}</>: bumping from "
                f"<b>{plan.prepare.current.text}</b> (as poetry release prepare patch)."
            )
        else:
            self.say(
                f"The fix ships as <fg=green>{plan.fix_version}</>, the version the files hold "
                "already: nothing more is prepared."
            )

    def _show_recovery_plan(self, plan: RecoverPlan) -> None:
        url = escape(plan.release.html_url)
        if plan.delete:
            self.say(f"It would delete the GitHub release {url} (the tag {plan.tag} stays).")
        elif plan.action == "already marked":
            self.say(f"The GitHub release {url} is marked as not published already.")
        else:
            self.say(f"It would mark the GitHub release {url} as not published:")
            self.say(f"  title: {escape(plan.title)}")
            self.say(f"  notes begin: {escape(plan.body.split(chr(10), 1)[0])}")
        self.say(f"The tag {escape(plan.tag)} stays in place.")
        if plan.prepare is not None:
            for change in plan.prepare.changes:
                self.say(change.diff(), raw=True)
            checks = ", ".join(spec.name for spec in plan.prepare.checks) or "none"
            self.say(f"Checks it would run: {escape(checks)}")
            self.say(f"It would commit: {escape(plan.prepare.commit_message)}")
        self.say("<comment>Dry run: nothing was changed.</comment>")
        if self.json_mode:
            self.emit_json(_payload(plan, None, dry_run=True))

    def _show_recovered(self, outcome: RecoverOutcome) -> None:
        plan = outcome.plan
        url = escape(plan.release.html_url)
        if plan.action == "deleted":
            self.say(f"  <info>Deleted</info> the GitHub release {url} (the tag stays)")
        elif plan.action == "already marked":
            self.say(f"  The GitHub release {url} was marked as not published already")
        else:
            self.say(f"  <info>Marked</info> the GitHub release {url}: {escape(plan.title)}")
        self.say(f"  The tag {escape(plan.tag)} stays in place.")
        prepared = outcome.prepared
        if prepared is not None:
            for change in plan.prepare.changes if plan.prepare else ():
                self.say(f"  <info>Updated</info> {escape(change.path)}")
            if prepared.confirmation:
                self.say(f"  <info>Import</info> {escape(prepared.confirmation)}")
            if prepared.commit:
                message = escape(prepared.plan.commit_message)
                self.say(f"Committed <c1>{prepared.commit[:10]}</c1> {message}")
        if plan.prepare is not None:
            tag = escape(self._project.settings.tag_for(plan.fix_version))
            self.say(f"Next: <c1>poetry release cut</c1> tags {tag} and creates its release.")
        else:
            self.say(
                f"Next: <c1>poetry release status</c1> says what {plan.fix_version} needs "
                "(cut, or verify)."
            )
        if self.json_mode:
            self.emit_json(_payload(plan, outcome, dry_run=False))


def _payload(plan: RecoverPlan, outcome: RecoverOutcome | None, *, dry_run: bool) -> dict[str, Any]:
    prepared = outcome.prepared if outcome else None
    return {
        "ok": True,
        "version": plan.version,
        "tag": plan.tag,
        "release_url": plan.release.html_url,
        "reason": plan.failure.reason,
        "run_url": plan.failure.run_url,
        "action": plan.action,
        "title": None if plan.delete else plan.title,
        "fix_version": plan.fix_version,
        "prepared": plan.prepare is not None,
        "files": [change.path for change in plan.prepare.changes] if plan.prepare else [],
        "checks": [
            {"name": r.name, "ok": r.ok, "seconds": round(r.seconds, 3)}
            for r in prepared.check_results
        ]
        if prepared
        else [],
        "commit": prepared.commit if prepared else None,
        "dry_run": dry_run,
    }
