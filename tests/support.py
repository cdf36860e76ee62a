"""Test support: real projects in temporary folders, a bare git remote, the real `poetry`."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

# The `poetry` under test: this venv's, or another one's (CI runs the `floor` tests on the
# lowest Poetry the plugin allows, from its own venv).
POETRY = os.environ.get("RELEASE_TEST_POETRY") or str(Path(sys.executable).parent / "poetry")
GIT = shutil.which("git") or "git"


def isolated_environment(home: Path) -> dict[str, str]:
    """Environment variables for a hermetic `poetry`/`git` run: no user config, no venv, and a
    temporary folder of its own (what a run keeps, such as a failed check's log, stays there)."""
    temporary = home / "tmp"
    temporary.mkdir(parents=True, exist_ok=True)
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("POETRY_", "GIT_", "PIP_", "GITHUB_", "GH_"))
        and key not in {"VIRTUAL_ENV", "PYTHONPATH", "CONDA_PREFIX"}
    }
    base.update(
        {
            "HOME": str(home),
            "TMPDIR": str(temporary),
            "POETRY_CONFIG_DIR": str(home / "poetry-config"),
            "POETRY_CACHE_DIR": str(home / "poetry-cache"),
            "POETRY_DATA_DIR": str(home / "poetry-data"),
            "POETRY_KEYRING_ENABLED": "false",
            "POETRY_NO_INTERACTION": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Release Tester",
            "GIT_AUTHOR_EMAIL": "tester@example.invalid",
            "GIT_COMMITTER_NAME": "Release Tester",
            "GIT_COMMITTER_EMAIL": "tester@example.invalid",
            "PIP_CONFIG_FILE": os.devnull,
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
    )
    return base


@dataclass
class Run:
    """A finished command: exit code and what it printed."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout and stderr together."""
        return self.stdout + self.stderr

    def json(self) -> Any:
        """stdout parsed as exactly one JSON document."""
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Snapshot:
    """Everything a release could change: every file's bytes, HEAD, tags, index and status."""

    files: dict[str, bytes]
    head: str
    tags: str
    index: str
    status: str


class ReleaseProject:
    """A project with a git repository whose `origin` is a bare repository beside it."""

    def __init__(self, root: Path, remote: Path, env: dict[str, str]) -> None:
        self.root = root
        self.remote = remote
        self.env = env

    def poetry(
        self, *args: str, timeout: float = 240, extra_env: dict[str, str] | None = None
    ) -> Run:
        """Run the real `poetry` executable in the project; a `--json` run's output is checked
        against the command's JSON Schema (poetry_release_plugin/schemas)."""
        result = run([POETRY, *args], self.root, {**self.env, **(extra_env or {})}, timeout)
        if len(args) > 1 and args[0] == "release" and "--json" in args and result.stdout.strip():
            check_json_schema(args[1], result.stdout)
        return result

    def git(self, *args: str, cwd: Path | None = None) -> str:
        """Run git in the project (or `cwd`); its stdout, stripped. Fails the test on error."""
        result = run([GIT, *args], cwd or self.root, self.env, 60)
        assert result.code == 0, f"git {' '.join(args)} failed: {result.output}"
        return result.stdout.strip()

    def read(self, path: str) -> str:
        """A file's text, newlines as stored."""
        return (self.root / path).read_bytes().decode()

    def write(self, path: str, text: str) -> None:
        """Write a file (creating folders), newlines as given."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode())

    def commit_all(self, message: str) -> str:
        """Commit everything; the new HEAD."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--message", message)
        return self.git("rev-parse", "HEAD")

    def snapshot(self) -> Snapshot:
        """The state a failed release must leave untouched (files git does not ignore)."""
        listed = self.git("ls-files", "--cached", "--others", "--exclude-standard", "-z")
        files = {
            name: (self.root / name).read_bytes()
            for name in sorted(filter(None, listed.split("\0")))
            if (self.root / name).is_file()
        }
        return Snapshot(
            files=files,
            head=self.git("rev-parse", "HEAD"),
            tags=self.git("tag", "--list"),
            index=self.git("ls-files", "--stage"),
            status=self.git("status", "--porcelain"),
        )

    def remote_tags(self) -> str:
        """Tags the bare remote holds."""
        return self.git("tag", "--list", cwd=self.remote)

    def clone(self, folder: Path, *args: str) -> ReleaseProject:
        """A clone of the remote into `folder` (`git clone ARGS`: `--depth 1` works, through a
        file:// URL), with the same remote and environment."""
        self.git("clone", "--quiet", *args, self.remote.as_uri(), str(folder), cwd=folder.parent)
        return ReleaseProject(folder, self.remote, self.env)

    def head_files(self) -> list[str]:
        """Paths changed by the HEAD commit."""
        return self.git("show", "--name-only", "--format=", "HEAD").splitlines()


def build(project: ReleaseProject, output: Path) -> list[Path]:
    """`poetry build` of the project into `output`; the files there."""
    result = project.poetry("build", "--output", str(output))
    assert result.code == 0, result.output
    return sorted(output.iterdir())


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Run:
    """Run a command to completion, capturing its output."""
    completed = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


