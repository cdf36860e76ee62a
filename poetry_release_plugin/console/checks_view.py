"""The checks as the user sees them: a live line each while they run, then a table."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from cleo.io.outputs.output import Type as OutputType
from cleo.ui.table import Table

from poetry_release_plugin.adapters.checks import CheckState
from poetry_release_plugin.console.base import escape

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cleo.io.outputs.output import Output

    from poetry_release_plugin.adapters.checks import CheckResult
    from poetry_release_plugin.config import CheckSpec

_STYLE = {
    CheckState.WAITING: "comment",
    CheckState.RUNNING: "info",
    CheckState.PASSED: "fg=green",
    CheckState.FAILED: "error",
    CheckState.STOPPED: "comment",
}


class LiveChecks:
    """Shows each check's state; redraws in place on a terminal, plain lines elsewhere."""

    def __init__(self, output: Output, checks: Sequence[CheckSpec]) -> None:
        self.output = output
        self.names = [spec.name for spec in checks]
        self.width = max((len(name) for name in self.names), default=0)
        self.states = {name: (CheckState.WAITING, 0.0) for name in self.names}
        self.started: dict[str, float] = {}
        self.lock = threading.Lock()
        self.section = output.section() if output.is_decorated() else None

    def change(self, name: str, state: CheckState, seconds: float) -> None:
        """A check moved to a new state."""
        with self.lock:
            if state is CheckState.RUNNING:
                self.started[name] = time.monotonic()
            self.states[name] = (state, seconds)
            if self.section is None:
                if state is not CheckState.WAITING:
                    self.output.write_line(self._line(name))
            else:
                self._redraw()

    def tick(self) -> None:
        """Refresh the running checks' seconds (terminal only)."""
        if self.section is not None:
            with self.lock:
                self._redraw()

    def stream(self, name: str, line: str) -> None:
        """A line of a check's output (-v)."""
        with self.lock:
            self.output.write_line(f"<comment>[{escape(name)}]</comment> {escape(line)}")

    def _line(self, name: str) -> str:
        state, seconds = self.states[name]
        if state is CheckState.RUNNING:
            seconds = time.monotonic() - self.started.get(name, time.monotonic())
        shown = f" {seconds:5.1f} s" if state is not CheckState.WAITING else ""
        return f"  {escape(name).ljust(self.width)}  <{_STYLE[state]}>{state.value}</>{shown}"

    def _redraw(self) -> None:
        assert self.section is not None
        self.section.overwrite("\n".join(self._line(name) for name in self.names))


def render_check_table(output: Output, results: Sequence[CheckResult]) -> None:
    """The summary: check, result, seconds."""
    table = Table(output)
    table.set_headers(["check", "result", "seconds"])
    for result in results:
        label = result.state.value + (f" ({result.detail})" if result.detail else "")
        table.add_row(
            [
                escape(result.name),
                f"<{_STYLE[result.state]}>{escape(label)}</>",
                f"{result.seconds:.1f}",
            ]
        )
    table.render()


def render_failure_output(output: Output, results: Sequence[CheckResult]) -> None:
    """Each failed check's output tail and where its full log is."""
    for result in results:
        if result.ok:
            continue
        output.write_line(
            f"\n<error>{escape(result.name)}: {escape(result.state.value)}"
            f"{' (' + escape(result.detail) + ')' if result.detail else ''}</error>"
        )
        if result.output.strip():
            output.write_line(result.tail(), type=OutputType.RAW)
        if result.log_path:
            output.write_line(f"<comment>Full log: {escape(result.log_path)}</comment>")
