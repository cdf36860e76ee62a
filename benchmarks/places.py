"""Finding every place the version lives in a 10,000-file tree.

A project whose repository tracks 10,000 text files in 100 folders (modules, docs, data),
the version in pyproject.toml, its `__version__`, a `VERSION` constant, a README install
line, a changelog and a lock file. Measures (medians of several runs) reading the project
(`load_project`: the places, one `git grep -F` for the version and one `git grep -E` for
version names, every mention judged), and the whole `poetry release prepare --dry-run`
beside `poetry version patch --dry-run` on the same repository.

    .venv/bin/python benchmarks/places.py [--files 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from history import (
    as_installed,
    environment,
    interleaved_medians,
    median_seconds,
    poetry_command,
)

from poetry_release_plugin.adapters.project_files import load_project

PYPROJECT = """[project]
name = "acme"
version = "3.1.0"
requires-python = ">=3.10"

[tool.poetry-release]
version-files = ["acme/__init__.py", { path = "README.md", search = "acme=={version}" }]
"""


def make_repository(root: Path, files: int, env: dict[str, str]) -> None:
    """The project, committed and tagged v3.0.0 one commit back."""
    (root / "acme" / "shared").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "acme" / "__init__.py").write_text('__version__ = "3.1.0"\n')
    (root / "acme" / "shared" / "version.py").write_text('VERSION = "3.1.0"\n')
    (root / "README.md").write_text("pip install acme==3.1.0\n")
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [3.1.0] - 2026-01-01\n")
    (root / "poetry.lock").write_text('version = "3.1.0"\n')
    for number in range(files):
        folder = root / ("acme" if number % 2 else "docs") / f"part{number % 100}"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = ".py" if number % 2 else ".md"
        minor = 1 if number % 200 == 0 else 2  # other>=3.1.0 in one file in 200
        body = f"# part {number}: depends on other>=3.{minor}.{number % 7}\n" * 20
        (folder / f"file{number}{suffix}").write_text(body)

    def run(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    run("init", "--quiet", "--initial-branch", "main")
    run("add", "--all")
    run("commit", "--quiet", "--message", "feat: acme")
    run("tag", "v3.0.0")
    run("commit", "--quiet", "--allow-empty", "--message", "fix: a fix")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    as_installed()
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        env = environment(home)
        root = home / "project"
        root.mkdir()
        make_repository(root, args.files, env)
        os.environ.update({k: v for k, v in env.items() if k.startswith("GIT_")})
        project = load_project(root)
        assert [m.where() for m in project.unknown_mentions] == []
        assert "acme/shared/version.py" in project.files

        def read() -> None:
            load_project(root)

        load_time = median_seconds(read, args.runs)

        command = poetry_command(root, env)

        commands = {
            "release prepare patch --dry-run": (
                "release", "prepare", "patch", "--dry-run", "--offline", "--no-checks",
            ),
            "poetry version patch --dry-run": ("version", "patch", "--dry-run"),
        }  # fmt: skip
        medians = interleaved_medians(commands, command, args.runs)
    baseline = medians["poetry version patch --dry-run"]
    print(f"# {args.files} tracked files, {args.runs} interleaved runs, medians")
    print(f"{'load_project (places, git grep, judged)':44} {load_time * 1000:8.1f} ms")
    for name, seconds in medians.items():
        print(f"{name:44} {seconds * 1000:8.1f} ms  {seconds / baseline:5.2f}x")


if __name__ == "__main__":
    main()
