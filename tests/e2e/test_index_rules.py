"""The index's rules, read from a PEP 691 JSON index stand-in (pypiserver serves none of them):
PEP 592 yanks, PEP 700 upload times and PEP 792 project status markers, as status, verify,
prepare and cut see them through the real `poetry`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from conftest import github_environment
from json_index_standin import JsonIndex
from support import build, widget_kit_files

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

import pytest

WHEEL, SDIST = "widget_kit-0.9.1-py3-none-any.whl", "widget_kit-0.9.1.tar.gz"


@pytest.fixture
def json_index(tmp_path: Path) -> Iterator[JsonIndex]:
    served = tmp_path / "served"
    served.mkdir()
    with JsonIndex(served) as index:
        yield index


def indexed_project(make_project: ProjectFactory, index: JsonIndex) -> ReleaseProject:
    """widget-kit 0.9.0 whose index (the default repository's) is the JSON stand-in."""
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    return make_project(files, tags=("v0.9.0",))


def served(index: JsonIndex, *names: str) -> None:
    """Files on the index (their bytes do not matter to these look-ups)."""
    for name in names:
        (index.folder / name).write_bytes(b"not a real distribution: " + name.encode())


def test_status_shows_the_project_status_marker(
    make_project: ProjectFactory, json_index: JsonIndex
) -> None:
    project = indexed_project(make_project, json_index)
    build(project, json_index.folder)
    json_index.project_status = {"status": "deprecated", "reason": "use widget-kit2"}

    result = project.poetry("release", "status", "--json")

    assert result.code == 0, result.output
    payload = result.json()
    assert payload["project_status"] == "deprecated"
    assert payload["project_status_reason"] == "use widget-kit2"
    assert payload["blocked"] is None  # a deprecated project still takes files
    assert "project status on the index: deprecated (use widget-kit2)" in result.output


def test_status_shows_a_yanked_version_with_its_reason(
    make_project: ProjectFactory, json_index: JsonIndex
) -> None:
    project = indexed_project(make_project, json_index)
    for path in build(project, json_index.folder):
        json_index.yanked[path.name] = "the wheel ships no modules"

    result = project.poetry("release", "status", "--json")

    assert result.code == 0, result.output
    payload = result.json()
    assert payload["on_index"] is True
    assert payload["yanked"] is True
    assert payload["yanked_reasons"] == ["the wheel ships no modules"]
    assert "on the index: yes, 0.9.0 was yanked (the wheel ships no modules)" in result.output
    assert "never uploaded again, so the next release is a higher version" in result.output


def test_status_of_an_active_project_says_nothing_of_a_status(
    make_project: ProjectFactory, json_index: JsonIndex
) -> None:
    project = indexed_project(make_project, json_index)
    build(project, json_index.folder)

    result = project.poetry("release", "status", "--json")

    payload = result.json()
    assert (payload["on_index"], payload["yanked"], payload["yanked_reasons"]) == (
        True,
        False,
        None,
    )
    assert payload["project_status"] == "active"
    assert "project status on the index" not in result.stderr  # --json: the text goes there
    assert "yanked" not in result.stderr


def test_verify_fails_a_yanked_release_and_gives_the_reason(
    make_project: ProjectFactory, json_index: JsonIndex
) -> None:
    project = indexed_project(make_project, json_index)
    for path in build(project, json_index.folder):
        json_index.yanked[path.name] = "broken metadata"

    result = project.poetry("release", "verify", "--no-github", "--timeout", "30", "--json")

    assert result.code == 1, result.output
    rows = {row["name"]: row for row in result.json()["checks"]}
    assert rows["index"]["ok"] is False
    assert rows["index"]["detail"].startswith("0.9.0 was yanked (broken metadata) on the index")
    assert rows["files"]["ok"] is True  # the files are there: a yank removes nothing


def test_prepare_never_proposes_a_version_yanked_on_the_index(
    make_project: ProjectFactory, json_index: JsonIndex
) -> None:
    project = indexed_project(make_project, json_index)
    project.git("commit", "--allow-empty", "-q", "-m", "fix: a crash")
    served(json_index, SDIST)
    json_index.yanked[SDIST] = "broken import"

    result = project.poetry("release", "prepare", "--no-checks", "--json")

    assert result.code == 0, result.output
    assert result.json()["version"] == "0.9.2"
    assert "0.9.1 was yanked (broken import) on the index" in result.output
    assert 'version = "0.9.2"' in (project.root / "pyproject.toml").read_text()


def test_prepare_refuses_a_yanked_version_given_by_hand(
    make_project: ProjectFactory, json_index: JsonIndex
) -> None:
    project = indexed_project(make_project, json_index)
    served(json_index, SDIST)
    json_index.yanked[SDIST] = True
    before = project.git("rev-parse", "HEAD")

    result = project.poetry("release", "prepare", "0.9.1", "--no-checks", "--dry-run")

    assert result.code == 1, result.output
    assert "widget-kit 0.9.1 is already on the index" in result.output
    assert "yanked: a yanked version stays on the index and is never taken again" in (result.stderr)
    assert "poetry release prepare 0.9.2" in result.output
    assert "Traceback" not in result.output
    assert project.git("rev-parse", "HEAD") == before


@pytest.mark.parametrize("marker", ["archived", "quarantined"])
def test_cut_refuses_a_project_the_index_takes_no_files_for_before_the_tag(
    make_project: ProjectFactory, json_index: JsonIndex, github: GitHubStandIn, marker: str
) -> None:
    project = indexed_project(make_project, json_index)
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    served(json_index, "widget_kit-0.9.0.tar.gz")
    json_index.project_status = {"status": marker, "reason": "no longer maintained"}

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1, result.output
    assert f"widget-kit is {marker} (no longer maintained) on the index" in result.output
    assert "nothing was tagged" in result.output
    assert "Traceback" not in result.output
    assert project.git("tag", "-l", "v0.9.1") == ""
    assert github.releases == []

    status = project.poetry("release", "status", "--json", extra_env=github_environment(github))
    payload = status.json()
    assert payload["next"] == "cut"
    assert payload["blocked"].startswith(f"the project is {marker} (no longer maintained)")


def test_cut_warns_about_a_deprecated_project_and_releases_it(
    make_project: ProjectFactory, json_index: JsonIndex, github: GitHubStandIn
) -> None:
    project = indexed_project(make_project, json_index)
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    served(json_index, "widget_kit-0.9.0.tar.gz")
    json_index.project_status = {"status": "deprecated"}

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert "widget-kit is marked deprecated on the index" in result.output
    assert project.git("tag", "-l", "v0.9.1") == "v0.9.1"


def test_a_resumed_upload_into_a_release_older_than_14_days_is_refused_with_its_date(
    make_project: ProjectFactory, json_index: JsonIndex, github: GitHubStandIn
) -> None:
    project = indexed_project(make_project, json_index)
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    env = github_environment(github)
    assert project.poetry("release", "cut", extra_env=env).code == 0
    # CI uploaded the sdist 20 days ago, and died before the wheel
    served(json_index, SDIST)
    first = datetime.now(timezone.utc) - timedelta(days=20)
    json_index.upload_times[SDIST] = first.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    base = json_index.url.removesuffix("/simple/")
    publish_env = {
        **env,
        "POETRY_REPOSITORIES_TESTPYPI_URL": f"{base}/legacy/",
        "POETRY_PYPI_TOKEN_TESTPYPI": "pypi-not-a-real-token-for-the-stand-in",
    }

    result = project.poetry("release", "cut", "--publish", "-r", "testpypi", extra_env=publish_env)

    assert result.code == 1, result.output
    assert f"widget-kit 0.9.1 has been on the index since {first:%Y-%m-%d}" in result.output
    assert f"cut stopped before uploading {WHEEL}" in result.output
    assert "poetry release prepare patch" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in json_index.folder.iterdir()) == [SDIST]


def test_prepare_refuses_a_name_pypi_refuses_although_poetry_accepts_it(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'name = "widget-kit"', 'name = "widget-kït"'
    )
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("check").code == 0  # Poetry's own pattern lets it through

    result = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")

    assert result.code == 1, result.output
    assert "'widget-kït' is not a valid project name, which pypi refuses" in result.output
    assert "'widget-kit'" in result.output
    assert "Traceback" not in result.output
