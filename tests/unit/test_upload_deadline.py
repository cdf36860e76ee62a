"""One file's upload has one total deadline: an index that takes the file and then trickles its
answer a byte at a time (each read in time) cannot hold `cut --publish`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from cleo.io.null_io import NullIO
from support import ServedApp, widget_kit_files

from poetry_release_plugin.adapters import upload
from poetry_release_plugin.adapters.publisher import Credentials
from poetry_release_plugin.adapters.upload import UploadTarget, upload_files
from poetry_release_plugin.errors import PublishError

if TYPE_CHECKING:
    from pathlib import Path

    from poetry.poetry import Poetry


def taking_the_file_then_trickling(environ: dict[str, Any], start_response: Any) -> Any:
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body() -> Any:
        for byte in b"OK, stored, thank you":
            time.sleep(0.2)  # every read in time; the whole answer takes 4 s
            yield bytes([byte])

    return body()


@pytest.fixture
def built(tmp_path: Path) -> tuple[Poetry, Path]:
    """widget-kit's real wheel, built by poetry-core, and its Poetry."""
    from poetry.core.masonry.builders.wheel import WheelBuilder
    from poetry.factory import Factory

    for name, text in widget_kit_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    poetry = Factory().create_poetry(tmp_path)
    wheel = WheelBuilder.make_in(poetry, tmp_path / "dist")
    return poetry, tmp_path / "dist" / wheel


def test_an_index_trickling_its_answer_to_an_upload_is_cut_off_at_the_deadline(
    built: tuple[Poetry, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    poetry, wheel = built
    monkeypatch.setattr(upload, "UPLOAD_BASE_SECONDS", 1.0)
    with ServedApp(taking_the_file_then_trickling) as server:
        target = UploadTarget("local", f"{server.url}/legacy/", True, None)
        started = time.monotonic()
        with pytest.raises(PublishError) as raised:
            upload_files(
                poetry,
                NullIO(),
                target,
                [wheel],
                lambda: Credentials("token", "pypi-secret"),
            )

    assert time.monotonic() - started < 3
    assert f"Uploading {wheel.name} to local did not finish within 1 s" in str(raised.value)
    assert "files already up are skipped" in raised.value.fix


def test_the_deadline_grows_with_the_file_at_the_slowest_rate_allowed() -> None:
    assert upload.upload_deadline(0) == upload.UPLOAD_BASE_SECONDS
    assert upload.upload_deadline(64 * 1024 * 100) == upload.UPLOAD_BASE_SECONDS + 100
