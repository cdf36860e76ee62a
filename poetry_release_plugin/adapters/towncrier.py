"""Running the project's own towncrier on a scratch copy of the project, so that the release
gets exactly what `towncrier build --yes --version X` would do (the news file written, the
fragments removed) without touching the work tree before prepare's checks pass."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.files import read_or_none
from poetry_release_plugin.core.redaction import without_release_credentials
from poetry_release_plugin.core.towncrier import INSTALL_HINT
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from poetry_release_plugin.adapters.environment import ProjectEnvironment

TIMEOUT = 120.0
_SCRATCH_REPOSITORY = (
    ["init", "--quiet"],
    ["add", "--all"],
    [
        *("-c", "user.name=poetry-release", "-c", "user.email=poetry-release@localhost"),
        *("-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--allow-empty"),
        *("-m", "the project's files"),
    ],
)


def towncrier_executable(env: ProjectEnvironment | None) -> Path:
    """The project environment's towncrier; refused, saying how to install it, when absent."""
    found = env.bin_dir / "towncrier" if env is not None else None
    if found is None or not found.exists():
        where = "the project's environment" if env is not None else "a project environment"
        raise ProjectError(
            f"The project is configured for towncrier, but {where} has no towncrier to build "
            "the release's section with",
            f"install it: {INSTALL_HINT} (then poetry install), and run prepare again",
        )
    return found


def towncrier_build(
    root: Path, env: ProjectEnvironment | None, version: str, paths: Sequence[str]
) -> dict[str, bytes | None]:
    """What `towncrier build --yes --version VERSION` changes among the project's `paths`
    (relative to `root`, forward slashes), run on a scratch copy: each changed or created
    file's new bytes, None for each file it removed."""
    executable = towncrier_executable(env)
    assert env is not None
    with tempfile.TemporaryDirectory(prefix="poetry-release-towncrier-") as scratch:
        copy = Path(scratch) / "project"
        copy.mkdir()
        originals: dict[str, bytes | None] = {}
        for path in paths:
            source = root / path
            if source.is_file() and not source.is_symlink():
                target = copy / path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                originals[path] = source.read_bytes()
        # a repository of its own: towncrier's `git rm` / `git add` never reach the real one.
        # Its files committed, as in the project: towncrier before 23.6 removes fragments with
        # `git rm` alone, which leaves untracked (or only staged) ones in place.
        for command in _SCRATCH_REPOSITORY:
            subprocess.run(
                ["git", "-C", str(copy), *command], check=True, capture_output=True, timeout=60
            )
        try:
            result = subprocess.run(
                [str(executable), "build", "--yes", "--version", version],
                cwd=copy,
                env=without_release_credentials(env.variables()),  # the project's code
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ProjectError(
                f"towncrier build did not finish within {TIMEOUT:.0f} s",
                "run towncrier build --draft to see why, then run prepare again",
            ) from None
        if result.returncode != 0:
            output = (result.stderr or result.stdout).decode(errors="replace").strip()
            raise ProjectError(
                f"towncrier build --version {version} failed (exit code {result.returncode}): "
                f"{output[-2000:]}",
                "fix the towncrier configuration or fragments (towncrier build --draft shows "
                "what it would write), then run prepare again",
            )
        changed: dict[str, bytes | None] = {}
        for path, original in originals.items():
            now = read_or_none(copy / path)
            if now != original:
                changed[path] = now
        for made in sorted(copy.rglob("*")):
            relative = made.relative_to(copy).as_posix()
            if made.is_file() and relative not in originals and not relative.startswith(".git/"):
                changed[relative] = made.read_bytes()
        return changed
