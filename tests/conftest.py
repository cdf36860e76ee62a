"""Fixtures: real projects with a bare remote, and a real package index on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest
from support import (
    GIT,
    ReleaseProject,
    free_port,
    guide_layout,
    isolated_environment,
    run,
    wait_for_port,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class LocalIndex:
    """pypiserver serving a folder: files copied in are listed at once."""

    url: str  # the Simple API root
    root_url: str  # where uploads go
    packages: Path


class ProjectFactory(Protocol):
    """Creates a committed project with a pushed `main` and the given lightweight tags."""

    def __call__(
        self, files: dict[str, str] | None = None, *, tags: tuple[str, ...] = ("v1.5.4",)
    ) -> ReleaseProject: ...


@pytest.fixture(scope="session")
def local_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """A real pypiserver (no auth, no fallback to any public index) on a free loopback port."""
    packages = tmp_path_factory.mktemp("index-packages")
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "pypi-server"),
            "run",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--disable-fallback",
            "-a",
            ".",
            "-P",
            ".",
            str(packages),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield LocalIndex(f"http://127.0.0.1:{port}/simple/", f"http://127.0.0.1:{port}/", packages)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def index(local_index: LocalIndex) -> Iterator[LocalIndex]:
    """The local index, emptied after the test."""
    yield local_index
    for path in local_index.packages.iterdir():
        path.unlink()


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A hermetic environment for `poetry` and `git`."""
    home = tmp_path / "home"
    home.mkdir()
    return isolated_environment(home)


@pytest.fixture
def make_project(
    tmp_path: Path, environment: dict[str, str], local_index: LocalIndex
) -> ProjectFactory:
    """Projects laid out like the guide's unless other files are given."""

    def create(
        files: dict[str, str] | None = None, *, tags: tuple[str, ...] = ("v1.5.4",)
    ) -> ReleaseProject:
        root = tmp_path / "project"
        remote = tmp_path / "remote.git"
        root.mkdir()
        project = ReleaseProject(root, remote, environment)
        for path, text in (files or guide_layout(local_index.url)).items():
            project.write(path, text)
        _git(
            environment,
            tmp_path,
            "init",
            "--quiet",
            "--bare",
            "--initial-branch",
            "main",
            str(remote),
        )
        project.git("init", "--quiet", "--initial-branch", "main")
        project.commit_all("Initial commit")
        for tag in tags:
            project.git("tag", tag)
        project.git("remote", "add", "origin", str(remote))
        project.git("push", "--quiet", "origin", "main", "--tags")
        project.git("branch", "--set-upstream-to", "origin/main")
        return project

    return create


def _git(env: dict[str, str], cwd: Path, *args: str) -> None:
    result = run([GIT, *args], cwd, env, 60)
    assert result.code == 0, result.output
