"""verify's wait for the index, on a fake clock: an upload is noticed within 3 s of landing,
every wait ends, and --timeout takes finite positive seconds only."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.deadline import within_deadline
from poetry_release_plugin.console.verify import parse_timeout
from poetry_release_plugin.core.simple_api import IndexFile, describe_file
from poetry_release_plugin.errors import (
    ConfigError,
    DeadlineExceeded,
    IndexCredentialsRefused,
    PackageIndexError,
)
from poetry_release_plugin.workflows.verify import (
    CheckRow,
    Outcome,
    VerifyAdapters,
    VerifyRequest,
    verify,
)

if TYPE_CHECKING:
    from pathlib import Path

WHEEL = describe_file("widget_kit-0.9.1-py3-none-any.whl", "", "aa")
SDIST = describe_file("widget_kit-0.9.1.tar.gz", "", "bb")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


class LateIndex:
    """Lists the release from `lands_at` on; each answer takes `answer_seconds`."""

    url = "http://index.invalid/simple/"

    def __init__(self, clock: FakeClock, lands_at: float, answer_seconds: float = 0.05) -> None:
        self.clock = clock
        self.lands_at = lands_at
        self.answer_seconds = answer_seconds
        self.asked: list[tuple[float, float | None]] = []

    def project_files(self, project: str, *, seconds: float | None = None) -> list[IndexFile]:
        self.asked.append((self.clock.now, seconds))
        self.clock.now += self.answer_seconds
        return [WHEEL, SDIST] if self.clock.now >= self.lands_at else []


def run(index: LateIndex, clock: FakeClock, timeout: float = 600.0) -> list[CheckRow]:
    request = VerifyRequest("widget-kit", "widget_kit", "0.9.1", "v0.9.1", None, timeout=timeout)
    adapters = VerifyAdapters(
        index=index,
        github=lambda: None,
        waiting=lambda line: None,
        install=lambda *args: (True, "installed"),
        sleep=clock.sleep,
        clock=clock,
    )
    return verify(request, adapters)


@pytest.mark.parametrize("lands_at", [0.0, 0.7, 12.3, 59.9, 299.0])
def test_an_upload_is_noticed_within_three_seconds_of_landing(lands_at: float) -> None:
    clock = FakeClock()
    index = LateIndex(clock, lands_at)

    rows = run(index, clock)

    assert rows[0].outcome is Outcome.OK
    assert clock.now - lands_at <= 3.0
    gaps = [
        later - earlier
        for (earlier, _), (later, _) in zip(index.asked, index.asked[1:], strict=False)
    ]
    assert all(gap <= 2.0 for gap in gaps)


def test_no_request_may_outlive_the_timeout() -> None:
    clock = FakeClock()
    index = LateIndex(clock, lands_at=10_000)

    rows = run(index, clock, timeout=5)

    assert rows[0].outcome is Outcome.FAILED
    assert "after 5 s" in rows[0].detail
    assert all(asked + (seconds or 0) <= 5.0 + 1e-9 for asked, seconds in index.asked)
    assert clock.now <= 5.0 + index.answer_seconds


def test_refused_credentials_end_the_wait_at_once() -> None:
    clock = FakeClock()

    class Refusing(LateIndex):
        def project_files(self, project: str, *, seconds: float | None = None) -> list[IndexFile]:
            super().project_files(project, seconds=seconds)
            raise IndexCredentialsRefused(
                "The index refused the credentials for repository private", "fix them"
            )

    index = Refusing(clock, lands_at=0)

    rows = run(index, clock)

    assert rows[0].outcome is Outcome.FAILED
    assert "refused the credentials for repository private" in rows[0].detail
    assert len(index.asked) == 1


def test_an_index_that_does_not_answer_is_asked_again_until_the_timeout() -> None:
    clock = FakeClock()

    class Silent(LateIndex):
        def project_files(self, project: str, *, seconds: float | None = None) -> list[IndexFile]:
            super().project_files(project, seconds=seconds)
            raise PackageIndexError("The index gave no complete answer within 5 s")

    rows = run(Silent(clock, lands_at=0), clock, timeout=20)

    assert rows[0].outcome is Outcome.FAILED
    assert "no complete answer" in rows[0].detail


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "-1", "0", "soon", ""])
def test_timeout_must_be_finite_and_positive(text: str) -> None:
    with pytest.raises(ConfigError, match="above zero"):
        parse_timeout(text)


def test_timeout_takes_fractions() -> None:
    assert parse_timeout("2.5") == 2.5


def test_a_deadline_ends_work_that_never_finishes() -> None:
    never = threading.Event()

    with pytest.raises(DeadlineExceeded):
        within_deadline(0.05, never.wait)


def test_a_deadline_passes_results_and_errors_through() -> None:
    assert within_deadline(5, lambda: 42) == 42
    with pytest.raises(ValueError, match="boom"):
        within_deadline(5, lambda: int("boom"))


def test_the_install_gets_the_versions_files_with_their_hashes(tmp_path: Path) -> None:
    clock = FakeClock()
    given: list[list[IndexFile]] = []

    def install(
        name: str, version: str, package: str | None, files: list[IndexFile], folder: Path
    ) -> tuple[bool, str]:
        given.append(files)
        return True, "installed"

    request = VerifyRequest(
        "widget-kit", "widget_kit", "0.9.1", "v0.9.1", None, timeout=10, install=True
    )
    old = describe_file("widget_kit-0.9.0-py3-none-any.whl", "", "cc")

    class WithOld(LateIndex):
        def project_files(self, project: str, *, seconds: float | None = None) -> list[IndexFile]:
            return [old, *super().project_files(project, seconds=seconds)]

    adapters = VerifyAdapters(
        index=WithOld(clock, 0),
        github=lambda: None,
        waiting=lambda line: None,
        install=install,
        sleep=clock.sleep,
        clock=clock,
    )

    rows = verify(request, adapters)

    assert rows[2].outcome is Outcome.OK
    assert [(f.filename, f.sha256) for f in given[0]] == [
        ("widget_kit-0.9.1-py3-none-any.whl", "aa"),
        ("widget_kit-0.9.1.tar.gz", "bb"),
    ]
