"""Where releases really run: shallow CI checkouts, detached at a tag."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import guide_layout

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

NO_CHECKS = "--no-checks"


def breaking_history(make_project: ProjectFactory, local_index: LocalIndex) -> ReleaseProject:
    """arshai 1.0.0 tagged v1.0.0, then a breaking feature and a fix, pushed."""
    files = {
        path: text.replace("1.5.4", "1.0.0").replace("(1, 5, 4)", "(1, 0, 0)")
        for path, text in guide_layout(local_index.url).items()
    }
    project = make_project(files, tags=("v1.0.0",))
    project.write("arshai/core.py", "SUPPORTED = (3, 10)\n")
    project.commit_all("feat!: drop python 3.9")
    project.write("arshai/core.py", "SUPPORTED = (3, 10, 3, 11)\n")
    project.commit_all("fix: small thing")
    project.git("push", "--quiet", "origin", "main")
    return project


def test_prepare_in_a_shallow_clone_fetches_the_history_and_decides_the_major(
    make_project: ProjectFactory, local_index: LocalIndex, github: GitHubStandIn, tmp_path: Path
) -> None:
    clone = breaking_history(make_project, local_index).clone(tmp_path / "ci", "--depth", "1")
    assert clone.git("rev-parse", "--is-shallow-repository") == "true"

    prepared = clone.poetry("release", "prepare", NO_CHECKS)
    cut = clone.poetry("release", "cut", extra_env=github_environment(github))

    assert prepared.code == 0, prepared.output
    assert "shallow clone: fetching the full history and tags from origin" in prepared.stdout
    assert "from 1.0.0 to 2.0.0" in prepared.stdout
    assert clone.git("rev-parse", "--is-shallow-repository") == "false"
    assert cut.code == 0, cut.output
    body = github.release("v2.0.0")["body"]  # type: ignore[index]
    assert "drop python 3.9" in body
    assert "small thing" in body


def test_a_shallow_clone_tagged_without_v_reads_its_tags_after_fetching_them(
    make_project: ProjectFactory, local_index: LocalIndex, tmp_path: Path
) -> None:
    files = {
        path: text.replace("1.5.4", "1.0.0").replace("(1, 5, 4)", "(1, 0, 0)")
        for path, text in guide_layout(local_index.url).items()
    }
    project = make_project(files, tags=())
    project.write("arshai/core.py", "SUPPORTED = (3, 10)\n")
    project.commit_all("feat: a feature of 1.0.0")
    project.git("tag", "1.0.0")  # tags without v, as Poetry's own repositories
    project.write("arshai/core.py", "SUPPORTED = (3, 10, 3, 11)\n")
    project.commit_all("fix: small thing")
    project.git("push", "--quiet", "origin", "main", "--tags")
    clone = project.clone(tmp_path / "ci", "--depth", "1")

    prepared = clone.poetry("release", "prepare", "--dry-run", NO_CHECKS)

    assert prepared.code == 0, prepared.output
    assert "from 1.0.0 to 1.0.1" in prepared.stdout


def test_offline_a_shallow_clone_is_refused_naming_fetch_depth(
    make_project: ProjectFactory, local_index: LocalIndex, tmp_path: Path
) -> None:
    clone = breaking_history(make_project, local_index).clone(tmp_path / "ci", "--depth", "1")
    before = clone.snapshot()

    result = clone.poetry("release", "prepare", "--offline", NO_CHECKS)

    assert result.code == 1, result.output
    assert "shallow clone" in result.stderr
    assert "the new version" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    assert clone.snapshot() == before


def test_status_and_notes_in_a_shallow_clone_fetch_before_they_count(
    make_project: ProjectFactory, local_index: LocalIndex, tmp_path: Path
) -> None:
    project = breaking_history(make_project, local_index)
    offline = project.clone(tmp_path / "offline", "--depth", "1")
    clone = project.clone(tmp_path / "ci", "--depth", "1")

    refused = offline.poetry("release", "status", "--offline")
    status = clone.poetry("release", "status", "--json", "--offline")
    fetched = clone.clone(tmp_path / "again", "--depth", "1")  # a fresh shallow clone
    notes = fetched.poetry("release", "notes", "1.0.0")

    assert refused.code == 1, refused.output
    assert "fetch-depth: 0" in refused.stderr
    assert status.code == 1  # offline: refused too, never "0 commits since"
    assert notes.code == 0, notes.output
    assert "fetching the full history and tags" in notes.stderr
    assert "Initial commit" in notes.stdout  # 1.0.0's own commit, not HEAD's
    assert "small thing" not in notes.stdout
    online = clone.poetry("release", "status", "--json")
    assert online.code == 0, online.output
    payload = json.loads(online.stdout)
    assert (payload["last_tag"], payload["commits_since"], payload["tag_local"]) == (
        "v1.0.0",
        2,
        True,
    )
    assert payload["next"] == "verify"  # 1.0.0 is tagged and pushed; never "cut"


def readme_release_job() -> list[list[str]]:
    """The `poetry release ...` steps of the README's GitHub Actions job, in order (its
    checkout must ask for the whole history)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## In CI") :]
    block = section[section.index("```yaml") : section.index("```\n", section.index("```yaml") + 7)]
    assert "fetch-depth: 0" in block
    return [
        shlex.split(line.split("- run: poetry ", 1)[1])
        for line in block.splitlines()
        if "- run: poetry release" in line
    ]


