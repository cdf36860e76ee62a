"""Every wait ends: --timeout takes finite positive seconds only, and a deadline bounds work
that only bounds each read (verify's poll schedule is in test_verify_workflow.py)."""

from __future__ import annotations

import threading

import pytest

from poetry_release_plugin.adapters.deadline import within_deadline
from poetry_release_plugin.console.verify import parse_timeout
from poetry_release_plugin.errors import ConfigError, DeadlineExceeded


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
