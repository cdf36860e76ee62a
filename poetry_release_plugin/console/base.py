"""What every `poetry release` command shares: --json, the reporter, one message per error."""

from __future__ import annotations

import json
import os
import signal
from typing import TYPE_CHECKING, Any, ClassVar

from cleo.formatters.formatter import Formatter
from cleo.helpers import option
from cleo.io.outputs.output import Type as OutputType
from poetry.console.commands.command import Command

from poetry_release_plugin.errors import ProjectError, ReleaseError

if TYPE_CHECKING:
    from pathlib import Path
    from types import FrameType

    from cleo.io.inputs.option import Option
    from cleo.io.outputs.output import Output

JSON_OPTION = option("json", None, "Print one JSON object on stdout (human text goes to stderr).")


def escape(text: str) -> str:
    """User content, safe from cleo's <tag> formatting."""
    return Formatter.escape(text)


class ConsoleReporter:
    """Tells the user what a workflow does: stdout, or stderr when stdout carries JSON."""

    def __init__(self, output: Output) -> None:
        self.output = output

    def info(self, message: str) -> None:
        """A step or a fact."""
        self.output.write_line(escape(message))

    def warning(self, message: str) -> None:
        """Something worth knowing that does not stop the release."""
        self.output.write_line(f"<warning>Warning: {escape(message)}</warning>")


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so every file is restored."""


class ReleaseCommand(Command):
    """Base of the `release` commands: subclasses implement `run_release`."""

    common_options: ClassVar[list[Option]] = [JSON_OPTION]

    @property
    def json_mode(self) -> bool:
        """Whether stdout is reserved for one JSON object."""
        return bool(self.option("json"))

    @property
    def human(self) -> Output:
        """Where human text goes: stdout, or stderr in --json mode."""
        return self.io.error_output if self.json_mode else self.io.output

    @property
    def reporter(self) -> ConsoleReporter:
        """A reporter writing human text to the right stream."""
        return ConsoleReporter(self.human)

    @property
    def project_root(self) -> Path:
        """The project's folder, as Poetry found it (`-P/--project`, `-C/--directory` honoured)."""
        from poetry.core.pyproject.exceptions import PyProjectError

        try:
            return self.poetry.pyproject_path.parent
        except (RuntimeError, PyProjectError) as error:
            raise ProjectError(
                str(error).strip().rstrip("."),
                "run the command in the project's folder, or give -P/--project PATH",
            ) from None

    def say(self, message: str, *, raw: bool = False) -> None:
        """Human text: stdout, or stderr in --json mode."""
        self.human.write_line(message, type=OutputType.RAW if raw else OutputType.NORMAL)

    def emit_json(self, payload: dict[str, Any]) -> None:
        """The one JSON object of --json, on stdout, unformatted."""
        self.io.output.write_line(json.dumps(payload, indent=2), type=OutputType.RAW)

    def handle(self) -> int:
        if os.name != "posix":
            self.line_error(
                "<error>poetry release runs on POSIX systems only (Linux, macOS): "
                "run it there, or in WSL</error>"
            )
            return 1
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return self.run_release()
        except ReleaseError as error:
            self.render_error(error)
            return 1
        except KeyboardInterrupt:
            self.line_error("<error>Interrupted.</error>")
            return 130
        finally:
            signal.signal(signal.SIGTERM, previous)

    def render_error(self, error: ReleaseError) -> None:
        """One message: what is wrong and how to fix it."""
        self.line_error(f"<error>{escape(str(error))}</error>")
        if self.json_mode:
            self.emit_json({"ok": False, "error": str(error), "error_type": type(error).__name__})

    def run_release(self) -> int:
        """The command's work; ReleaseError becomes one message and exit 1."""
        raise NotImplementedError


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated
