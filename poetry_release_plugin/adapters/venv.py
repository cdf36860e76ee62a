"""Throwaway virtual environments for installing a release the way a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# Prints the package's __version__ (or nothing) and exits non-zero if the import fails.
# Without a module name, prints the distribution's version from its installed metadata.
IMPORT_AND_PRINT = (
    "import importlib, importlib.metadata, sys\n"
    "if not sys.argv[1]:\n    print(importlib.metadata.version(sys.argv[2])); sys.exit()\n"
    "m = importlib.import_module(sys.argv[1]); "
    "v = getattr(m, '__version__', None); print(v if isinstance(v, str) else '')"
)


@dataclass(frozen=True)
class Venv:
    """A fresh venv and the pip command that installs into it."""

    python: str
    pip: tuple[str, ...]


def _has_pip() -> bool:
    probe = [sys.executable, "-m", "pip", "--version"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def create_venv(folder: Path, python: str = sys.executable) -> Venv:
    """A new venv; this interpreter's pip aimed at it when there is one (saves seeding pip)."""
    borrow_pip = _has_pip()
    argv = [python, "-m", "venv", *(["--without-pip"] if borrow_pip else []), str(folder)]
    subprocess.run(argv, check=True, capture_output=True)
    venv_python = str(folder / "bin" / "python")
    pip = (
        (sys.executable, "-m", "pip", "--python", venv_python)
        if borrow_pip
        else (venv_python, "-m", "pip")
    )
    return Venv(venv_python, pip)


def hermetic_pip_environment() -> dict[str, str]:
    """The environment for a pip that reads no user or site configuration."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    variables["PIP_CONFIG_FILE"] = os.devnull
    return variables


def imported_version(
    venv: Venv, package: str, cwd: Path, distribution: str = ""
) -> subprocess.CompletedProcess[str]:
    """Import `package` in the venv (from a folder without the project's sources); with an
    empty `package`, read `distribution`'s version from its installed metadata instead."""
    return subprocess.run(
        [venv.python, "-c", IMPORT_AND_PRINT, package, distribution],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def install_release(
    index_url: str, name: str, version: str, package: str | None, folder: Path
) -> tuple[bool, str]:
    """`pip install NAME==VERSION` from that index only, into a fresh venv; import `package`
    and compare its `__version__` (without a package: `importlib.metadata.version(NAME)`).

    Hermetic: no pip configuration (it may add indexes or find-links that would make a missing
    release look installable), no cache, no prompts.
    """
    venv = create_venv(folder / "venv")
    install = subprocess.run(
        [
            *venv.pip,
            "install",
            "--isolated",
            "--no-cache-dir",
            "--no-input",
            "--disable-pip-version-check",
            "--index-url",
            index_url,
            f"{name}=={version}",
        ],
        env=hermetic_pip_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if install.returncode != 0:
        lines = (install.stderr or install.stdout).strip().splitlines()
        return False, f"pip install {name}=={version} failed: {lines[-1] if lines else 'no output'}"
    found = imported_version(venv, package or "", folder, name)
    shown = f"{package}.__version__" if package else f'importlib.metadata.version("{name}")'
    if found.returncode != 0:
        lines = found.stderr.strip().splitlines()
        return False, f"{shown} failed: {lines[-1] if lines else 'no output'}"
    reported = found.stdout.strip()
    if reported != version:
        return False, f"{shown} is {reported or 'missing'}, not {version}"
    return True, f"pip install {name}=={version}; {shown} == {version}"
