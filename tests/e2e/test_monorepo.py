"""Two Poetry projects in one repository (`pkga/`, `pkgb/`), released independently."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import github_environment
from support import ReleaseProject

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn

EMPTY_CHANGELOG = "# Changelog\n\n## [Unreleased]\n"


def project_files(name: str, index_url: str, release_table: str = "") -> dict[str, str]:
    return {
        f"{name}/pyproject.toml": (
            f'[project]\nname = "{name}"\nversion = "1.0.0"\nrequires-python = ">=3.10"\n\n'
            f'[tool.poetry-release]\nindex-url = "{index_url}"\nrepository = "demo"\n'
            f"{release_table}\n"
            '[build-system]\nrequires = ["poetry-core>=2.0"]\n'
            'build-backend = "poetry.core.masonry.api"\n'
        ),
        f"{name}/{name}/__init__.py": '__version__ = "1.0.0"\n',
        f"{name}/CHANGELOG.md": EMPTY_CHANGELOG,
    }


def two_projects(make_project: ProjectFactory, index_url: str) -> ReleaseProject:
    files = {"README.md": "# Two projects\n"}
    files.update(project_files("pkga", index_url))
    files.update(project_files("pkgb", index_url))
    return make_project(files, tags=("pkga-v1.0.0", "pkgb-v1.0.0"))


def subfolder(repository: ReleaseProject, name: str) -> ReleaseProject:
    """The project in `name/`, as a user working there sees it (`cd name`)."""
    return ReleaseProject(repository.root / name, repository.remote, repository.env)


def test_two_projects_release_independently(
    make_project: ProjectFactory, local_index: LocalIndex, index: LocalIndex, github: GitHubStandIn
) -> None:
    repository = two_projects(make_project, local_index.url)
    repository.write("pkga/pkga/core.py", "FIXED = True\n")
    repository.commit_all("fix: pkga's small thing")
    repository.write("pkgb/pkgb/core.py", "PYTHON = (3, 10)\n")
    repository.commit_all("feat!: pkgb drops python 3.9")
    repository.git("push", "--quiet", "origin", "main")
    env = {**github_environment(github), **index.poetry_environment("demo")}
    pkga, pkgb = subfolder(repository, "pkga"), subfolder(repository, "pkgb")

    status_a = pkga.poetry("release", "status", "--json", extra_env=env)
    runs = {}
    for project in (pkga, pkgb):
        for command in (("prepare", "--no-checks"), ("cut", "--publish"), ("verify", "--install")):
            result = project.poetry("release", *command, extra_env=env)
            runs[project.root.name, command[0]] = result
            assert result.code == 0, result.output

    assert status_a.json()["commits_since"] == 1
    assert "from 1.0.0 to 1.0.1" in runs["pkga", "prepare"].stdout  # pkgb's feat! left alone
    assert "from 1.0.0 to 2.0.0" in runs["pkgb", "prepare"].stdout
    assert "pkga's small thing" in pkga.read("CHANGELOG.md")
    assert "pkgb drops" not in pkga.read("CHANGELOG.md")
    assert "pkgb drops python 3.9" in pkgb.read("CHANGELOG.md")
    assert "pkga's small thing" not in pkgb.read("CHANGELOG.md")
    assert repository.remote_tags().splitlines() == [
        "pkga-v1.0.0",
        "pkga-v1.0.1",
        "pkgb-v1.0.0",
        "pkgb-v2.0.0",
    ]
    release_a, release_b = github.release("pkga-v1.0.1"), github.release("pkgb-v2.0.0")
    assert release_a is not None
    assert release_b is not None
    assert release_a["name"] == "Release pkga-v1.0.1"
    assert "pkga's small thing" in release_a["body"]
    assert "pkgb" not in release_a["body"]
    assert "pkgb drops python 3.9" in release_b["body"]
    assert "compare/pkgb-v1.0.0...pkgb-v2.0.0" in release_b["body"]
    assert sorted(path.name for path in index.packages.iterdir()) == [
        "pkga-1.0.1-py3-none-any.whl",
        "pkga-1.0.1.tar.gz",
        "pkgb-2.0.0-py3-none-any.whl",
        "pkgb-2.0.0.tar.gz",
    ]
    assert github.violations == []


def test_a_subfolder_project_without_tags_gets_tags_naming_it(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    repository = make_project(project_files("pkga", local_index.url), tags=())
    pkga = subfolder(repository, "pkga")

    result = pkga.poetry("release", "status", "--offline", "--json")

    assert result.code == 0, result.output
    assert result.json()["tag"] == "pkga-v1.0.0"


def test_a_subfolder_project_whose_tags_do_not_name_it_is_refused(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    files = project_files("pkga", local_index.url, 'tag-format = "v{version}"\n')
    pkga = subfolder(make_project(files, tags=("v1.0.0",)), "pkga")
    before = pkga.snapshot()

    result = pkga.poetry("release", "prepare", "--offline", "--no-checks")

    assert result.code == 1, result.output
    assert "pkga lives in the subfolder pkga/ of its repository" in result.stderr
    assert 'set tag-format = "pkga-v{version}"' in result.stderr
    assert pkga.snapshot() == before


def test_files_a_project_declares_from_outside_its_folder_are_its_own(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    files = {"README.md": "# Two projects\n"}
    files.update(project_files("pkga", local_index.url))
    files.update(project_files("pkgb", local_index.url))
    files["pkga/pyproject.toml"] = files["pkga/pyproject.toml"].replace(
        'version = "1.0.0"\n', 'version = "1.0.0"\nreadme = "../README.md"\n'
    )
    repository = make_project(files, tags=("pkga-v1.0.0", "pkgb-v1.0.0"))
    repository.write("README.md", "# Two projects\n\nNow documented.\n")
    repository.commit_all("feat: document the projects")

    since = {
        name: subfolder(repository, name).poetry("release", "status", "--offline", "--json")
        for name in ("pkga", "pkgb")
    }

    assert {name: run.json()["commits_since"] for name, run in since.items()} == {
        "pkga": 1,
        "pkgb": 0,
    }


def test_cut_tags_a_projects_release_commit_after_another_project_prepared(
    make_project: ProjectFactory, local_index: LocalIndex, github: GitHubStandIn
) -> None:
    repository = two_projects(make_project, local_index.url)
    repository.write("pkga/pkga/core.py", "FIXED = True\n")
    repository.commit_all("fix: pkga's small thing")
    repository.write("pkgb/pkgb/core.py", "FIXED = True\n")
    repository.commit_all("fix: pkgb's small thing")
    repository.git("push", "--quiet", "origin", "main")
    env = github_environment(github)
    pkga, pkgb = subfolder(repository, "pkga"), subfolder(repository, "pkgb")
    for project in (pkga, pkgb):
        prepared = project.poetry("release", "prepare", "--no-checks", extra_env=env)
        assert prepared.code == 0, prepared.output
    pkga_release = repository.git("rev-parse", "HEAD~1")

    status = pkga.poetry("release", "status", "--json", extra_env=env)
    cut = pkga.poetry("release", "cut", extra_env=env)

    assert status.json()["next"] == "cut", status.output
    assert cut.code == 0, cut.output
    assert repository.git("rev-list", "-n", "1", "pkga-v1.0.1") == pkga_release  # not HEAD
    assert repository.git("cat-file", "-t", "pkga-v1.0.1") == "tag"  # annotated
    pushed = repository.git("rev-list", "-n", "1", "pkga-v1.0.1", cwd=repository.remote)
    assert pushed == pkga_release
    assert repository.git("rev-parse", "main", cwd=repository.remote) == repository.git(
        "rev-parse", "HEAD"
    )  # the branch went with the tag, atomically
    release = github.release("pkga-v1.0.1")
    assert release is not None
    assert release["target_commitish"] == pkga_release


def test_a_subfolder_project_prepared_again_is_cut_on_its_empty_release_commit(
    make_project: ProjectFactory, local_index: LocalIndex, github: GitHubStandIn
) -> None:
    repository = make_project(
        {"README.md": "# One\n", **project_files("pkga", local_index.url, "changelog = false")},
        tags=("pkga-v1.0.0",),
    )
    pkga = subfolder(repository, "pkga")
    repository.write("pkga/pkga/core.py", "FIXED = True\n")
    repository.commit_all("fix: pkga's small thing")
    assert pkga.poetry("release", "prepare", "--offline", "--no-checks").code == 0
    repository.write("pkga/docs.md", "How to.\n")
    repository.commit_all("docs: pkga's manual")

    again = pkga.poetry("release", "prepare", "--offline", "--no-checks")
    status = pkga.poetry("release", "status", "--offline", "--json")
    cut = pkga.poetry("release", "cut", "--dry-run", extra_env=github_environment(github))

    assert again.code == 0, again.output
    assert repository.git("log", "-1", "--format=%s") == "chore: bump version to 1.0.1"
    assert status.json()["next"] == "cut", status.output
    assert cut.code == 0, cut.output
    assert "annotated tag pkga-v1.0.1" in cut.output


def test_tags_named_by_the_projects_folder_are_its_release_tags(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    repository = two_projects(make_project, local_index.url)
    repository.git("tag", "--delete", "pkga-v1.0.0", "pkgb-v1.0.0")
    repository.git("tag", "pkga/v1.0.0")
    repository.git("tag", "pkgb/v1.0.0")
    repository.write("pkga/pkga/core.py", "FIXED = True\n")
    repository.commit_all("fix: pkga's small thing")

    status = subfolder(repository, "pkga").poetry("release", "status", "--offline", "--json")

    assert status.code == 0, status.output
    assert (status.json()["tag_format"], status.json()["tag_format_source"]) == (
        "pkga/v{version}",
        "inferred",
    )
    assert (status.json()["last_tag"], status.json()["commits_since"]) == ("pkga/v1.0.0", 1)


def test_a_tag_format_that_names_a_sibling_is_refused_not_taken(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    files = {"README.md": "# Two\n"}
    files.update(project_files("pkg", local_index.url, 'tag-format = "pkg-extra-v{version}"'))
    files.update(project_files("pkg-extra", local_index.url))
    repository = make_project(files, tags=("pkg-v1.0.0", "pkg-extra-v1.0.0"))
    before = repository.snapshot()

    result = subfolder(repository, "pkg").poetry(
        "release", "prepare", "patch", "--offline", "--no-checks"
    )

    assert result.code == 1
    assert "its tag format pkg-extra-v{version} (configured) does not name it" in result.stderr
    assert repository.snapshot() == before
