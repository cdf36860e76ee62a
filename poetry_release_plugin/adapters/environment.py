"""The project's own environment (the one `poetry run` uses), found without ever creating it."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.core.redaction import without_release_credentials
from poetry_release_plugin.core.sources import VersionReader

if TYPE_CHECKING:
    from pathlib import Path

    from poetry.poetry import Poetry


@dataclass(frozen=True)
class ProjectEnvironment:
    """A Python environment: its interpreter and its scripts folder."""

    python: Path
    bin_dir: Path
    is_virtualenv: bool

    def variables(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment variables that make commands run inside it, as `poetry run` does."""
        variables = dict(os.environ if base is None else base)
        variables["PATH"] = os.pathsep.join([str(self.bin_dir), variables.get("PATH", "")])
        if self.is_virtualenv:
            variables["VIRTUAL_ENV"] = str(self.python.parent.parent)
        variables.pop("PYTHONHOME", None)
        variables["PYTHONDONTWRITEBYTECODE"] = "1"
        return variables


def find_project_environment(poetry: Poetry) -> ProjectEnvironment | None:
    """The environment `poetry run` would use, or None if Poetry would have to create it."""
    from poetry_release_plugin.adapters.poetry_api import poetry_environment

    env = poetry_environment(poetry)
    # With no project venv yet, Poetry answers with the interpreter it runs on.
    if poetry.config.get("virtualenvs.create", True) and env.is_the_interpreter_poetry_runs_on:
        return None
    return ProjectEnvironment(env.python, env.bin_dir, env.is_virtualenv)


_IMPORT_SCRIPT = """
import importlib, importlib.metadata, importlib.util, json, sys
targets, distribution = sys.argv[1], sys.argv[2]
if not targets:
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        print(json.dumps({"found": False}))
    else:
        print(json.dumps({"found": True, "versions": [["", version]]}))
    sys.exit()
versions = []
for target in targets.split(","):
    name, _, attribute = target.partition(":")
    if importlib.util.find_spec(name) is None:
        print(json.dumps({"found": False}))
        sys.exit()
    attribute = attribute or "__version__"
    value = getattr(importlib.import_module(name), attribute, None)
    versions.append([name + "." + attribute, value if isinstance(value, str) else None])
print(json.dumps({"found": True, "versions": versions}))
"""


@dataclass(frozen=True)
class ImportedVersion:
    """What importing a package in an environment said."""

    found: bool
    versions: tuple[tuple[str, str | None], ...] = ()  # each expression and what it gave
    error: str | None = None

    @property
    def version(self) -> str | None:
        """What the first expression gave."""
        return self.versions[0][1] if self.versions else None

    def disagreeing(self, expected: str) -> tuple[str, str | None] | None:
        """The first expression that does not give `expected`, and what it gave."""
        return next(((what, got) for what, got in self.versions if got != expected), None)


def imported_version(
    env: ProjectEnvironment, package: str | VersionReader, cwd: Path
) -> ImportedVersion:
    """Import `package` in the environment (from `cwd`) and read its `__version__` (or each
    version name a VersionReader names); given a VersionReader without a module, ask
    `importlib.metadata` for the distribution's version."""
    reader = package if isinstance(package, VersionReader) else VersionReader(package, "")
    completed = subprocess.run(
        [str(env.python), "-c", _IMPORT_SCRIPT, reader.module or "", reader.distribution],
        cwd=cwd,
        env=without_release_credentials(env.variables()),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        return ImportedVersion(found=True, error=lines[-1] if lines else "import failed")
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    versions = tuple((str(what), got) for what, got in answer.get("versions", []))
    return ImportedVersion(found=bool(answer["found"]), versions=versions)
