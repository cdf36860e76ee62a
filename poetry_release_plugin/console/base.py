"""What every `poetry release` command shares: --json, the reporter, one message per error."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
from typing import TYPE_CHECKING, Any, ClassVar

from cleo.formatters.formatter import Formatter
from cleo.helpers import option
from cleo.io.outputs.output import Type as OutputType
from cleo.io.outputs.output import Verbosity
from poetry.console.commands.command import Command

from poetry_release_plugin.core.redaction import REDACTOR
from poetry_release_plugin.errors import ProjectError, ReleaseError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from types import FrameType

    from cleo.io.inputs.option import Option
    from cleo.io.io import IO
    from cleo.io.outputs.output import Output
    from poetry.config.config import Config
    from poetry.poetry import Poetry

JSON_OPTION = option("json", None, "Print one JSON object on stdout (human text goes to stderr).")


def escape(text: str) -> str:
    """User content, safe from cleo's <tag> formatting."""
    return Formatter.escape(text)


def rehearse_option(description: str) -> Option:
    """`--rehearse[=REPO]`: a bare `--rehearse` reads as None, an absent one as ""."""
    return option("rehearse", None, description, flag=False, value_required=False, default="")


def rehearsal_repository(given: object, configured: str | None) -> str | None:
    """--rehearse NAME, a bare --rehearse (testpypi), else `rehearse` in the config."""
    return "testpypi" if given is None else (str(given) or configured)


class ConsoleReporter:
    """Tells the user what a workflow does: stdout, or stderr when stdout carries JSON."""

    def __init__(self, output: Output) -> None:
        self.output = output

    def info(self, message: str) -> None:
        """A step or a fact."""
        self.output.write_line(escape(message))

    def warning(self, message: str) -> None:
        """Something worth knowing that does not stop the release (what it quotes of a
        server's answer shown, never acted on by the terminal)."""
        from poetry_release_plugin.core.redaction import printable

        self.output.write_line(f"<warning>Warning: {escape(printable(message))}</warning>")


