"""Runs one check, and stops it with everything it started when `poetry` goes away.

`python -I -S check_guard.py FD -- ARGV...`: started by the check runner as the leader of a
new process group, it runs ARGV in that group and blocks reading FD, the read end of a pipe
whose write end only `poetry` holds. However `poetry` ends (Ctrl-C, `kill -9`, a crash), the
kernel closes that end: the read returns, and the guard stops its whole group (SIGTERM, then
SIGKILL). While `poetry` lives the guard is transparent: same output, same exit status.

Standard library only, run by path: it must start fast and import nothing of the plugin.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

GRACE_SECONDS = 3.0
PARENT_GONE = threading.Event()
CHECK_ENDED = threading.Event()


def _watch_parent(descriptor: int) -> None:
    """Block until the parent's end of the pipe closes, then stop the whole process group."""
    with contextlib.suppress(OSError):
        while os.read(descriptor, 512):
            pass
    PARENT_GONE.set()
    os.killpg(os.getpgrp(), signal.SIGTERM)  # the guard itself ignores SIGTERM
    CHECK_ENDED.wait(GRACE_SECONDS)
    os.killpg(os.getpgrp(), signal.SIGKILL)  # whatever is left, the guard included


def main(arguments: list[str]) -> int:
    """Run the check; its exit status (a check killed by a signal ends the guard the same way)."""
    descriptor, separator, *argv = arguments
    if separator != "--" or not argv:
        print("usage: check_guard.py FD -- ARGV...", file=sys.stderr)
        return 2
    try:  # posix_spawn, not subprocess: the guard starts in a third of the time
        child = os.posix_spawnp(argv[0], argv, os.environ)
    except OSError as error:
        print(f"cannot run {argv[0]}: {error.strerror}", flush=True)
        return 127
    # The runner stops a check with SIGTERM to the group: the check ends, the guard reports it.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watcher = threading.Thread(target=_watch_parent, args=(int(descriptor),), daemon=True)
    watcher.start()
    _, status = os.waitpid(child, 0)
    CHECK_ENDED.set()
    if PARENT_GONE.is_set():
        watcher.join()  # it ends the whole group, this process included
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # end as the check ended, so the runner sees the same signal
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
