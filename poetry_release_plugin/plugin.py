"""The Poetry application plugin: registers `poetry release ...` lazily.

Poetry loads this module on every command, so it imports nothing but Poetry's plugin base:
each command's module is imported only when that command is created.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from poetry.plugins.application_plugin import ApplicationPlugin

if TYPE_CHECKING:
    from collections.abc import Callable

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


class ReleasePlugin(ApplicationPlugin):
    """Adds the `release` commands to Poetry."""

    def activate(self, application: Application) -> None:
        for name, (module, attribute) in COMMANDS.items():
            application.command_loader.register_factory(name, _factory(module, attribute))
