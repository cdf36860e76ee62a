"""Adopting a project as it is: its tag format, its release commit, its released versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn


def test_tags_without_v_are_inferred_and_followed_by_cut(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("0.8.0", "0.9.0"))

    status = project.poetry("release", "status", "--offline", "--json")
    assert status.code == 0, status.output
    assert (status.json()["tag"], status.json()["tag_format"]) == ("0.9.0", "{version}")
    assert "tag format: {version} (inferred from 0.9.0, 0.8.0)" in status.stderr

    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert project.git("tag", "-l", "--format=%(contents:subject)", "0.9.1") == "Release 0.9.1"
    assert project.git("tag", "--list", "v*") == ""
    assert [(r["tag_name"], r["name"]) for r in github.releases] == [("0.9.1", "Release 0.9.1")]


def test_two_tag_formats_for_one_release_are_refused_naming_the_key(
    make_project: ProjectFactory,
) -> None:
    project = make_project(widget_kit_files(), tags=("0.9.0", "v0.9.0"))

    result = project.poetry("release", "status", "--offline")

    assert result.code == 1
    assert "Cannot tell the release tag format" in result.stderr
    assert "set tag-format in [tool.poetry-release]" in result.stderr


def test_cut_past_the_release_commit_refuses_and_status_says_prepare(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    release_commit = project.git("rev-parse", "HEAD")
    project.write("NOTES.md", "later\n")
    project.commit_all("docs: a later commit")
    before = project.snapshot()

    result = project.poetry("release", "cut", extra_env=github_environment(github))
    status = project.poetry("release", "status", "--offline", "--json")

    assert result.code == 1
    assert f"HEAD is 1 commit(s) past the commit that set 0.9.1 ({release_commit[:10]}" in (
        result.stderr
    )
    assert "run poetry release prepare" in result.stderr
    assert project.snapshot() == before
    assert project.remote_tags() == "0.9.0"
    assert github.releases == []
    assert status.json()["next"] == "prepare"
    assert (
        f"0.9.1 prepared at {release_commit[:10]} (chore: bump version to 0.9.1), 1 commit(s) "
        "since: run prepare to fold them into 0.9.1" in status.stderr
    )


def test_cut_refuses_a_version_released_under_another_tag_format(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("0.8.0",))
    project.git("tag", "v0.9.0", "HEAD")
    project.git("push", "--quiet", "origin", "v0.9.0")
    project.git("tag", "--delete", "v0.9.0")  # released from another clone: only on the remote

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert "0.9.0 is released already" in result.stderr
    assert "tag v0.9.0 on" in result.stderr
    assert project.git("tag", "--list") == "0.8.0"
    assert github.releases == []


def test_cut_refuses_a_version_with_a_github_release(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project(widget_kit_files(), tags=("0.8.0",))
    github.add_release("0.9.0")

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert "0.9.0 is released already (GitHub release" in result.stderr
    assert project.git("tag", "--list") == "0.8.0"
    assert len(github.releases) == 1


def test_cut_refuses_a_version_the_index_has(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = make_project(widget_kit_files(), tags=("0.8.0",))
    (index.packages / "widget_kit-0.9.0-py3-none-any.whl").write_bytes(b"released elsewhere")

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert f"0.9.0 is released already (on the index {index.url}" in result.stderr
    assert project.git("tag", "--list") == "0.8.0"
    assert project.remote_tags() == "0.8.0"
    assert github.releases == []


def test_a_local_version_bound_for_the_public_index_is_refused(
    make_project: ProjectFactory,
) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    before = project.snapshot()

    result = project.poetry("release", "prepare", "0.9.1+corp", "--offline", "--no-checks")

    assert result.code == 1
    assert "0.9.1+corp is a local version (the part after +), which pypi refuses" in result.stderr
    assert project.snapshot() == before


def test_a_project_that_is_no_package_gets_no_build_check_and_is_told(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry]\n", "[tool.poetry]\npackage-mode = false\n"
    )
    project = make_project(files, tags=("v0.9.0",))

    result = project.poetry("release", "prepare", "patch", "--offline", "--dry-run")

    assert result.code == 0, result.output
    assert "package-mode = false: this project builds no package, so it cannot be published" in (
        result.output
    )
    assert "Checks it would run: none" in result.stdout


def test_a_configured_tag_format_matching_no_tag_warns_and_refuses_to_guess_commits(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\ntag-format = "v{version}"\n'
    project = make_project(files, tags=("0.8.0", "0.9.0"))
    project.write("NEW.md", "x\n")
    project.commit_all("feat: something new")
    before = project.snapshot()

    status = project.poetry("release", "status", "--offline")
    prepared = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert status.code == 0, status.output
    assert (
        "tag-format v{version} matches no tag, but tags follow {version} (0.9.0)" in status.stdout
    )
    assert prepared.code == 1
    assert "Cannot tell which commits are new: tag-format v{version} matches no tag" in (
        prepared.stderr
    )
    assert project.snapshot() == before


def test_the_guide_shaped_sample_releases_as_before(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = make_project()  # arshai 1.5.4, tagged v1.5.4, laid out like the deployment guide

    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    assert project.poetry("release", "cut", extra_env=github_environment(github)).code == 0

    assert project.read("arshai/_version.py") == (
        '"""Version information for arshai."""\n\n'
        '__version__ = "1.5.5"\n__version_info__ = (1, 5, 5)\n'
    )
    assert 'version = "1.5.5"\n' in project.read("pyproject.toml")
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 1.5.5"
    assert project.git("tag", "-l", "--format=%(contents:subject)", "v1.5.5") == "Release v1.5.5"
    assert [(r["tag_name"], r["name"]) for r in github.releases] == [("v1.5.5", "Release v1.5.5")]


def test_the_install_check_of_a_project_without_version_file_reads_the_metadata(
    make_project: ProjectFactory,
) -> None:
    project = make_project(
        {
            "pyproject.toml": (
                '[project]\nname = "widget-kit"\nversion = "0.9.0"\nrequires-python = ">=3.10"\n'
                '\n[tool.poetry]\npackages = [{ include = "widget_kit" }]\n'
                '\n[tool.poetry-release]\nchecks = ["install"]\n'
            ),
            "widget_kit/__init__.py": '"""No __version__ here: the metadata has it."""\n',
        },
        tags=("v0.9.0",),
    )

    result = project.poetry("release", "prepare", "patch", "--offline")

    assert result.code == 0, result.output
    assert "| install | passed |" in result.output  # no __version__: compared by the metadata
