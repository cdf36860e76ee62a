"""The Poetry application plugin: registers `poetry release ...` lazily (`poetry release` alone
lists them), and keeps the version files in step with a plain `poetry version RULE`.

Poetry loads this module on every command, so it imports nothing but Poetry's plugin base:
each command's module is imported only when that command is created, and the listeners import
their workflow only for a `version` command that changes the version.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from poetry.plugins.application_plugin import ApplicationPlugin

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from cleo.events.event import Event
    from cleo.events.event_dispatcher import EventDispatcher
    from cleo.io.io import IO
    from poetry.console.application import Application
    from poetry.console.commands.command import Command

# Each command's name, and the module and class that make it (imported only when it runs).
# cleo tries the longest name first, so `release` alone (the list of these commands, as
# `poetry list release` shows it) never shadows `release prepare` and the others.
COMMANDS: dict[str, tuple[str, str]] = {
    "release": ("poetry_release_plugin.console.namespace", "NamespaceCommand"),
    "release prepare": ("poetry_release_plugin.console.prepare", "PrepareCommand"),
    "release cut": ("poetry_release_plugin.console.cut", "CutCommand"),
    "release verify": ("poetry_release_plugin.console.verify", "VerifyCommand"),
    "release notes": ("poetry_release_plugin.console.notes", "NotesCommand"),
    "release status": ("poetry_release_plugin.console.status", "StatusCommand"),
    "release recover": ("poetry_release_plugin.console.recover", "RecoverCommand"),
    "release init-ci": ("poetry_release_plugin.console.init_ci", "InitCiCommand"),
}


def _factory(module: str, attribute: str) -> Callable[[], Command]:
    def create() -> Command:
        command: Command = getattr(importlib.import_module(module), attribute)()
        return command

    return create


def _version_rule(event: Event) -> tuple[Command, str, IO] | None:
    """The `version` command and its rule, when the event is a `poetry version RULE` that
    writes (not `--dry-run`); None for every other command."""
    from cleo.events.console_event import ConsoleEvent
    from poetry.console.commands.command import Command as PoetryCommand

    if not isinstance(event, ConsoleEvent):
        return None
    command = event.command
    if not isinstance(command, PoetryCommand) or command.name != "version":
        return None
    rule = event.io.input.argument("version")
    if not rule or event.io.input.option("dry-run"):
        return None
    return command, str(rule), event.io


def check_before_version(event: Event, event_name: str, dispatcher: EventDispatcher) -> None:
    """Before `poetry version RULE` writes anything: if the plugin has version files to keep in
    step, they must be able to take the new version. Never stops Poetry: what the plugin
    cannot do is one warning line on stderr, and Poetry goes on as without the plugin."""
    found = _version_rule(event)
    if found is None:
        return
    command, rule, io = found
    root = _project_root(command)
    if root is None:
        return
    try:
        from poetry_release_plugin.workflows.sync import check_version_sync

        before = check_version_sync(root, rule, next_phase=bool(io.input.option("next-phase")))
        if before is not None:
            _BEFORE[id(command)] = before
    except Exception as error:  # never Poetry's failure: say it, and leave the files alone
        _SKIPPED.add(id(command))
        _warn(io, f"{_reason(error)}; the version files were not updated")


def sync_after_version(event: Event, event_name: str, dispatcher: EventDispatcher) -> None:
    """After `poetry version RULE` succeeds, write the new version into the version files.

    Poetry's own output stays alone on stdout under `--short`: these lines go to stderr then
    (and nowhere under `-q`, which silences both)."""
    from cleo.events.console_terminate_event import ConsoleTerminateEvent

    found = _version_rule(event)
    if found is None or not isinstance(event, ConsoleTerminateEvent) or event.exit_code != 0:
        return
    command, _, _ = found
    root = _project_root(command)
    if id(command) in _SKIPPED or root is None:  # the check said why already
        return
    write = event.io.write_error_line if event.io.input.option("short") else event.io.write_line
    try:
        from poetry_release_plugin.workflows.sync import sync_version_files

        written, left = sync_version_files(root, _BEFORE.pop(id(command), None))
        for path in written:
            write(f"Updated <c1>{path}</c1>")
        for line in left:
            _warn(event.io, line)
    except Exception as error:  # pyproject.toml is written already: report, never crash
        _warn(event.io, f"{_reason(error)}; the version files were not updated")


# `version` commands whose check failed: the sync after them says nothing more.
_SKIPPED: set[int] = set()
# The version the places held when each `version` command began (what the sync replaces).
_BEFORE: dict[int, str] = {}


def _project_root(command: Command) -> Path | None:
    """The project's folder; None when Poetry cannot load the project (it says why itself)."""
    try:
        return command.poetry.pyproject_path.parent
    except Exception:
        return None


def _reason(error: Exception) -> str:
    from poetry_release_plugin.errors import ReleaseError

    if isinstance(error, ReleaseError):  # with its fix, short: "did you mean tag-format?"
        return f"{error.what} ({error.fix})" if error.fix and len(error.fix) <= 80 else error.what
    return str(error) or type(error).__name__


def _warn(io: IO, message: str) -> None:
    from cleo.formatters.formatter import Formatter

    io.write_error_line(f"<warning>poetry-release-plugin: {Formatter.escape(message)}</warning>")


class ReleasePlugin(ApplicationPlugin):
    """Adds the `release` commands to Poetry, and the version-file sync to `poetry version`."""

    def activate(self, application: Application) -> None:
        from cleo.events.console_events import COMMAND, TERMINATE

        for name, (module, attribute) in COMMANDS.items():
            application.command_loader.register_factory(name, _factory(module, attribute))
        if application.event_dispatcher is not None:
            application.event_dispatcher.add_listener(COMMAND, check_before_version)
            application.event_dispatcher.add_listener(TERMINATE, sync_after_version)
