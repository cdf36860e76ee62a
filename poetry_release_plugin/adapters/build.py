"""The one way the plugin builds: `poetry build` of sdist and wheel into a temporary folder.

The `build` check, the `install` check and `cut --publish` all call `build_once`. Within one
run they share the folder: whichever comes first builds (under a lock), the others use its
files. As a check it runs as a child process:

    python -m poetry_release_plugin.adapters.build OUTPUT
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from poetry_release_plugin.core.redaction import without_release_credentials
from poetry_release_plugin.errors import BuildFailed

BUILD_SECONDS = 900
_DONE = ".built"
_LOCK = ".lock"


def build_argv(output: Path) -> list[str]:
    """`poetry build` by the Poetry that runs the plugin, into `output`."""
    return [sys.executable, "-m", "poetry", "build", "--no-interaction", "--output", str(output)]


def build_variables() -> dict[str, str]:
    """The environment of the build: never create the project's venv just to build, and no
    release credential (a build runs the project's build script, and `cut --publish` builds
    in the job that holds the identity token)."""
    variables = without_release_credentials(os.environ)
    return {**variables, "POETRY_VIRTUALENVS_CREATE": "false"}


def build_once(root: Path, output: Path, *, echo: bool = False) -> list[Path]:
    """The sdist and wheel of the project at `root` in `output`, built unless this run built
    them already; with `echo`, Poetry's output is passed through (as a check shows it)."""
    output.mkdir(parents=True, exist_ok=True)
    with (output / _LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes or the process dies
        if not (output / _DONE).exists():
            completed = subprocess.run(
                build_argv(output),
                cwd=root,
                env=build_variables(),
                stdin=subprocess.DEVNULL,
                capture_output=not echo,
                text=True,
                check=False,
                timeout=BUILD_SECONDS,
            )
            if completed.returncode != 0:
                raise BuildFailed((completed.stdout or "") + (completed.stderr or ""))
            (output / _DONE).touch()
        elif echo:
            print(f"built already in this run: {output}", flush=True)
    return sorted(path for path in output.iterdir() if path.name not in (_DONE, _LOCK))


def main() -> None:
    """The `build` check: build into the folder given, print the files."""
    output = Path(sys.argv[1])
    print("$", " ".join(["poetry", *build_argv(output)[3:]]), flush=True)
    try:
        files = build_once(Path.cwd(), output, echo=True)
    except BuildFailed:
        sys.exit(1)
    for path in files:
        print(f"built {path.name}")


if __name__ == "__main__":
    main()