class _Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a closed terminal), handled like Ctrl-C so every file is restored."""


STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class ReleaseCommand(Command):
    """Base of the `release` commands: subclasses implement `run_release`."""

    common_options: ClassVar[list[Option]] = [JSON_OPTION]
    # A command that changes the repository holds its release lock while it runs (not --dry-run).
    locks_repository: ClassVar[bool] = False
    _json_output: Output | None = None
    _json_emitted = False
    _project_root: Path | None = None
    _release_poetry: Poetry | None = None

    def run(self, io: IO) -> int:
        """A wrong option or argument still gives --json its one object (on a redacted stdout)."""
        from cleo.exceptions import CleoError

        try:
            return super().run(io)
        except CleoError as error:
            if io.input.has_parameter_option("--json") and not self._json_emitted:
                from poetry_release_plugin.console.redacted_io import redacted_output

                self._json_output = redacted_output(io.output)
                self.emit_json({"ok": False, "error": str(error), "error_type": "UsageError"})
            raise

    def execute(self, io: IO) -> int:
        """Run with outputs that hide every secret; in --json mode stdout holds only the JSON.

        The objects Poetry's start-up made are set aside from garbage collection first, for
        the rest of the process (a `poetry` process ends with its command): a release
        allocates tens of thousands of objects (commits, changelog lines), and every
        collection, the interpreter's last ones at exit included, would walk Poetry's too. On
        10,000 commits and a 5 MB changelog a dry run took 411 ms with them walked, 358 ms
        without (set aside only while the command ran: 414 ms)."""
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.console.redacted_io import log_lines_through, redacted_io

        gc.freeze()
        REDACTOR.remember_environment(os.environ)
        safe_io, self._json_output = redacted_io(io, json_mode=bool(io.input.option("json")))
        Git.on_wait = lambda what: safe_io.write_error_line(f"<comment>{what}</comment>")
        with log_lines_through(safe_io):
            return super().execute(safe_io)

    @property
    def poetry(self) -> Poetry:
        """The project, loaded through this command's IO (Poetry's -vvv lines are redacted and
        kept off a --json stdout); Poetry's own credentials are remembered as secrets."""
        if self._release_poetry is None:
            from poetry.factory import Factory

            def flag(name: str) -> bool:
                return self.io.input.has_option(name) and bool(self.io.input.option(name))

            poetry = Factory().create_poetry(
                cwd=self.get_application().project_directory,
                io=self.io,
                disable_plugins=flag("no-plugins"),
                disable_cache=flag("no-cache"),
            )
            _remember_poetry_credentials(poetry.config)
            self.set_poetry(poetry)  # Poetry's own code asking the command sees the same
            self._release_poetry = poetry
        return self._release_poetry

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
        """The project's folder, found as Poetry finds it (`-P/--project`, `-C/--directory`
        honoured). The whole Poetry project (its repositories, its environment) is loaded only
        by the commands that need it: a dry run or an offline status does not pay for it."""
        if self._project_root is None:
            from poetry.config.config import Config
            from poetry.core.factory import Factory

            from poetry_release_plugin.adapters.poetry_api import merge_project_config

            try:
                pyproject = Factory.locate(self.get_application().project_directory)
            except RuntimeError as error:
                raise ProjectError(
                    str(error).strip().rstrip("."),
                    "run the command in the project's folder, or give -P/--project PATH",
                ) from None
            config = Config.create()
            merge_project_config(config, pyproject.parent)
            _remember_poetry_credentials(config)
            self._project_root = pyproject.parent
        return self._project_root

    def say(self, message: str, *, raw: bool = False) -> None:
        """Human text: stdout, or stderr in --json mode."""
        self.human.write_line(message, type=OutputType.RAW if raw else OutputType.NORMAL)

    def emit_json(self, payload: dict[str, Any]) -> None:
        """The one JSON object of --json, on stdout, unformatted, every secret redacted."""
        if self._json_emitted:
            return
        self._json_emitted = True
        output = self._json_output or self.io.output
        text = json.dumps(REDACTOR.value(payload), indent=2)
        output.write_line(text, verbosity=Verbosity.QUIET, type=OutputType.RAW)  # even with -q

    def handle(self) -> int:
        if os.name != "posix":
            self.line_error(
                "<error>poetry release runs on POSIX systems only (Linux, macOS): "
                "run it there, or in WSL</error>"
            )
            return 1
        previous = {
            number: signal.signal(number, _raise_terminated)
            for number in STOP_SIGNALS
            if signal.getsignal(number) is not signal.SIG_IGN  # nohup keeps its promise
        }
        try:
            with self._repository_lock():
                return self.run_release()
        except ReleaseError as error:
            self.render_error(error)
            return 1
        except KeyboardInterrupt:
            self.line_error("<error>Interrupted.</error>")
            self._emit_failure("Interrupted", "Interrupted")
            return 130
        except Exception as error:  # not ours: Poetry's or a library's, shown redacted
            self.get_application().render_error(error, self.io)
            self._emit_failure(str(error) or type(error).__name__, "InternalError")
            return 1
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    @contextlib.contextmanager
    def _repository_lock(self) -> Iterator[None]:
        if not self.locks_repository or self.option("dry-run"):
            yield
            return
        from poetry_release_plugin.adapters.git import Git
        from poetry_release_plugin.adapters.journal import git_folders, release_lock

        command = (self.name or "release").split()[-1]
        with release_lock(git_folders(Git(self.project_root)), command) as previous:
            if previous is not None:
                self.reporter.warning(
                    f"took over the release lock of process {previous.pid} ({previous.command}), "
                    "which ended without letting go of it"
                )
            yield

    def render_error(self, error: ReleaseError) -> None:
        """One message: what is wrong and how to fix it."""
        self.line_error(f"<error>{escape(str(error))}</error>")
        self._emit_failure(str(error), type(error).__name__)

    def _emit_failure(self, message: str, kind: str) -> None:
        if self.json_mode:
            self.emit_json({"ok": False, "error": message, "error_type": kind})

    def run_release(self) -> int:
        """The command's work; ReleaseError becomes one message and exit 1."""
        raise NotImplementedError


def _remember_poetry_credentials(config: Config) -> None:
    """Index passwords and tokens from Poetry's configuration (not its keyring) are secrets."""
    from poetry_release_plugin.core.redaction import url_password

    def entries(name: str) -> list[Any]:
        table = config.get(name) or {}
        return list(table.values()) if isinstance(table, dict) else []

    REDACTOR.remember(
        *(str(entry) for entry in entries("pypi-token")),
        *(  # a password written as a TOML number is still one
            str(entry.get("password") or "")
            for entry in entries("http-basic")
            if isinstance(entry, dict)
        ),
        *(
            url_password(str(entry.get("url", "")))
            for entry in entries("repositories")
            if isinstance(entry, dict)
        ),
    )


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated
