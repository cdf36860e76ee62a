"""Fixtures: real projects with a bare remote, and a real package index on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import hypothesis
import pytest
from github_standin import GitHubStandIn, Server
from support import (
    GIT,
    PackageIndexServer,
    ReleaseProject,
    guide_layout,
    isolated_environment,
    processes_mentioning,
    run,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


_LEFTOVERS = pytest.StashKey[set[str]]()
INDEX_USER = "uploader"
INDEX_PASSWORD = "index-S3CRET-password-42"


@dataclass(frozen=True)
class LocalIndex:
    """pypiserver serving a folder: files copied in are listed at once; uploads need a password."""

    url: str  # the Simple API root
    root_url: str  # where uploads go
    packages: Path

    def poetry_environment(self, name: str = "demo") -> dict[str, str]:
        """POETRY_* variables that make this index the Poetry repository `name`."""
        key = name.upper().replace("-", "_")
        return {
            f"POETRY_REPOSITORIES_{key}_URL": self.root_url,
            f"POETRY_HTTP_BASIC_{key}_USERNAME": INDEX_USER,
            f"POETRY_HTTP_BASIC_{key}_PASSWORD": INDEX_PASSWORD,
        }


class ProjectFactory(Protocol):
    """Creates a committed project with a pushed `main` and the given lightweight tags."""

    def __call__(
        self, files: dict[str, str] | None = None, *, tags: tuple[str, ...] = ("v1.5.4",)
    ) -> ReleaseProject: ...


class RealProjectFactory(Protocol):
    """Rebuilds a real project of tests/fixtures with its history (tests/real_projects.py)."""

    def __call__(self, name: str) -> ReleaseProject: ...


@pytest.fixture
def real(tmp_path: Path, environment: dict[str, str]) -> RealProjectFactory:
    """A real project rebuilt from tests/fixtures, pushed to a bare `origin`."""
    from real_projects import build_real_project

    def build(name: str) -> ReleaseProject:
        return build_real_project(name, tmp_path, environment)

    return build


def _temporary_leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("poetry-release-*")}


def _ignore(number: int, frame: object) -> None:
    """Does nothing: the signal stays ignored here."""


# Property tests set no deadline: a full run under load must not fail on a slow example.
hypothesis.settings.register_profile("release", deadline=None)
hypothesis.settings.load_profile("release")


def pytest_configure(config: pytest.Config) -> None:
    """Every command a test starts gets Ctrl-C and hang-up as from a terminal. A signal ignored
    when pytest started (nohup ignores SIGHUP; a background job of a script ignores SIGINT) is
    otherwise ignored by every child too, and the tests that press Ctrl-C or close the terminal
    wait in vain. A handler that does nothing still ignores it in pytest, but unlike SIG_IGN it
    is not inherited: each command starts with the default."""
    for number in (signal.SIGINT, signal.SIGHUP):
        if signal.getsignal(number) == signal.SIG_IGN:
            signal.signal(number, _ignore)


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_LEFTOVERS] = _temporary_leftovers()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The suite leaves nothing behind: no folders in the temporary directory, no processes."""
    if hasattr(session.config, "workerinput") or not Path("/proc").is_dir():
        return  # checked once, by the controller, after every worker finished
    problems = []
    before: set[str] = session.config.stash.get(_LEFTOVERS, set())
    # The temporary directory is shared with every other run on the machine: judged in CI only.
    new = _temporary_leftovers() - before if os.environ.get("CI") == "true" else set()
    if new:
        problems.append(f"left in {tempfile.gettempdir()}: {sorted(new)}")
    basetemp = session.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    running = processes_mentioning(f"{basetemp}{os.sep}")  # not pytest-12 for pytest-1
    if running:
        problems.append(f"still running: {running}")
    if problems and session.exitstatus == 0:
        session.exitstatus = 1
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line(
                f"The test suite left things behind: {'; '.join(problems)}", red=True
            )


@pytest.fixture(scope="session")
def local_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """A real pypiserver (uploads with a password, no fallback to any index) on 127.0.0.1."""
    packages = tmp_path_factory.mktemp("index") / "packages"
    with PackageIndexServer(packages, INDEX_USER, INDEX_PASSWORD) as server:
        yield LocalIndex(server.url, server.root_url, packages)


@pytest.fixture
def index(local_index: LocalIndex) -> Iterator[LocalIndex]:
    """The local index, emptied after the test."""
    yield local_index
    for path in local_index.packages.iterdir():
        path.unlink()


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    """A GitHub REST stand-in on 127.0.0.1 with the repository acme/widget-kit."""
    with Server(GitHubStandIn()) as standin:
        yield standin


def github_environment(standin: GitHubStandIn) -> dict[str, str]:
    """Variables that point the plugin at the stand-in, with its token."""
    return {
        "GITHUB_API_URL": standin.url,
        "GITHUB_REPOSITORY": f"{standin.owner}/{standin.name}",
        "GITHUB_TOKEN": standin.token,
    }


@pytest.fixture
def environment(tmp_path: Path, local_index: LocalIndex) -> dict[str, str]:
    """A hermetic environment for `poetry` and `git`: the repository `pypi` is the local index,
    so no command of a test asks the public index whether a version is out."""
    home = tmp_path / "home"
    home.mkdir()
    return {**isolated_environment(home), "POETRY_REPOSITORIES_PYPI_URL": local_index.root_url}


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
