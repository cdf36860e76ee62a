"""The `install` check: build the wheel, install it into a fresh venv, import it, compare.

The guide's "test installation in a clean environment", before the tag: it catches files or
dependencies missing from the package. Run as a child process by the check runner:

    python -m poetry_release_plugin.adapters.install_check PACKAGE VERSION [--python PYTHON]
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from poetry_release_plugin.adapters.venv import create_venv, imported_version


def _run(argv: list[str] | tuple[str, ...]) -> None:
    print("$", shlex.join(argv), flush=True)
    subprocess.run(argv, check=True)


def check_install(package: str, version: str, python: str) -> int:
    """0 when the built wheel installs and imports with `__version__ == version`."""
    with tempfile.TemporaryDirectory(prefix="poetry-release-install-") as scratch:
        dist, venv = Path(scratch) / "dist", Path(scratch) / "venv"
        _run(
            [
                sys.executable,
                "-m",
                "poetry",
                "build",
                "--no-interaction",
                "--format",
                "wheel",
                "--output",
                str(dist),
            ]
        )
        wheels = sorted(dist.glob("*.whl"))
        if not wheels:
            print("the build made no wheel")
            return 1
        print(f"$ python -m venv {venv}", flush=True)
        env = create_venv(venv, python)
        _run([*env.pip, "install", "--no-input", "--disable-pip-version-check", str(wheels[0])])
        found = imported_version(env, package, Path(scratch))
        if found.returncode != 0:
            print(found.stderr)
            print(f"import {package} failed in a clean venv with only the wheel installed")
            return 1
        reported = found.stdout.strip()
        if reported != version:
            print(f"the installed {package}.__version__ is {reported}, not {version}")
            return 1
        print(f"installed {wheels[0].name} into a clean venv: {package}.__version__ == {version}")
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("package")
    parser.add_argument("version")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    try:
        sys.exit(check_install(args.package, args.version, args.python))
    except subprocess.CalledProcessError as error:
        print(f"{error.cmd[0]} failed with exit code {error.returncode}")
        sys.exit(1)


if __name__ == "__main__":
    main()
