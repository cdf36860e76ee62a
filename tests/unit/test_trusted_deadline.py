"""A trusted-publishing request has one total deadline: an index trickling its answer a byte
at a time (each read in time) cannot hold `cut --publish`."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from support import ServedApp

from poetry_release_plugin.adapters import trusted_publishing
from poetry_release_plugin.adapters.trusted_publishing import TrustedPublisher
from poetry_release_plugin.errors import TrustedPublishingError


def trickling(environ: dict[str, Any], start_response: Any) -> Any:
    start_response("200 OK", [("Content-Type", "application/json")])

    def body() -> Any:
        for byte in b'{"audience": "pypi"}':
            time.sleep(0.15)  # every read in time; the whole answer takes 3 s
            yield bytes([byte])

    return body()


def test_an_index_trickling_its_audience_is_cut_off_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(trusted_publishing, "TIMEOUT", 1.0)
    with ServedApp(trickling) as server:
        publisher = TrustedPublisher(
            f"{server.url}/legacy/",
            requests.Session(),
            index_name="local",
            project="widget-kit",
            audience="pypi",
            identity=lambda audience: None,
        )
        started = time.monotonic()
        with pytest.raises(TrustedPublishingError, match="did not answer within 1 s"):
            publisher.audience()

    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("url", "configured", "said"),
    [
        ("https://index.example/legacy/", " pypi", "is not an audience"),
        ("https://index.example/legacy/", "pypi", "is pypi's own audience"),
        ("https://index.example/legacy/", None, "for PyPI and TestPyPI only"),
        ("http://index.example/legacy/", "mine", "needs HTTPS"),
    ],
)
def test_the_audience_is_never_one_another_index_could_use_elsewhere(
    url: str, configured: str | None, said: str
) -> None:
    from poetry_release_plugin.adapters.trusted_publishing import expected_audience

    with pytest.raises(TrustedPublishingError, match=said):
        expected_audience(url, configured)


def test_an_index_of_ones_own_and_a_loopback_stand_in_get_their_audience() -> None:
    from poetry_release_plugin.adapters.trusted_publishing import expected_audience

    assert expected_audience("https://index.example/legacy/", "mine") == "mine"
    assert expected_audience("http://127.0.0.1:8080/legacy/", "pypi") == "pypi"
