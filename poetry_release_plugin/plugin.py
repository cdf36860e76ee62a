"""The Poetry application plugin: registers `poetry release ...` lazily, and keeps the version
files in step after a plain `poetry version RULE`.

Poetry loads this module on every command, so it imports nothing but Poetry's plugin base:
each command's module is imported only when that command is created, and the listener imports
its workflow only after a `version` command that changed the version.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from poetry.plugins.application_plugin import ApplicationPlugin

if TYPE_CHECKING:
    from collections.abc import Callable

    from cleo.events.event import Event
    from cleo.events.event_dispatcher import EventDispatcher
    from poetry.console.application import Application
    from poetry.console.commands.command import Command

COMMANDS: dict[str, tuple[str, str]] = {
    "release prepare": ("poetry_release_plugin.console.prepare", "PrepareCommand"),
    "release cut": ("poetry_release_plugin.console.cut", "CutCommand"),
    "release verify": ("poetry_release_plugin.console.verify", "VerifyCommand"),
    "release notes": ("poetry_release_plugin.console.notes", "NotesCommand"),
    "release status": ("poetry_release_plugin.console.status", "StatusCommand"),
}


def _factory(module: str, attribute: str) -> Callable[[], Command]:
    def create() -> Command:
        command: Command = getattr(importlib.import_module(module), attribute)()
        return command

    return create


def sync_after_version(event: Event, event_name: str, dispatcher: EventDispatcher) -> None:
    """After `poetry version RULE` succeeds, write the new version into the version files."""
    from cleo.events.console_terminate_event import ConsoleTerminateEvent
    from poetry.console.commands.command import Command as PoetryCommand

    if not isinstance(event, ConsoleTerminateEvent) or event.exit_code != 0:
        return
    command = event.command
    if command.name != "version" or not isinstance(command, PoetryCommand):
        return
    if not command.io.input.argument("version") or command.io.input.option("dry-run"):
        return
    try:
        from poetry_release_plugin.workflows.sync import sync_version_files

        root = command.poetry.pyproject_path.parent
        for path in sync_version_files(root):
            event.io.write_line(f"Updated <c1>{path}</c1>")
    except Exception as error:  # pyproject.toml is written already: report, never crash
        event.io.write_error_line(
            f"<warning>poetry-release-plugin could not update the version files: {error}</warning>"
        )


class ReleasePlugin(ApplicationPlugin):
    """Adds the `release` commands to Poetry, and the version-file sync to `poetry version`."""

    def activate(self, application: Application) -> None:
        from cleo.events.console_events import TERMINATE

        for name, (module, attribute) in COMMANDS.items():
            application.command_loader.register_factory(name, _factory(module, attribute))
        if application.event_dispatcher is not None:
            application.event_dispatcher.add_listener(TERMINATE, sync_after_version)
