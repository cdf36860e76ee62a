"""Every index request ends: a server that trickles its answer cannot hold verify or status."""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING

import pytest
from support import widget_kit_files

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import ProjectFactory

pytestmark = pytest.mark.faults


class TricklingServer:
    """Answers every request on 127.0.0.1 with headers, then one body byte a second (at most
    `limit` bytes, so it stops by itself), never finishing the promised body."""

    def __init__(self, limit: int = 90) -> None:
        self.limit = limit
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/simple/"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> TricklingServer:
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._spawn(self._trickle, connection)

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
                )
                for _ in range(self.limit):
                    if self._stop.wait(1.0):
                        return
                    connection.sendall(b" ")
            except OSError:
                return


@pytest.fixture
def trickling() -> Iterator[TricklingServer]:
    with TricklingServer() as server:
        yield server


def test_verify_and_status_end_although_the_index_trickles(
    make_project: ProjectFactory, trickling: TricklingServer
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{trickling.url}"\n'
    project = make_project(files, tags=("v0.9.0",))

    # The subprocess timeouts bound the test; before, each of these waited on the trickle.
    verified = project.poetry("release", "verify", "--no-github", "--timeout", "3", timeout=60)
    status = project.poetry("release", "status", "--json", timeout=60)

    assert verified.code == 1, verified.output
    assert "no complete answer within" in verified.output
    assert status.code == 0, status.output
    assert status.json()["on_index"] is None
    assert "no complete answer within" in status.stderr + status.stdout
    assert trickling.connections >= 2


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "0"])
def test_verify_refuses_a_timeout_that_is_not_finite_and_positive(
    make_project: ProjectFactory, trickling: TricklingServer, value: str
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{trickling.url}"\n'
    project = make_project(files, tags=("v0.9.0",))

    result = project.poetry("release", "verify", f"--timeout={value}", timeout=60)

    assert result.code == 1
    assert f"--timeout '{value}' is not a number of seconds above zero" in result.output
    assert trickling.connections == 0
