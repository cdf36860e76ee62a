"""A check's output: bounded in memory however much it prints, and taken as whole once the
check has ended, even when a process it left behind holds the pipe open."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from support import ends_within

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


def _ended(pid: int, within: float = 5.0) -> bool:
    """Whether process `pid` is gone (or a zombie) within `within` seconds; if not, the test
    kills it, so that a failing run leaves nothing behind."""
    if ends_within(pid, within):
        return True
    os.kill(pid, signal.SIGKILL)
    return False


DAEMON = (  # the classic double fork: setsid, and the intermediate parent exits at once
    "import os, sys, time\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        open(sys.argv[1], 'w').write(str(os.getpid()))\n"
    "        time.sleep(60)\n"
    "    os._exit(0)\n"
    "time.sleep(float(sys.argv[2]))\n"
)


def _daemon_pid(path: Path) -> int:
    given_up_at = time.monotonic() + 10
    while not (path.exists() and path.read_text()):
        assert time.monotonic() < given_up_at, "the daemon never started"
        time.sleep(0.05)
    return int(path.read_text())


def test_a_daemon_a_check_leaves_is_stopped_when_the_check_ends(tmp_path: Path) -> None:
    pid_file = tmp_path / "daemon.pid"
    runner = CheckRunner(tmp_path, None)

    [result] = runner.run(
        [CheckSpec("daemon", (sys.executable, "-c", DAEMON, str(pid_file), "0.5"))]
    )

    assert result.ok, result.output
    assert _ended(_daemon_pid(pid_file)), "the check's daemon outlived it"


def test_a_daemon_a_check_started_is_stopped_when_poetry_is_killed(tmp_path: Path) -> None:
    import subprocess

    pid_file = tmp_path / "daemon.pid"
    runs_checks = (
        "import sys\n"
        "from pathlib import Path\n"
        "from poetry_release_plugin.adapters.checks import CheckRunner\n"
        "from poetry_release_plugin.config import CheckSpec\n"
        "CheckRunner(Path(sys.argv[1]), None).run("
        "[CheckSpec('daemon', (sys.executable, '-c', sys.argv[2], sys.argv[3], '60'))])\n"
    )
    poetry = subprocess.Popen(  # its checks' log folder in tmp_path: a killed one stays
        [sys.executable, "-c", runs_checks, str(tmp_path), DAEMON, str(pid_file)],
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    daemon = _daemon_pid(pid_file)

    poetry.send_signal(signal.SIGKILL)  # no handler runs: only the guard is left to act
    poetry.wait(timeout=10)

    assert _ended(daemon), "the daemon outlived the killed poetry"
