"""Three real public Poetry projects, rebuilt with their files and history (tests/fixtures):
status reads each as it is, cut refuses what is released already or past its release commit,
and prepare -> cut -> verify --install release the next version of each."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pytest
from conftest import github_environment

if TYPE_CHECKING:
    from conftest import LocalIndex, RealProjectFactory
    from github_standin import GitHubStandIn

# What the plugin's defaults infer for each, without any [tool.poetry-release] table.
EXPECTED: dict[str, dict[str, Any]] = {
    "poetry-core": {
        "version": "2.3.2",
        "files": [
            {"path": "pyproject.toml", "version": "2.3.2"},
            {"path": "src/poetry/core/__init__.py", "version": "2.3.2"},
        ],
        "tag_format": "{version}",
        "tag": "2.3.2",
        "commits_since": 3,
        "installed_version": "poetry.core.__version__",
        "past": 3,
        "next": "2.3.3",
        "install": "poetry.core.__version__ == 2.3.3",
        "gap": "\n\n\n## [2.3.2]",
        "link": "[2.3.3]: https://github.com/python-poetry/poetry-core/releases/tag/2.3.3\n",
    },
    "poetry-plugin-export": {
        "version": "1.10.0",
        "files": [{"path": "pyproject.toml", "version": "1.10.0"}],
        "tag_format": "{version}",
        "tag": "1.10.0",
        "commits_since": 2,
        "installed_version": "no version file: read from the installed metadata "
        '(importlib.metadata.version("poetry-plugin-export"))',
        "past": 2,
        "next": "1.10.1",
        "install": 'importlib.metadata.version("poetry-plugin-export") == 1.10.1',
        "gap": "\n\n\n## [1.10.0]",
        "link": "[1.10.1]: https://github.com/python-poetry/poetry-plugin-export/releases/tag/1.10.1\n",
    },
    "rich": {
        "version": "14.3.3",
        "files": [{"path": "pyproject.toml", "version": "14.3.3"}],
        "tag_format": "v{version}",
        "tag": "v14.3.3",
        "commits_since": 1,
        "installed_version": "no version file: read from the installed metadata "
        '(importlib.metadata.version("rich"))',
        "past": 1,
        "next": "14.3.4",
        "install": 'importlib.metadata.version("rich") == 14.3.4',
        "gap": "- typo\n\n## [14.3.3]",  # under its own "Changed", no commit hash
        "link": "[14.3.4]: https://github.com/textualize/rich/compare/v14.3.3...v14.3.4\n",
    },
}

pytestmark = pytest.mark.parametrize("name", sorted(EXPECTED))


def test_status_reads_each_project_as_it_is(name: str, real: RealProjectFactory) -> None:
    project = real(name)
    expected = EXPECTED[name]

    result = project.poetry("release", "status", "--offline", "--json")

    assert result.code == 0, result.output
    status = result.json()
    assert {key: status[key] for key in ("version", "tag_format", "tag")} == {
        key: expected[key] for key in ("version", "tag_format", "tag")
    }
    assert [(f["path"], f["version"]) for f in status["files"]] == [
        (f["path"], f["version"]) for f in expected["files"]
    ]
    assert status["files"][0]["source"] == "version tables"
    assert [m for m in status["mentions"] if m["verdict"] == "unknown"] == []
    assert (status["last_tag"], status["commits_since"]) == (
        expected["tag"],
        expected["commits_since"],
    )
    assert status["tag_format_source"] == "inferred"
    assert status["installed_version"] == expected["installed_version"]
    assert status["tag_local"] is True


def test_cut_refuses_the_released_version_and_changes_nothing(
    name: str, real: RealProjectFactory, github: GitHubStandIn
) -> None:
    project = real(name)
    before, remote_tags = project.snapshot(), project.remote_tags()

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert (
        f"{EXPECTED[name]['version']} is released already (tag {EXPECTED[name]['tag']} is on"
        in (result.stderr)
    )
    assert project.snapshot() == before
    assert project.remote_tags() == remote_tags
    assert github.releases == []


def test_cut_past_an_uncut_release_commit_refuses_naming_it(
    name: str, real: RealProjectFactory, github: GitHubStandIn
) -> None:
    project = real(name)
    tag = EXPECTED[name]["tag"]
    release_commit = project.git("rev-parse", f"{tag}^{{commit}}")
    project.git("tag", "--delete", tag)  # as if that release commit had never been cut
    project.git("push", "--quiet", "origin", f":refs/tags/{tag}")
    before, remote_tags = project.snapshot(), project.remote_tags()

    result = project.poetry("release", "cut", extra_env=github_environment(github))
    status = project.poetry("release", "status", "--offline", "--json")

    assert result.code == 1
    past = EXPECTED[name]["past"]
    assert (
        f"HEAD is {past} commit(s) past the commit that set {EXPECTED[name]['version']} "
        f"({release_commit[:10]}"
    ) in result.stderr
    assert "run poetry release prepare" in result.stderr
    assert project.snapshot() == before
    assert project.remote_tags() == remote_tags
    assert github.releases == []
    assert status.json()["next"] == "prepare"


def test_prepare_cut_verify_release_the_next_version(
    name: str, real: RealProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = real(name)
    expected = EXPECTED[name]
    new = expected["next"]
    new_tag = expected["tag_format"].format(version=new)
    env = {**github_environment(github), **index.poetry_environment("demo")}

    prepared = project.poetry("release", "prepare", "patch", "--no-checks", extra_env=env)
    assert prepared.code == 0, prepared.output
    changed = set(project.head_files())
    cut = project.poetry("release", "cut", "--publish", "-r", "demo", extra_env=env)
    assert cut.code == 0, cut.output
    verify = project.poetry(
        "release",
        "verify",
        "--index-url",
        index.url,
        "--install",
        "--no-github",
        "--json",
        "--timeout",
        "60",
        extra_env=env,
    )

    assert verify.code == 0, verify.output
    rows = {row["name"]: row for row in verify.json()["checks"]}
    assert expected["install"] in rows["install"]["detail"]
    assert changed == {entry["path"] for entry in expected["files"]} | {"CHANGELOG.md"}
    assert project.git("rev-parse", f"{new_tag}^{{commit}}") == project.git("rev-parse", "HEAD")
    assert new_tag in project.remote_tags().splitlines()
    assert [(r["tag_name"], r["name"]) for r in github.releases] == [
        (new_tag, f"Release {new_tag}")
    ]
    changelog = project.read("CHANGELOG.md")
    today = datetime.date.today().isoformat()
    assert f"## [{new}] - {today}\n" in changelog
    section = changelog.split(f"## [{new}] - {today}\n", 1)[1].split("\n## [", 1)[0]
    assert len(section.strip().splitlines()) <= 4  # only the commits since the last release
    assert expected["gap"] in changelog  # the file's own blank lines between sections
    assert expected["link"] in changelog  # and its own link style
