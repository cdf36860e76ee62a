"""A total deadline for blocking network work whose library only bounds each read."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar

from poetry_release_plugin.errors import DeadlineExceeded

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def within_deadline(seconds: float, work: Callable[[], T]) -> T:
    """`work()`'s result or exception, or DeadlineExceeded once `seconds` have passed.

    A server that trickles one byte at a time satisfies every per-read timeout; only a clock
    around the whole call bounds it. The abandoned call runs on in a daemon thread, which never
    holds the process open.
    """
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error
        finally:
            finished.set()

    threading.Thread(target=run, name="network-call", daemon=True).start()
    if not finished.wait(max(seconds, 0.0)):
        raise DeadlineExceeded
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
