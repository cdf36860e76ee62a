"""`poetry release verify` against a real pypiserver, a JSON index stand-in and the GitHub stand-in."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from json_index_standin import JsonIndex
from support import POETRY, build, widget_kit_files

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject


def released(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> ReleaseProject:
    """widget-kit 0.9.1 prepared, cut, published to the local index, with a GitHub release."""
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    env = {**github_environment(github), **index.poetry_environment("demo")}
    result = project.poetry("release", "cut", "--publish", "-r", "demo", extra_env=env)
    assert result.code == 0, result.output
    return project


def test_a_published_release_verifies_with_install_and_json(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released(make_project, github, index)
    github.add_run(
        project.git("rev-parse", "v0.9.1^{commit}"), status="completed", conclusion="success"
    )

    result = project.poetry(
        "release",
        "verify",
        "--index-url",
        index.url,
        "--install",
        "--json",
        extra_env=github_environment(github),
    )

    assert result.code == 0, result.output
    payload = result.json()
    assert payload["ok"] is True
    assert payload["version"] == "0.9.1"
    rows = {row["name"]: row for row in payload["checks"]}
    assert [rows[name]["ok"] for name in ("index", "files", "install", "github", "workflow")] == [
        True
    ] * 5
    assert "widget_kit.__version__ == 0.9.1" in rows["install"]["detail"]
    assert "Publish to PyPI: success" in rows["workflow"]["detail"]


@pytest.mark.faults
def test_a_version_never_uploaded_fails_within_the_timeout(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))

    result = project.poetry(
        "release", "verify", "--index-url", index.url, "--timeout", "5", "--no-github", timeout=60
    )

    assert result.code == 1
    assert "widget-kit 0.9.0 is not on" in result.output
    assert "after 5 s" in result.output  # the wait it gave up after: --timeout's, not the default
    assert all(int(left) <= 5 for left in re.findall(r"\((\d+) s left\)", result.output))
    assert "index failed" in result.output


@pytest.mark.faults
def test_a_late_upload_is_found_while_verify_waits(
    make_project: ProjectFactory, index: LocalIndex, tmp_path: Path
) -> None:
    """The upload lands after verify saw the index without it; verify then finds it (how soon
    is the poll schedule's business: see tests/unit/test_verify_waiting.py)."""
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    files = build(project, tmp_path / "built")
    verify = subprocess.Popen(
        [POETRY, "release", "verify", "--index-url", index.url, "--timeout", "120", "--no-github"],
        cwd=project.root,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert verify.stdout is not None
        seen = [verify.stdout.readline() for _ in range(2)]  # the title, then a waiting line
        assert "Waiting for widget-kit 0.9.0 on the index" in seen[1], seen
        for path in files:  # a "late upload" is a file copy into pypiserver's folder
            shutil.copy(path, index.packages / path.name)
        output, _ = verify.communicate(timeout=60)
    finally:
        if verify.poll() is None:
            verify.kill()
            verify.communicate()

    assert verify.returncode == 0, output
    assert "widget-kit 0.9.0 on" in output


def test_a_stale_dunder_version_fails_install_saying_so(
    make_project: ProjectFactory, index: LocalIndex, tmp_path: Path
) -> None:
    files = widget_kit_files()
    files["widget_kit/__init__.py"] = '__version__ = "0.0.1"  # stale\n'
    files["widget_kit/_version.py"] = '__version__ = "0.9.0"\n'
    files["pyproject.toml"] += (
        '\n[tool.poetry-release]\nversion-files = ["widget_kit/_version.py"]\n'
    )
    project = make_project(files, tags=("v0.9.0",))
    for path in build(project, tmp_path / "built"):
        shutil.copy(path, index.packages / path.name)

    result = project.poetry(
        "release", "verify", "--index-url", index.url, "--install", "--no-github"
    )

    assert result.code == 1, result.output
    assert "widget_kit.__version__ is 0.0.1, not 0.9.0" in result.output


def test_dist_files_that_differ_from_the_index_fail_by_name(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    dist = project.root / "dist"
    for path in build(project, dist):
        shutil.copy(path, index.packages / path.name)
    matching = project.poetry(
        "release", "verify", "--index-url", index.url, "--dist", "dist", "--no-github"
    )
    wheel = next(dist.glob("*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")

    changed = project.poetry(
        "release", "verify", "--index-url", index.url, "--dist", "dist", "--no-github"
    )

    assert matching.code == 0, matching.output
    assert "2 file(s) match" in matching.output
    assert changed.code == 1
    assert f"{wheel.name} differs from the index's (sha256 " in changed.output


def test_on_the_index_without_a_github_release_fails_on_github_only(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex, tmp_path: Path
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    for path in build(project, tmp_path / "built"):
        shutil.copy(path, index.packages / path.name)

    with_github = project.poetry(
        "release",
        "verify",
        "--index-url",
        index.url,
        "--json",
        extra_env=github_environment(github),
    )
    without = project.poetry(
        "release",
        "verify",
        "--index-url",
        index.url,
        "--no-github",
        extra_env=github_environment(github),
    )

    assert with_github.code == 1
    failed = [row["name"] for row in with_github.json()["checks"] if row["ok"] is False]
    assert failed == ["github"]
    assert "no GitHub release for v0.9.0" in with_github.output
    assert without.code == 0, without.output


@pytest.mark.faults
def test_a_failed_publish_workflow_ends_the_wait_at_once(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    github.add_release("v0.9.0")
    github.add_run(
        project.git("rev-parse", "v0.9.0^{commit}"), status="completed", conclusion="failure"
    )

    result = project.poetry(
        "release",
        "verify",
        "--index-url",
        index.url,
        "--timeout",
        "120",
        extra_env=github_environment(github),
        timeout=60,
    )

    assert result.code == 1
    assert "Waiting for" not in result.output  # it ended on its first look, without waiting
    assert "failed: https://github.com/acme/widget-kit/actions/runs/" in result.output


def test_a_pep_691_json_index_is_read(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    served = tmp_path / "served"
    served.mkdir()
    build(project, served)

    with JsonIndex(served) as json_index:
        result = project.poetry(
            "release", "verify", "--index-url", json_index.url, "--dist", str(served), "--no-github"
        )

    assert result.code == 0, result.output
    assert "application/vnd.pypi.simple.v1+json" in json_index.accepts[0]
    assert "2 file(s) match" in result.output
