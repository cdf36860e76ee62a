"""The console's outputs, with every line passed through the one redaction.

A command runs with an IO whose streams hide secrets (`core.redaction`), so nothing it or Poetry
prints can show a token or password: messages, tables, live lines, a check's output, Poetry's
publisher, tracebacks at -vvv, and the log lines of Poetry and the HTTP libraries (Poetry's log
handler is swapped for one writing through the same IO). In --json mode the command's stdout is
stderr: only the one JSON object reaches the real stdout.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, TextIO, cast

from cleo.io.io import IO
from cleo.io.outputs.output import Type as OutputType
from cleo.io.outputs.output import Verbosity
from cleo.io.outputs.stream_output import StreamOutput

from poetry_release_plugin.core.redaction import redact

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cleo.io.outputs.output import Output


class _RedactingStream:
    """A text stream that hides secrets in everything written to it."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def write(self, text: str) -> int:
        written: int = self._target.write(redact(text))
        return written

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class _OutputStream:
    """Any cleo Output (a test's BufferedOutput, say) as a text stream."""

    encoding = "utf-8"

    def __init__(self, output: Output) -> None:
        self._output = output

    def write(self, text: str) -> int:
        self._output.write(text, verbosity=Verbosity.QUIET, type=OutputType.RAW)
        return len(text)

    def flush(self) -> None:
        """Nothing buffered here."""

    def isatty(self) -> bool:
        return False


def redacted_output(output: Output) -> StreamOutput:
    """An output writing to the same place as `output`, every secret hidden."""
    target = output.stream if isinstance(output, StreamOutput) else _OutputStream(output)
    safe = StreamOutput(
        cast("TextIO", _RedactingStream(target)),
        verbosity=Verbosity(output.verbosity),
        decorated=output.is_decorated(),
        formatter=output.formatter,
    )
    safe.decorated(output.is_decorated())
    return safe


def redacted_io(io: IO, *, json_mode: bool) -> tuple[IO, StreamOutput]:
    """The command's IO (human text on stderr in --json mode) and the output for the JSON."""
    stdout, stderr = redacted_output(io.output), redacted_output(io.error_output)
    return IO(io.input, stderr if json_mode else stdout, stderr), stdout


class _LogLines(logging.Handler):
    """Poetry's log handler, writing through the command's (redacted) IO."""

    def __init__(self, io: IO) -> None:
        super().__init__()
        self.io = io

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = redact(self.format(record))
            if record.levelno >= logging.WARNING:
                self.io.write_error_line(line)
            else:
                self.io.write_line(line)
        except Exception:  # a log line must never break the command
            self.handleError(record)


@contextlib.contextmanager
def log_lines_through(io: IO) -> Iterator[None]:
    """While the command runs, Poetry's log lines (its own and the HTTP libraries' at -vv) go
    through `io`: redacted, and never onto a --json stdout."""
    from poetry_release_plugin.adapters.poetry_api import is_poetry_log_handler

    root = logging.getLogger()
    swapped: list[tuple[logging.Handler, logging.Handler]] = []
    for handler in list(root.handlers):
        if is_poetry_log_handler(handler):
            ours = _LogLines(io)
            ours.setLevel(handler.level)
            ours.setFormatter(handler.formatter)
            for log_filter in handler.filters:
                ours.addFilter(log_filter)
            root.removeHandler(handler)
            root.addHandler(ours)
            swapped.append((handler, ours))
    try:
        yield
    finally:
        for handler, replacement in swapped:
            root.removeHandler(replacement)
            root.addHandler(handler)