def actions_environment(
    github: GitHubStandIn, tag: str, sha: str, event: str = "push"
) -> dict[str, str]:
    """What GitHub Actions sets for a job on a pushed tag or a published release (the API
    pointed at the stand-in): either way the ref is the tag."""
    return {
        **github_environment(github),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_REF": f"refs/tags/{tag}",
        "GITHUB_REF_NAME": tag,
        "GITHUB_REF_TYPE": "tag",
        "GITHUB_SHA": sha,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_WORKFLOW": "Release",
        "GITHUB_RUN_ID": "1",
    }


@pytest.mark.parametrize(
    ("event", "maintainer_cut"),
    [("push", ("--no-github-release",)), ("release", ())],
    ids=["on the pushed tag", "on the published release"],
)
def test_the_readme_release_job_runs_on_a_depth_1_checkout_detached_at_the_tag(
    make_project: ProjectFactory,
    local_index: LocalIndex,
    index: LocalIndex,
    github: GitHubStandIn,
    tmp_path: Path,
    event: str,
    maintainer_cut: tuple[str, ...],
) -> None:
    project = breaking_history(make_project, local_index)
    pyproject = project.read("pyproject.toml").replace(
        "[tool.poetry-release]\n", '[tool.poetry-release]\nrepository = "demo"\n'
    )
    project.write("pyproject.toml", pyproject)
    project.commit_all("build: publish to the demo index")
    assert project.poetry("release", "prepare", "--no-checks").code == 0
    env = github_environment(github)
    pushed = project.poetry("release", "cut", *maintainer_cut, extra_env=env)  # on their machine
    assert pushed.code == 0, pushed.output
    sha = project.git("rev-parse", "HEAD")
    # actions/checkout on the pushed tag: one commit, detached at the tag
    ci = project.clone(tmp_path / "runner", "--depth", "1", "--branch", "v2.0.0")
    assert ci.git("rev-parse", "--is-shallow-repository") == "true"
    env = {**actions_environment(github, "v2.0.0", sha, event), **index.poetry_environment("demo")}

    commands = readme_release_job()
    assert commands == [
        ["release", "cut", "--publish"],
        ["release", "verify", "--install", "--timeout", "900"],
    ]

    cut, verify = (ci.poetry(*command, extra_env=env) for command in commands)

    assert cut.code == 0, cut.output
    assert "fetching the full history and tags from origin" in cut.stdout
    assert "push: already done" in cut.stdout
    assert verify.code == 0, verify.output
    assert "2.0.0 is out" in verify.stdout
    release = github.release("v2.0.0")
    assert release is not None
    assert not release["draft"]
    assert len(github.releases) == 1
    assert "drop python 3.9" in release["body"]
    assert "small thing" in release["body"]
    assert sorted(path.name for path in index.packages.iterdir()) == [
        "arshai-2.0.0-py3-none-any.whl",
        "arshai-2.0.0.tar.gz",
    ]
    assert ci.git("rev-parse", "HEAD") == sha
    assert project.remote_tags().splitlines() == ["v1.0.0", "v2.0.0"]


def test_cut_detached_at_a_tag_the_remote_lacks_is_refused(
    make_project: ProjectFactory, local_index: LocalIndex, github: GitHubStandIn
) -> None:
    project = breaking_history(make_project, local_index)
    assert project.poetry("release", "prepare", "--offline", NO_CHECKS).code == 0
    project.git("tag", "--annotate", "--message", "Release v2.0.0", "v2.0.0")
    project.git("checkout", "--quiet", "--detach", "v2.0.0")

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1, result.output
    assert "HEAD is detached at v2.0.0, which the remote origin does not have" in result.stderr
    assert "v2.0.0" not in project.remote_tags()
    assert github.releases == []
