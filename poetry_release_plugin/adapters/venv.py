"""Throwaway virtual environments, and installing a release into one the way a user would."""

from __future__ import annotations

import dataclasses
import json
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
    from collections.abc import Mapping, Sequence

    from poetry_release_plugin.adapters.index import PipIndex
    from poetry_release_plugin.core.simple_api import IndexFile

PIP_SECONDS = 600
# How prepare hands Poetry's sources (credentials included) to its install check, a child
# process: in that check's environment alone, never on a command line.
DEPENDENCY_INDEXES = "POETRY_RELEASE_DEPENDENCY_INDEXES"


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
    venv: Venv, arguments: Sequence[str], indexes: Sequence[PipIndex], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`pip install ARGUMENTS` into the venv from `indexes` alone (see `pip_environment`),
    without cache or prompts."""
    return subprocess.run(
        [*venv.pip, "install", "--no-cache-dir", "--no-input", *arguments],
        cwd=cwd,
        env=pip_environment(indexes),
        capture_output=True,
        text=True,
        check=False,
        timeout=PIP_SECONDS,
    )


def dependency_indexes_variable(indexes: Sequence[PipIndex]) -> dict[str, str]:
    """The variable that carries `indexes` (Poetry's sources) to the install check."""
    return {DEPENDENCY_INDEXES: json.dumps([dataclasses.asdict(index) for index in indexes])}


def dependency_indexes_from(environ: Mapping[str, str]) -> list[PipIndex]:
    """The indexes `dependency_indexes_variable` sent (none when it is unset)."""
    from poetry_release_plugin.adapters.index import PipIndex

    entries = json.loads(environ.get(DEPENDENCY_INDEXES) or "[]")
    return [PipIndex(**{**entry, "secrets": tuple(entry["secrets"])}) for entry in entries]


def last_line(completed: subprocess.CompletedProcess[str], secrets: Sequence[str] = ()) -> str:
    """The last line a failed command printed, with every secret hidden."""
    lines = (completed.stderr or completed.stdout).strip().splitlines()
    line = lines[-1] if lines else "no output"
    for secret in secrets:
        line = line.replace(secret, "****")
    return line


@dataclass(frozen=True)
class CleanInstall:
    """How installing a release into a fresh venv went: ok, one line saying so, pip's output."""

    ok: bool
    detail: str
    output: str = ""


def install_in_fresh_venv(
    requirement: str,
    shown: str,
    reader: VersionReader,
    version: str,
    *,
    release_indexes: Sequence[PipIndex],
    dependency_indexes: Sequence[PipIndex] | None,
    hashes: Sequence[str] = (),
    python: str = sys.executable,
) -> CleanInstall:
    """The one clean install, for `verify --install` and prepare's `install` check: a fresh
    venv in a temporary folder (removed afterwards); `requirement` (NAME==VERSION, or a wheel's
    path) installed alone from `release_indexes` only (none: the local wheel, no index at all),
    its sha256 one of `hashes` if given; then its dependencies from `dependency_indexes`,
    Poetry's sources for the project (None: no dependencies); then `reader` must give `version`.

    pip never reads the user's own configuration (see `pip_environment`), so the dependencies
    are the ones the user's Poetry would install, whichever command asks.
    """
    secrets = [s for i in (*release_indexes, *(dependency_indexes or ())) for s in i.secrets]
    with tempfile.TemporaryDirectory(prefix="poetry-release-install-") as scratch:
        folder = Path(scratch)
        venv = create_venv(folder / "venv", python)
        release = [requirement]
        if hashes:
            pinned = folder / "release-requirements.txt"
            pinned.write_text(
                " ".join([requirement, *(f"--hash=sha256:{h}" for h in hashes)]) + "\n"
            )
            release = ["--require-hashes", "--requirement", str(pinned)]
        installed = pip_install(venv, ["--no-deps", *release], release_indexes, folder)
        output = installed.stdout + installed.stderr
        if installed.returncode != 0:
            return CleanInstall(
                False, f"pip install {shown} failed: {last_line(installed, secrets)}", output
            )
        steps = f"pip install {shown}" + (" (sha256 checked)" if hashes else "")
        if dependency_indexes is not None:
            # The release is installed already: pip resolves only its dependencies here.
            deps = pip_install(venv, [requirement], dependency_indexes, folder)
            output += deps.stdout + deps.stderr
            if deps.returncode != 0:
                detail = f"installing the dependencies failed: {last_line(deps, secrets)}"
                return CleanInstall(False, detail, output)
            steps += ", dependencies from Poetry's sources"
        found = imported_version(venv.environment, reader, folder)
    expression = reader.describe()
    if found.error is not None or not found.found:
        what = f"import {reader.first_module}" if reader.first_module else expression
        error = found.error or "no such module"
        return CleanInstall(False, f"{what} failed in a clean venv: {error}", output)
    stale = found.disagreeing(version)
    if stale is not None:
        what, got = stale
        detail = f"{what or expression} is {got or 'missing'}, not {version}"
        return CleanInstall(False, detail, output)
    return CleanInstall(True, f"{steps}; {expression} == {version}", output)


def install_release(
    name: str,
    version: str,
    package: str | None,
    files: list[IndexFile],
    index: PipIndex,
    dependency_indexes: Sequence[PipIndex] | None,
) -> tuple[bool, str]:
    """Install NAME==VERSION from `index` alone, checked against the sha256 the index lists,
    with its dependencies from `dependency_indexes` (see `install_in_fresh_venv`)."""
    hashes = [file.sha256 for file in files if file.sha256]
    outcome = install_in_fresh_venv(
        f"{name}=={version}",
        f"{name}=={version} from {_shown(index)}",
        VersionReader(package, name),
        version,
        release_indexes=[index],
        dependency_indexes=dependency_indexes,
        hashes=hashes if len(hashes) == len(files) else (),
    )
    return outcome.ok, outcome.detail


def _shown(index: PipIndex) -> str:
    from poetry_release_plugin.adapters.http import redact_url

    return redact_url(index.url)
