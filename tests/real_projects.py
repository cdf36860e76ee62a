"""Real public Poetry projects rebuilt small from `tests/fixtures/<name>`: their files at the
fetched commit (trimmed, in `tree/`) and their history (`history.toml`: real subjects, tags,
merge commits, which commit set which version), as a git repository with a bare `origin`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomlkit
from support import GIT, ReleaseProject, run

FIXTURES = Path(__file__).parent / "fixtures"
REAL_PROJECTS = ("poetry-core", "poetry-plugin-export", "rich")


def _tree(name: str) -> dict[str, str]:
    tree = FIXTURES / name / "tree"
    return {
        path.relative_to(tree).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    }


def _at_version(files: dict[str, str], head: str, version: str) -> dict[str, str]:
    """The files with the version they held at `version` instead of HEAD's."""
    pattern = re.compile(rf'^((?:__version__|version)(?:: str)? = )"{re.escape(head)}"', re.M)
    return {
        path: pattern.sub(rf'\g<1>"{version}"', text, count=1)
        if path == "pyproject.toml" or path.endswith(".py")
        else text
        for path, text in files.items()
    }


def build_real_project(name: str, folder: Path, env: dict[str, str]) -> ReleaseProject:
    """The project `name` with its history, in `folder/project`, pushed to `folder/remote.git`."""
    fixture = FIXTURES / name
    history: dict[str, Any] = tomlkit.parse((fixture / "history.toml").read_text()).unwrap()
    tree = _tree(name)
    head = re.search(r'^version = "([^"]+)"', tree["pyproject.toml"], re.M)
    assert head is not None
    root, remote = folder / "project", folder / "remote.git"
    root.mkdir()
    project = ReleaseProject(root, remote, env)
    result = run(
        [GIT, "init", "--quiet", "--bare", "--initial-branch", "main", str(remote)], folder, env, 60
    )
    assert result.code == 0, result.output
    project.git("init", "--quiet", "--initial-branch", "main")
    version = history["initial-version"]
    changelog = (fixture / history["initial-changelog"]).read_text(encoding="utf-8")
    touched: dict[str, str] = {}
    for number, commit in enumerate(history["commit"]):
        side = commit.get("side")
        if side is not None:
            project.git("checkout", "--quiet", "-b", f"pr-{number}")
        version = commit.get("version", version)
        if "changelog" in commit:
            changelog = (fixture / commit["changelog"]).read_text(encoding="utf-8")
        if "touch" in commit:
            path = commit["touch"]
            touched[path] = touched.get(path, "") + f"# {side or commit['message']}\n"
        files = {**_at_version(tree, head[1], version), "CHANGELOG.md": changelog, **touched}
        for path, text in files.items():
            project.write(path, text)
        project.git("add", "--all")
        project.git("commit", "--quiet", "--allow-empty", "--message", side or commit["message"])
        if side is not None:
            project.git("checkout", "--quiet", "main")
            project.git(
                "merge", "--quiet", "--no-ff", "--message", commit["message"], f"pr-{number}"
            )
            project.git("branch", "--quiet", "--delete", f"pr-{number}")
        for tag in commit.get("tags", []):
            project.git("tag", tag)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "--quiet", "origin", "main", "--tags")
    project.git("branch", "--set-upstream-to", "origin/main")
    return project