def process_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet reaped, does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def ends_within(pid: int, seconds: float) -> bool:
    """Whether the process ends within `seconds` (polled: its end is the observable)."""
    deadline = time.monotonic() + seconds
    while process_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def processes_mentioning(text: str) -> list[str]:
    """Running processes other than this one whose command line or working folder (with a
    trailing separator) contains `text`: "pid: command line" each. Zombies have no command line
    and never count."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = str((proc / "cwd").readlink()) + os.sep
        except OSError:
            continue
        if cmdline and (text in cmdline or text in cwd):
            found.append(f"{proc.name}: {cmdline.strip()[:200]}")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A TCP port on 127.0.0.1 held bound but never listening: every connection is refused,
    and no other test's server can take the port meanwhile."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port: int = holder.getsockname()[1]
        yield port


def wait_for_port(port: int, seconds: float = 15.0) -> None:
    """Wait until something accepts connections on 127.0.0.1:port (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


GUIDE_PYPROJECT = """\
[tool.poetry]
name = "arshai"
version = "1.5.4"
description = "A project laid out like the deployment guide's"
authors = ["Maintainer <maintainer@example.invalid>"]
readme = "README.md"

[tool.poetry.dependencies]
python = ">=3.10"

[tool.poetry-release]
index-url = "{index_url}"

[build-system]
requires = ["poetry-core>=2.0"]
build-backend = "poetry.core.masonry.api"
"""

GUIDE_VERSION_FILE = '''\
"""Version information for arshai."""

__version__ = "1.5.4"
__version_info__ = (1, 5, 4)
'''


def guide_layout(index_url: str) -> dict[str, str]:
    """Files of a project laid out like the deployment guide's (arshai 1.5.4)."""
    return {
        "pyproject.toml": GUIDE_PYPROJECT.format(index_url=index_url),
        "README.md": "# arshai\n",
        "arshai/__init__.py": '"""arshai."""\n\nfrom arshai._version import __version__, __version_info__\n',
        "arshai/_version.py": GUIDE_VERSION_FILE,
        ".gitignore": ".venv/\n__pycache__/\n.pytest_cache/\ndist/\n",
    }


CHANGELOG = """\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added

- A `widgets` module.

## [0.9.0] - 2026-01-02

### Fixed

- The wobble in `core`.

## [0.8.0] - 2025-12-01

- First release.

[unreleased]: https://github.com/acme/widget-kit/compare/v0.9.0...HEAD
[0.9.0]: https://github.com/acme/widget-kit/compare/v0.8.0...v0.9.0
[0.8.0]: https://github.com/acme/widget-kit/releases/tag/v0.8.0
"""


def widget_kit_files(changelog: str = CHANGELOG) -> dict[str, str]:
    """A PEP 621 project, widget-kit 0.9.0, with a Keep a Changelog file."""
    return {
        "pyproject.toml": (
            '[project]\nname = "widget-kit"\nversion = "0.9.0"\nrequires-python = ">=3.10"\n\n'
            '[tool.poetry]\npackages = [{ include = "widget_kit" }]\n'
        ),
        "widget_kit/__init__.py": '__version__ = "0.9.0"\n',
        "CHANGELOG.md": changelog,
    }


class ServedApp:
    """A WSGI app served on 127.0.0.1 in a thread, for the length of a `with` block."""

    def __init__(self, app: Any) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                """No access log."""

        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ServedApp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


class PackageIndexServer:
    """A real pypiserver on a free 127.0.0.1 port serving `packages`: reads are open (unless
    `authenticate` names `download`), uploads need `user`/`password` (apr_md5_crypt:
    sha256_crypt costs ~84 ms a request), and no request ever falls back to a public index.
    Files copied into `packages` are listed at once."""

    def __init__(
        self, packages: Path, user: str, password: str, *, authenticate: str = "update"
    ) -> None:
        from passlib.apache import HtpasswdFile

        packages.mkdir(parents=True, exist_ok=True)
        self.packages = packages
        htpasswd = packages.parent / f"{packages.name}.htpasswd"
        users = HtpasswdFile(str(htpasswd), new=True, default_scheme="apr_md5_crypt")
        users.set_password(user, password)
        users.save()
        port = free_port()
        self.root_url = f"http://127.0.0.1:{port}/"
        self.url = f"{self.root_url}simple/"
        self._argv = [
            str(Path(sys.executable).parent / "pypi-server"),
            "run",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--disable-fallback",
            "-a",
            authenticate,
            "-P",
            str(htpasswd),
            str(packages),
        ]
        self._port = port
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PackageIndexServer:
        self._process = subprocess.Popen(
            self._argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self._port)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)


def interrupt(
    argv: list[str], cwd: Path, env: dict[str, str], ready: Any, timeout: float = 60
) -> tuple[int, str]:
    """Run a command, wait until `ready()`, press Ctrl-C: its exit code and output (it must stop
    within 30 s). Like a terminal, SIGINT goes to the command's whole process group (git and the
    hooks it runs included); what the plugin starts in sessions of its own (the checks) only
    stops if the plugin stops it."""
    import signal

    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "never reached the stage to interrupt"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the hooks it ran too
            process.communicate()
    return process.returncode, output


SCHEMAS = Path(__file__).parent.parent / "poetry_release_plugin" / "schemas"


def check_json_schema(command: str, stdout: str) -> None:
    """Fail the test when a command's --json output does not follow its published schema."""
    import fastjsonschema

    path = SCHEMAS / f"{command}.schema.json"
    if not path.is_file():
        return  # `poetry release` alone, or a command without --json
    validate = _validators.get(command)
    if validate is None:
        validate = _validators[command] = fastjsonschema.compile(json.loads(path.read_text()))
    validate(json.loads(stdout))


_validators: dict[str, Any] = {}
