"""Runs one check, and stops it with everything it started when the check ends or `poetry` goes.

`python -I -S check_guard.py FD -- ARGV...`: started by the check runner as the leader of a
new process group, it runs ARGV in that group and blocks reading FD, the read end of a pipe
whose write end only `poetry` holds. However `poetry` ends (Ctrl-C, `kill -9`, a crash), the
kernel closes that end: the read returns, and the guard stops its whole group (SIGTERM, then
SIGKILL). On Linux the guard is also the subreaper of what the check starts, so a process that
left the group (`setsid`, a daemon's double fork) stays below it and is stopped too, when
`poetry` goes and when the check ends: a check's processes end with it. Stopped by the runner
(a timeout, `--fail-fast`, Ctrl-C: SIGTERM to the group), the guard passes SIGTERM on to what
left the group and, GRACE_SECONDS later, kills whatever is left, the check included. Processes
that ignore SIGTERM or fork anew are killed as fast as they fork: a killed process's children
come back to the guard, which keeps killing its own children until it has none. While `poetry`
lives the guard is transparent: same output, same exit status.

Standard library only, run by path: it must start fast and import nothing of the plugin.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

GRACE_SECONDS = 3.0
PARENT_GONE = threading.Event()
CHECK_ENDED = threading.Event()
CHECK_PID = 0  # the check's own process, which only the main thread reaps
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def descendants(root: int) -> list[int]:
    """The living processes below `root` (children, their children, ...), from /proc; none
    where there is no /proc. Zombies are left out: they have ended, and have no children."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")  # noqa: PTH208 (no pathlib: the guard starts fast)
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:  # noqa: PTH123
                state, parent = stat.read().rsplit(b")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # gone meanwhile
        if state not in (b"Z", b"X"):
            children.setdefault(int(parent), []).append(int(entry))
    found: list[int] = []
    below = [root]
    while below:
        for child in children.get(below.pop(), []):
            found.append(child)
            below.append(child)
    return found


def signal_all(pids: list[int], signum: int) -> None:
    """Send `signum` to each process that is still there."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def _adopt_orphans() -> None:
    """Become the subreaper of what the check starts (Linux): a process whose parent exits is
    re-parented here, not to init, so `descendants` finds the daemons a check leaves."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children() -> tuple[list[int], bool] | None:
    """The guard's own living children (the orphans it adopted included), and whether one had
    ended: it is reaped here (never the check itself: the main thread waits for it), and what
    it left may be re-parented here only after this list was read. None where the kernel does
    not list a process's children (/proc/PID/task/TID/children)."""
    if not os.path.exists(f"/proc/self/task/{os.getpid()}/children"):  # noqa: PTH110
        return None
    listed: list[int] = []
    for task in os.listdir("/proc/self/task"):  # noqa: PTH208
        path = f"/proc/self/task/{task}/children"
        with contextlib.suppress(OSError), open(path, "rb") as children:  # noqa: PTH123
            listed.extend(int(pid) for pid in children.read().split())
    living: list[int] = []
    ended = False
    for pid in listed:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:  # noqa: PTH123
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, ValueError, IndexError):
            ended = True
            continue
        if state not in (b"Z", b"X"):
            living.append(pid)
        elif pid != CHECK_PID:
            ended = True
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    return living, ended


def _below() -> tuple[list[int], bool]:
    """The living processes below the guard, and whether none can be missing from the list
    (False while a process that just ended may be handing its children over)."""
    children = _children()
    if children is None:
        return descendants(os.getpid()), True
    living, ended = children
    return (descendants(os.getpid()) if living else []), not ended


def _kill_all(seconds: float = 3.0) -> None:
    """SIGKILL every process below the guard until there is none (for at most `seconds`). A
    process that forks anew as fast as it can (each child's parent exiting at once) is caught:
    a killed process's children are re-parented to the guard, whose own list of children is
    read again at once, far faster than a process forks."""
    given_up_at = time.monotonic() + seconds
    while time.monotonic() < given_up_at:
        children = _children()
        if children is None:  # no list of children: the whole process table, more slowly
            left, sure = descendants(os.getpid()), True
        else:
            left, ended = children
            sure = not ended
        if not left and sure:
            return
        signal_all(left, signal.SIGKILL)


def _end_escaped() -> None:
    """Stop every process still below the guard, in its group or not: SIGTERM, up to a second
    for them to go, then SIGKILL until none is left."""
    left, sure = _below()
    if not left and sure:
        return
    signal_all(left, signal.SIGTERM)
    given_up_at = time.monotonic() + 1.0
    while time.monotonic() < given_up_at:
        time.sleep(0.05)
        left, sure = _below()
        if not left and sure:
            return
    _kill_all()


def _stop_check(signum: int, frame: object) -> None:
    """The runner stops the check (SIGTERM to the group; the guard stays to report): pass it
    on to what left the group, and kill whatever has not ended GRACE_SECONDS later."""
    group = os.getpgrp()
    outside = []
    for pid in descendants(os.getpid()):
        with contextlib.suppress(OSError):
            if os.getpgid(pid) != group:
                outside.append(pid)
    signal_all(outside, signal.SIGTERM)

    def kill_later() -> None:
        if not CHECK_ENDED.wait(GRACE_SECONDS):
            _kill_all()

    threading.Thread(target=kill_later, daemon=True).start()


def _watch_parent(descriptor: int) -> None:
    """Block until the parent's end of the pipe closes, then stop the whole process group."""
    with contextlib.suppress(OSError):
        while os.read(descriptor, 512):
            pass
    PARENT_GONE.set()
    os.killpg(os.getpgrp(), signal.SIGTERM)  # the guard's own handler passes it on
    CHECK_ENDED.wait(GRACE_SECONDS)
    _end_escaped()
    os.killpg(os.getpgrp(), signal.SIGKILL)  # whatever is left, the guard included


def main(arguments: list[str]) -> int:
    """Run the check; its exit status (a check killed by a signal ends the guard the same way)."""
    descriptor, separator, *argv = arguments
    if separator != "--" or not argv:
        print("usage: check_guard.py FD -- ARGV...", file=sys.stderr)
        return 2
    _adopt_orphans()
    # The runner stops a check with SIGTERM to the group: the check ends, the guard reports it
    # (a handler, unlike SIG_IGN, is not inherited: the check starts with the default).
    signal.signal(signal.SIGTERM, _stop_check)
    try:  # posix_spawn, not subprocess: the guard starts in a third of the time
        child = os.posix_spawnp(argv[0], argv, os.environ)
    except OSError as error:
        print(f"cannot run {argv[0]}: {error.strerror}", flush=True)
        return 127
    global CHECK_PID  # one process, one check
    CHECK_PID = child
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watcher = threading.Thread(target=_watch_parent, args=(int(descriptor),), daemon=True)
    watcher.start()
    _, status = os.waitpid(child, 0)
    CHECK_ENDED.set()
    if PARENT_GONE.is_set():
        watcher.join()  # it ends the whole group, this process included
    _end_escaped()
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # end as the check ended, so the runner sees the same signal
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
