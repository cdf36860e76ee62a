"""The `install` check: the built wheel in a fresh venv, imported, `__version__` compared.

The guide's "test installation in a clean environment", before the tag: it catches files or
dependencies missing from the package. It installs the wheel of this run's build (see
`build.py`: built once, shared with the `build` check). Run as a child process by the check
runner, from the project's folder:

    python -m poetry_release_plugin.adapters.install_check PACKAGE VERSION DIST [--python PYTHON]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from poetry_release_plugin.adapters.build import build_once
from poetry_release_plugin.adapters.environment import imported_version
from poetry_release_plugin.adapters.venv import create_venv, pip_install
from poetry_release_plugin.core.sources import VersionReader
from poetry_release_plugin.errors import BuildFailed


def check_install(
    package: str, version: str, dist: Path, python: str, distribution: str = ""
) -> int:
    """0 when the built wheel installs and imports with `__version__ == version` (with an
    empty `package`: when `importlib.metadata.version(distribution) == version`)."""
    reader = VersionReader(package or None, distribution)
    shown = reader.describe()
    try:
        built = build_once(Path.cwd(), dist, echo=True)
    except BuildFailed:
        print("the build failed, so there is no wheel to install")
        return 1
    wheels = [path for path in built if path.suffix == ".whl"]
    if not wheels:
        print("the build made no wheel")
        return 1
    with tempfile.TemporaryDirectory(prefix="poetry-release-install-") as scratch:
        folder = Path(scratch)
        print(f"$ python -m venv {folder / 'venv'}", flush=True)
        venv = create_venv(folder / "venv", python)
        print(f"$ pip install {wheels[0].name}", flush=True)
        installed = pip_install(venv, [str(wheels[0])], None, folder)
        print(installed.stdout + installed.stderr, flush=True)
        if installed.returncode != 0:
            print(f"pip install {wheels[0].name} failed")
            return 1
        found = imported_version(venv.environment, reader, folder)
        if found.error is not None or not found.found:
            what = f"import {package}" if package else shown
            print(f"{what} failed in a clean venv with only the wheel installed")
            print(found.error or "no such module")
            return 1
        if found.version != version:
            print(f"the installed {shown} is {found.version}, not {version}")
            return 1
        print(f"installed {wheels[0].name} into a clean venv: {shown} == {version}")
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("package")
    parser.add_argument("version")
    parser.add_argument("dist", type=Path)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--distribution", default="", help="read its metadata if no package")
    args = parser.parse_args()
    try:
        sys.exit(
            check_install(args.package, args.version, args.dist, args.python, args.distribution)
        )
    except subprocess.CalledProcessError as error:
        print(f"{error.cmd[0]} failed with exit code {error.returncode}")
        sys.exit(1)


if __name__ == "__main__":
    main()
