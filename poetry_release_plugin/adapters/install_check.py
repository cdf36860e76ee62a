"""The `install` check: the built wheel in a fresh venv, imported, `__version__` compared.

The guide's "test installation in a clean environment", before the tag: it catches files or
dependencies missing from the package. It installs the wheel of this run's build (see
`build.py`: built once, shared with the `build` check) through `venv.install_in_fresh_venv`,
the helper `verify --install` uses: the same source policy, its dependencies from Poetry's
sources (sent by prepare in the variable `venv.DEPENDENCY_INDEXES`), never from the user's pip
configuration. Only where the release comes from differs: here the local wheel (no index at
all), for verify the index alone. Run as a child process by the check runner, from the
project's folder:

    python -m poetry_release_plugin.adapters.install_check PACKAGE VERSION DIST [--python PYTHON]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from poetry_release_plugin.adapters.build import build_once
from poetry_release_plugin.adapters.venv import dependency_indexes_from, install_in_fresh_venv
from poetry_release_plugin.core.sources import VersionReader
from poetry_release_plugin.errors import BuildFailed


def check_install(
    package: str, version: str, dist: Path, python: str, distribution: str = ""
) -> int:
    """0 when the built wheel installs and imports with `__version__ == version` (with an
    empty `package`: when `importlib.metadata.version(distribution) == version`)."""
    reader = VersionReader(package or None, distribution)
    try:
        built = build_once(Path.cwd(), dist, echo=True)
    except BuildFailed:
        print("the build failed, so there is no wheel to install")
        return 1
    wheels = [path for path in built if path.suffix == ".whl"]
    if not wheels:
        print("the build made no wheel")
        return 1
    wheel = wheels[0]
    print(f"$ pip install {wheel.name} (dependencies from Poetry's sources) in a clean venv")
    outcome = install_in_fresh_venv(
        str(wheel.resolve()),
        wheel.name,
        reader,
        version,
        release_indexes=[],
        dependency_indexes=dependency_indexes_from(os.environ),
        python=python,
    )
    print(outcome.output, flush=True)
    print(outcome.detail)
    return 0 if outcome.ok else 1


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
