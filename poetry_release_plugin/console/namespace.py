"""`poetry release` alone: the release commands, listed as `poetry list release` lists them.

Poetry has no command for a bare namespace (`poetry self` is an error pointing at a docs anchor
that does not exist for a plugin's namespace). cleo tries the longest command name first, so
`poetry release prepare` still finds `release prepare`: this command runs only for `release`
alone or followed by a word that names no release command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from cleo.exceptions import CleoError
from cleo.formatters.formatter import Formatter
from cleo.helpers import argument
from poetry.console.commands.command import Command

if TYPE_CHECKING:
    from cleo.io.inputs.argument import Argument
    from cleo.io.io import IO

NAMESPACE = "release"


class NamespaceCommand(Command):
    name = NAMESPACE
    description = "List the release commands."
    # `poetry list` lists the release commands themselves, as without this command.
    hidden = True

    arguments: ClassVar[list[Argument]] = [
        argument(
            "command_name",
            "A release command (run as <c1>poetry release COMMAND</>).",
            optional=True,
            multiple=True,
        )
    ]

    def run(self, io: IO) -> int:
        try:
            return super().run(io)
        except CleoError:
            # An option meant for a misspelt command (`release prepair --dry-run`): the
            # misspelling is the error to report, not the option.
            if not self._words(io):
                raise
            return self._unknown(io)

    def handle(self) -> int:
        if self._words(self.io):
            return self._unknown(self.io)
        from cleo.descriptors.text_descriptor import TextDescriptor

        TextDescriptor().describe(self.io, self.application, namespace=NAMESPACE)
        return 0

    @property
    def processed_help(self) -> str:
        """`poetry release --help` and `poetry help release` list the commands too."""
        lines = [
            "Run a release command as <c1>poetry release COMMAND</>; "
            "<c1>poetry release COMMAND --help</> describes it.",
            "",
            f'<b>Available commands for the "{NAMESPACE}" namespace:</b>',
        ]
        commands = self._commands()
        width = max((len(name) for name in commands), default=0) + 2
        lines += [
            f"  <c1>{name}</c1>{' ' * (width - len(name))}{description}"
            for name, description in commands.items()
        ]
        return "\n".join(lines)

    def _commands(self) -> dict[str, str]:
        """Each release command's name and description, sorted (the hidden ones left out)."""
        if self.application is None:
            return {}
        found = self.application.all(NAMESPACE).values()
        return {
            command.name: command.description
            for command in sorted(found, key=lambda command: command.name or "")
            if command.name and not command.hidden
        }

    @staticmethod
    def _words(io: IO) -> list[str]:
        if not io.input.has_argument("command_name"):
            return []
        return [str(word) for word in io.input.argument("command_name") or []]

    def _unknown(self, io: IO) -> int:
        """A word after `release` that names no release command: Poetry's own message for an
        unknown command, suggesting the release commands like it (cleo's measure of alike,
        as Poetry's), or all of them when none is."""
        from cleo._utils import find_similar_names

        word = self._words(io)[0]
        commands = self._commands()
        by_word = {name.split(" ", 1)[1]: name for name in commands}
        similar = [by_word[found] for found in find_similar_names(word, list(by_word))]
        io.write_error_line(
            f"The requested command <c1>{NAMESPACE} {Formatter.escape(word)}</> does not exist."
        )
        io.write_error_line("\n<error>Did you mean one of these perhaps?</>")
        for name in similar or commands:
            shown = name.replace(" ", "</> <b>", 1)
            io.write_error_line(f"    <c1>{shown}</>: {commands[name]}")
        io.write_error_line(f"\nRun <c1>poetry {NAMESPACE}</> to list the release commands.")
        return 1
