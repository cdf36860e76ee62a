"""Pre-release checks: each a child process in the project's environment, run side by side.

Every check gets its own log file (mode 0600, in a 0700 folder: private to the user); a failing
check's log is kept and its tail shown, both redacted. A check runs without the release's own
credentials (GitHub tokens, Poetry's index passwords and tokens) in its environment, unless it
names one in `env`. Children run in their own process group, so a timeout, `--fail-fast` or
Ctrl-C stops a check together with everything it started. Each runs under a small guard
(check_guard.py) that stops the group when `poetry` itself dies, even by `kill -9`, so a killed
prepare leaves no check running, nor a daemon a check started.
"""

from __future__ import annotations

import collections
import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.config import CheckSpec
from poetry_release_plugin.core.redaction import redact, without_release_credentials

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from poetry_release_plugin.adapters.environment import ProjectEnvironment
    from poetry_release_plugin.adapters.index import PipIndex

BUILD = "build"
INSTALL = "install"
BUILTIN = (BUILD, INSTALL)
TAIL_LINES = 40
GUARD = Path(__file__).with_name("check_guard.py")


class CheckState(Enum):
    """Where a check stands."""

    WAITING = "waiting"
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class CheckResult:
    """How a check ended, with its captured output."""

    name: str
    state: CheckState
    seconds: float
    detail: str = ""
    output: str = ""
    log_path: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the check passed."""
        return self.state is CheckState.PASSED

    def tail(self, lines: int = TAIL_LINES) -> str:
        """The last lines of the check's output."""
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


def builtin_build(output_dir: Path) -> CheckSpec:
    """The build check: sdist and wheel by `poetry build` into a temporary folder, never dist/
    (shared with the install check: see `adapters/build.py`)."""
    argv = (sys.executable, "-m", "poetry_release_plugin.adapters.build", str(output_dir))
    return CheckSpec(name=BUILD, argv=argv)


def builtin_install(
    package: str,
    version: str,
    python: Path,
    dist: Path,
    distribution: str = "",
    dependency_indexes: Sequence[PipIndex] = (),
) -> CheckSpec:
    """The install check: the built wheel in a fresh venv with its dependencies from
    `dependency_indexes` (Poetry's sources), imported, `__version__` compared (with an empty
    `package`: the distribution's installed metadata)."""
    from poetry_release_plugin.adapters.venv import dependency_indexes_variable

    module = "poetry_release_plugin.adapters.install_check"
    argv: tuple[str, ...] = (sys.executable, "-m", module, package, version, str(dist))
    argv = (*argv, "--python", str(python))
    if distribution:
        argv = (*argv, "--distribution", distribution)
    variables = dependency_indexes_variable(dependency_indexes)
    return CheckSpec(name=INSTALL, argv=argv, variables=variables)


DEFAULT_TOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pytest", ("pytest",)),
    ("black", ("black", "--check", ".")),
    ("isort", ("isort", "--check-only", ".")),
    ("mypy", ("mypy",)),
    ("ruff", ("ruff", "check", ".")),
)


def default_checks(
    env: ProjectEnvironment | None, packages: Sequence[str]
) -> tuple[list[CheckSpec], list[str]]:
    """The guide's checks whose executable the project's environment has, and those it lacks."""
    found: list[CheckSpec] = []
    missing: list[str] = []
    for name, argv in DEFAULT_TOOLS:
        if env is None or not (env.bin_dir / name).exists():
            missing.append(name)
            continue
        if name == "mypy":
            argv = (*argv, *packages)
        found.append(CheckSpec(name=name, argv=argv))
    return found, missing


@dataclass
class _Running:
    spec: CheckSpec
    started: float
    process: subprocess.Popen[bytes] | None = None
    timed_out: bool = False
    stopped: bool = False


