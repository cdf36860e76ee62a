"""A check's output: bounded in memory however much it prints, and taken as whole once the
check has ended, even when a process it left behind holds the pipe open."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from poetry_release_plugin.adapters.checks import KEPT_LINES, CheckRunner
from poetry_release_plugin.config import CheckSpec


def test_a_check_that_floods_its_output_keeps_only_the_end_in_memory(tmp_path: Path) -> None:
    flood = "for i in range(200000): print('line', i)\nraise SystemExit(1)"
    runner = CheckRunner(tmp_path, None)

    [result] = runner.run([CheckSpec("flood", (sys.executable, "-c", flood))])

    kept = result.output.splitlines()
    assert len(kept) == KEPT_LINES
    assert kept[-1] == "line 199999"
    assert result.log_path is not None
    log = Path(result.log_path).read_text(encoding="utf-8")  # the whole output, on disk
    runner._remove_logs()  # a failed check's log is kept for the user: not a test's
    assert log.count("\n") == 200000


def test_a_daemon_left_holding_the_output_does_not_hold_the_check(tmp_path: Path) -> None:
    escape = (
        "import os, subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(6)'],"
        " start_new_session=True)\n"
        "print('started a daemon')\n"
    )
    runner = CheckRunner(tmp_path, None)

    started = time.monotonic()
    [result] = runner.run([CheckSpec("escape", (sys.executable, "-c", escape))])

    assert time.monotonic() - started < 5  # not the daemon's 6 s
    assert result.ok
    assert "started a daemon" in result.output


def test_a_daemon_that_keeps_printing_does_not_hold_the_check(tmp_path: Path) -> None:
    chatter = (
        "import time\nwhile True:\n    print('still here', flush=True)\n    time.sleep(0.05)\n"
    )
    escape = (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', {chatter!r}, ], start_new_session=True)\n"
    )
    runner = CheckRunner(tmp_path, None)

    started = time.monotonic()
    [result] = runner.run([CheckSpec("escape", (sys.executable, "-c", escape))])

    assert time.monotonic() - started < 2.5  # not the daemon's 3 s of chatter
    assert result.ok
