"""Throwaway virtual environments, and installing a release into one the way a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.environment import ProjectEnvironment, imported_version
from poetry_release_plugin.core.sources import VersionReader

if TYPE_CHECKING:
    from collections.abc import Sequence

    from poetry_release_plugin.adapters.index import PipIndex
    from poetry_release_plugin.core.simple_api import IndexFile

PIP_SECONDS = 600


@dataclass(frozen=True)
class Venv:
    """A fresh venv and the pip command that installs into it."""

    environment: ProjectEnvironment
    pip: tuple[str, ...]


def _has_pip() -> bool:
    probe = [sys.executable, "-m", "pip", "--version"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def create_venv(folder: Path, python: str = sys.executable) -> Venv:
    """A new venv; this interpreter's pip aimed at it when there is one (saves seeding pip)."""
    borrow_pip = _has_pip()
    argv = [python, "-m", "venv", *(["--without-pip"] if borrow_pip else []), str(folder)]
    subprocess.run(argv, check=True, capture_output=True)
    venv_python = folder / "bin" / "python"
    pip = (
        (sys.executable, "-m", "pip", "--python", str(venv_python))
        if borrow_pip
        else (str(venv_python), "-m", "pip")
    )
    return Venv(ProjectEnvironment(venv_python, folder / "bin", is_virtualenv=True), pip)


def pip_environment(indexes: Sequence[PipIndex]) -> dict[str, str]:
    """The environment of a pip that reads no pip configuration and uses only `indexes`
    (the first as the index, the others as extra ones), credentials included: the URLs travel
    in the environment, never on a command line that could be shown."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    variables.update(
        {
            "PIP_CONFIG_FILE": os.devnull,  # no global, user or site configuration
            "PIP_NO_INPUT": "1",  # a 401 fails instead of prompting
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
    )
    if indexes:
        variables["PIP_INDEX_URL"] = indexes[0].url
        if len(indexes) > 1:
            variables["PIP_EXTRA_INDEX_URL"] = " ".join(index.url for index in indexes[1:])
    else:
        variables["PIP_NO_INDEX"] = "1"
    certs = [index.cert for index in indexes if index.cert]
    if certs:
        variables["PIP_CERT"] = certs[0]
    client_certs = [index.client_cert for index in indexes if index.client_cert]
    if client_certs:
        variables["PIP_CLIENT_CERT"] = client_certs[0]
    trusted = [index.trusted_host for index in indexes if index.trusted_host]
    if trusted:
        variables["PIP_TRUSTED_HOST"] = " ".join(trusted)
    return variables


def pip_install(
    venv: Venv, arguments: Sequence[str], indexes: Sequence[PipIndex] | None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`pip install ARGUMENTS` into the venv, without cache or prompts; with `indexes`, from
    those alone (see `pip_environment`), else as the user's own pip configuration says."""
    variables = pip_environment(indexes) if indexes is not None else None
    return subprocess.run(
        [*venv.pip, "install", "--no-cache-dir", "--no-input", *arguments],
        cwd=cwd,
        env=variables,
        capture_output=True,
        text=True,
        check=False,
        timeout=PIP_SECONDS,
    )


def last_line(completed: subprocess.CompletedProcess[str], secrets: Sequence[str] = ()) -> str:
    """The last line a failed command printed, with every secret hidden."""
    lines = (completed.stderr or completed.stdout).strip().splitlines()
    line = lines[-1] if lines else "no output"
    for secret in secrets:
        line = line.replace(secret, "****")
    return line


def install_release(
    name: str,
    version: str,
    package: str | None,
    files: list[IndexFile],
    index: PipIndex,
    dependency_indexes: Sequence[PipIndex] | None,
) -> tuple[bool, str]:
    """Install NAME==VERSION into a fresh venv as a user would; import `package` and compare its
    `__version__` (without a package: `importlib.metadata.version(NAME)`).

    The package itself comes from `index` alone, checked against the sha256 the index lists;
    its dependencies from `dependency_indexes` (Poetry's sources), or none when that is None.
    The venv lives in a temporary folder, removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="poetry-release-verify-") as scratch:
        return _install_into(
            name, version, package, files, Path(scratch), index, dependency_indexes
        )


def _install_into(
    name: str,
    version: str,
    package: str | None,
    files: list[IndexFile],
    folder: Path,
    index: PipIndex,
    dependency_indexes: Sequence[PipIndex] | None,
) -> tuple[bool, str]:
    venv = create_venv(folder / "venv")
    secrets = [*index.secrets, *(s for i in dependency_indexes or () for s in i.secrets)]
    hashes = [file.sha256 for file in files]
    pinned = f"{name}=={version}"
    if hashes and all(hashes):
        requirements = folder / "release-requirements.txt"
        requirements.write_text(
            " ".join([pinned, *(f"--hash=sha256:{digest}" for digest in hashes)]) + "\n"
        )
        release = ["--no-deps", "--require-hashes", "--requirement", str(requirements)]
    else:
        release = ["--no-deps", pinned]
    installed = pip_install(venv, release, [index], folder)
    if installed.returncode != 0:
        return False, f"pip install {pinned} failed: {last_line(installed, secrets)}"
    steps = f"pip install {pinned} from {_shown(index)} (sha256 checked)"
    if dependency_indexes is not None:
        # NAME==VERSION is installed already: pip resolves only its dependencies here.
        deps = pip_install(venv, [pinned], dependency_indexes, folder)
        if deps.returncode != 0:
            return False, f"installing the dependencies failed: {last_line(deps, secrets)}"
        steps += ", dependencies from Poetry's sources"
    found = imported_version(venv.environment, VersionReader(package, name), folder)
    shown = f"{package}.__version__" if package else f'importlib.metadata.version("{name}")'
    if found.error is not None or not found.found:
        return False, f"{shown} failed: {found.error or 'not installed'}"
    if found.version != version:
        return False, f"{shown} is {found.version or 'missing'}, not {version}"
    return True, f"{steps}; {shown} == {version}"


def _shown(index: PipIndex) -> str:
    from poetry_release_plugin.adapters.http import redact_url

    return redact_url(index.url)