class CheckRunner:
    """Runs checks concurrently from the project root, in the project's environment."""

    def __init__(
        self,
        root: Path,
        env: ProjectEnvironment | None,
        *,
        on_change: Callable[[str, CheckState, float], None] = lambda *_: None,
        on_output: Callable[[str, str], None] | None = None,
        on_tick: Callable[[], None] = lambda: None,
        fail_fast: bool = False,
        workers: int | None = None,
    ) -> None:
        self.root = root
        self.env = env
        self.on_change = on_change
        self.on_output = on_output
        self.on_tick = on_tick
        self.fail_fast = fail_fast
        # Checks wait on I/O and children as much as they compute: two per core.
        self.workers = workers or 2 * (os.cpu_count() or 1)
        self._lock = threading.Lock()
        self._running: dict[str, _Running] = {}
        self._log_dir = Path(tempfile.mkdtemp(prefix="poetry-release-checks-"))  # mode 0700
        self._lifeline = -1

    def run(self, checks: Sequence[CheckSpec]) -> list[CheckResult]:
        """Run every check; the results in the order given. Ctrl-C stops them all and re-raises."""
        results: dict[str, CheckResult] = {}
        for spec in checks:
            self.on_change(spec.name, CheckState.WAITING, 0.0)
        # The guards read this pipe; only this process holds its write end, so it closes
        # (and the guards stop their checks) however this process ends.
        self._lifeline, lifeline_end = os.pipe()
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="check")
        futures: dict[Future[CheckResult], str] = {
            pool.submit(self._run_one, spec): spec.name for spec in checks
        }
        interrupted = False
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                self.on_tick()
                for future in done:
                    result = future.result()
                    results[result.name] = result
                    if not result.ok and self.fail_fast:
                        self.stop_all()
        except BaseException:
            interrupted = True
            self.stop_all()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            os.close(self._lifeline)
            os.close(lifeline_end)
            if interrupted:  # no one is shown these logs: leave nothing behind
                self._remove_logs()
        ordered = [results[spec.name] for spec in checks if spec.name in results]
        if all(result.ok for result in ordered):
            self._remove_logs()
        return ordered

    def stop_all(self) -> None:
        """Stop every running check (and its children); waiting ones will not start."""
        with self._lock:
            for running in self._running.values():
                running.stopped = True
                _kill_group(running.process)

    def _run_one(self, spec: CheckSpec) -> CheckResult:
        with self._lock:
            running = _Running(spec, time.monotonic())
            stopped_early = any(r.stopped for r in self._running.values())
            self._running[spec.name] = running
        if stopped_early:
            self.on_change(spec.name, CheckState.STOPPED, 0.0)
            return CheckResult(spec.name, CheckState.STOPPED, 0.0, "not run (--fail-fast)")
        self.on_change(spec.name, CheckState.RUNNING, 0.0)
        log_path = self._log_dir / f"{_safe_name(spec.name)}.log"
        result = self._execute(running, log_path)
        self.on_change(spec.name, result.state, result.seconds)
        return result

    def _execute(self, running: _Running, log_path: Path) -> CheckResult:
        spec = running.spec
        variables = without_release_credentials(
            self.env.variables() if self.env is not None else os.environ, keep=spec.env
        )
        variables.update(spec.variables)
        if spec.name in BUILTIN and spec.argv[0] == sys.executable:
            variables["POETRY_VIRTUALENVS_CREATE"] = "false"  # build only, never make a venv
        executable = shutil.which(spec.argv[0], path=variables.get("PATH", os.defpath))
        try:
            if executable is None:
                raise FileNotFoundError(2, os.strerror(2))
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", str(GUARD), str(self._lifeline), "--", *spec.argv],
                cwd=self.root,
                env=variables,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(self._lifeline,),
            )
        except OSError as error:
            seconds = time.monotonic() - running.started
            detail = f"cannot run {spec.argv[0]}: {error.strerror}"
            return CheckResult(spec.name, CheckState.FAILED, seconds, detail, detail)
        with self._lock:
            running.process = process
            if running.stopped:
                _kill_group(process)
        timer = None
        if spec.timeout is not None:
            timer = threading.Timer(spec.timeout, self._time_out, args=(running,))
            timer.daemon = True
            timer.start()
        output = self._collect(spec.name, process, log_path)
        code = process.wait()
        if timer is not None:
            timer.cancel()
        seconds = time.monotonic() - running.started
        if running.timed_out:
            state, detail = CheckState.FAILED, f"timed out after {spec.timeout:g} s"
        elif running.stopped:
            state, detail = CheckState.STOPPED, "stopped"
        elif code == 0:
            state, detail = CheckState.PASSED, ""
        else:
            state, detail = CheckState.FAILED, f"exit code {code}"
        return CheckResult(spec.name, state, seconds, detail, output, str(log_path))

    def _collect(self, name: str, process: subprocess.Popen[bytes], log_path: Path) -> str:
        """The check's output, redacted, into its log file whole; its last KEPT_LINES kept in
        memory (a check printing gigabytes costs disk, not memory). Reading ends when the
        check has ended and its output has been quiet for OUTPUT_GRACE seconds, even if a
        process it left behind (a daemon, `setsid`) still holds the pipe open."""
        assert process.stdout is not None
        kept: collections.deque[str] = collections.deque(maxlen=KEPT_LINES)
        pending = b""
        source = process.stdout.fileno()
        ended_at: float | None = None
        descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as log:

            def emit(raw: bytes) -> None:
                line = redact(raw.decode("utf-8", "replace"))
                kept.append(
                    line if len(line) <= KEPT_LINE_LENGTH else line[:KEPT_LINE_LENGTH] + "…\n"
                )
                log.write(line)
                if self.on_output is not None:
                    self.on_output(name, line.rstrip("\n"))

            while True:
                if process.poll() is not None:
                    ended_at = ended_at or time.monotonic()
                    if time.monotonic() - ended_at > OUTPUT_GRACE:
                        break  # the check ended; whatever still writes to its output is not it
                readable, _, _ = select.select([source], [], [], 0.2)
                if readable:
                    data = os.read(source, 65536)
                    if not data:
                        break
                    pending += data
                    *lines, pending = pending.split(b"\n")
                    for raw in lines:
                        emit(raw + b"\n")
                    if len(pending) > 65536:  # a line without end: shown in pieces
                        emit(pending + b"\n")
                        pending = b""
                    continue

            if pending:
                emit(pending + b"\n")
        return "".join(kept)

    def _time_out(self, running: _Running) -> None:
        running.timed_out = True
        _kill_group(running.process)

    def _remove_logs(self) -> None:
        for path in self._log_dir.iterdir():
            path.unlink(missing_ok=True)
        self._log_dir.rmdir()


KEPT_LINES = 2000  # the end of a check's output kept in memory (all of it is in its log)
KEPT_LINE_LENGTH = 2000  # characters of one line kept in memory
# Seconds a stopped check's guard is given to end it and what it started (its own grace and
# kill included) before the group is killed, guard and all.
STOP_SECONDS = 8.0
OUTPUT_GRACE = 1.0  # seconds of quiet after a check ends before its output is taken as whole


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "check"


def _kill_group(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:  # the guard kills what ignores SIGTERM after its GRACE_SECONDS, then ends itself
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
