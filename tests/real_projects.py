"""Real public Poetry projects rebuilt small from `tests/fixtures/<name>`: their files at the
fetched commit (trimmed, in `tree/`) and their history (`history.toml`: real subjects, tags,
merge commits, which commit set which version), as a git repository with a bare `origin`.

`history.toml` may also say what some real histories show: `branch` (the branch released from,
the remote's default; `main` unless said), a commit made `off-branch` (on a temporary branch
from the tip, tagged, never merged back: the branch goes on without it), a `merge` of such a
tagged commit later on, a pull request of several commits (`side` as a list, `touch` one path
or one per commit), and annotated tags (`tag-message`). A touched file of the tree keeps its
text, the line added after it."""

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
    """The files with the version they held at `version` instead of HEAD's (a version
    assignment of pyproject.toml or a module, a pre-commit hook's `rev: vX`)."""
    assignment = re.compile(
        rf'^((?:__version__|version|VERSION|current_version)(?:: str)? = )"{re.escape(head)}"',
        re.M,
    )
    hook = re.compile(rf"^(\s*rev: v){re.escape(head)}(\s)", re.M)
    changed = {}
    for path, text in files.items():
        if path == "pyproject.toml" or path.endswith(".py"):
            text = assignment.sub(rf'\g<1>"{version}"', text)
        elif path == ".pre-commit-config.yaml":
            text = hook.sub(rf"\g<1>{version}\g<2>", text)
        changed[path] = text
    return changed


def build_real_project(name: str, folder: Path, env: dict[str, str]) -> ReleaseProject:
    """The project `name` with its history, in `folder/project`, pushed to `folder/remote.git`
    (whose HEAD, the default branch a clone checks out, is the history's `branch`)."""
    fixture = FIXTURES / name
    history: dict[str, Any] = tomlkit.parse((fixture / "history.toml").read_text()).unwrap()
    tree = _tree(name)
    head = re.search(r'^version = "([^"]+)"', tree["pyproject.toml"], re.M)
    assert head is not None
    branch = history.get("branch", "main")
    root, remote = folder / "project", folder / "remote.git"
    root.mkdir()
    project = ReleaseProject(root, remote, env)
    result = run(
        [GIT, "init", "--quiet", "--bare", "--initial-branch", branch, str(remote)], folder, env, 60
    )
    assert result.code == 0, result.output
    project.git("init", "--quiet", "--initial-branch", branch)
    version = history["initial-version"]
    changelog = (fixture / history["initial-changelog"]).read_text(encoding="utf-8")
    touched: dict[str, str] = {}
    for number, commit in enumerate(history["commit"]):
        kept = (version, changelog, dict(touched))
        if commit.get("off-branch", False):
            project.git("checkout", "--quiet", "-b", f"off-{number}")
        sides = commit.get("side", [])
        sides = [sides] if isinstance(sides, str) else sides
        if sides:
            project.git("checkout", "--quiet", "-b", f"pr-{number}")
        if "merge" in commit:  # the tree is this history's, the second parent the commit named
            project.git(
                "merge", "--quiet", "--no-ff", "--no-commit", "--strategy", "ours", commit["merge"]
            )
        subjects = sides or [commit["message"]]
        for position, subject in enumerate(subjects):
            last = position == len(subjects) - 1
            if last:
                version = commit.get("version", version)
                if "changelog" in commit:
                    changelog = (fixture / commit["changelog"]).read_text(encoding="utf-8")
            if "touch" in commit:
                paths = commit["touch"]
                path = paths if isinstance(paths, str) else paths[position]
                touched[path] = touched.get(path, "") + f"# {subject}\n"
            files = {**_at_version(tree, head[1], version), "CHANGELOG.md": changelog}
            for path, lines in touched.items():  # a file of the tree keeps its text
                files[path] = files.get(path, "") + lines
            for path, text in files.items():
                project.write(path, text)
            project.git("add", "--all")
            project.git("commit", "--quiet", "--allow-empty", "--message", subject)
        if sides:
            project.git("checkout", "--quiet", branch)
            project.git(
                "merge", "--quiet", "--no-ff", "--message", commit["message"], f"pr-{number}"
            )
            project.git("branch", "--quiet", "--delete", f"pr-{number}")
        for tag in commit.get("tags", []):
            if "tag-message" in commit:
                project.git("tag", "--annotate", "--message", commit["tag-message"], tag)
            else:
                project.git("tag", tag)
        if commit.get("off-branch", False):  # the branch goes on from where it was
            project.git("checkout", "--quiet", branch)
            project.git("branch", "--quiet", "--delete", "--force", f"off-{number}")
            version, changelog, touched = kept
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "--quiet", "origin", branch, "--tags")
    project.git("branch", "--set-upstream-to", f"origin/{branch}")
    project.git("remote", "set-head", "origin", "--auto")  # origin/HEAD, as a clone has it
    return project
