"""The Poetry releases `make test-matrix` runs the whole release on: the newest patch of each
minor that pyproject.toml's `poetry` dependency allows, as the package index lists them.

    python tools/poetry_matrix.py            # one version per line, oldest minor first
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tomlkit
from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent


def allowed_range() -> Requirement:
    """The plugin's own `poetry` requirement."""
    project = tomlkit.parse((ROOT / "pyproject.toml").read_text()).unwrap()["project"]
    return next(
        Requirement(str(text))
        for text in project["dependencies"]
        if Requirement(str(text)).name.lower() == "poetry"
    )


def newest_per_minor(versions: list[str], requirement: Requirement) -> list[str]:
    """The newest final release of each minor that `requirement` allows, oldest minor first."""
    newest: dict[tuple[int, int], Version] = {}
    for text in versions:
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if version.is_prerelease or not requirement.specifier.contains(version):
            continue
        minor = (version.major, version.minor)
        if minor not in newest or version > newest[minor]:
            newest[minor] = version
    return [str(newest[minor]) for minor in sorted(newest)]


def listed_versions() -> list[str]:
    """What `pip index versions poetry` lists."""
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "poetry"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    found = re.search(r"Available versions: (.+)", listed)
    return [v.strip() for v in found.group(1).split(",")] if found else []


if __name__ == "__main__":
    print("\n".join(newest_per_minor(listed_versions(), allowed_range())))
