"""`poetry release prepare`, run through the real `poetry` executable on real git projects."""

from __future__ import annotations

import json
import stat
from typing import TYPE_CHECKING

import pytest
from support import GUIDE_VERSION_FILE, guide_layout

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from support import ReleaseProject, Run

NO_CHECKS = ("--no-checks",)


def assert_refused(result: Run, *fragments: str) -> None:
    """Exit 1, one clear message containing each fragment, no traceback."""
    assert result.code == 1, result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert "Traceback" not in result.output
    assert "Stack trace" not in result.output


def test_guide_project_patch_release_commits_only_the_version_lines(
    make_project: ProjectFactory,
) -> None:
    project = make_project()
    before = project.read("pyproject.toml")

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert result.code == 0, result.output
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 1.5.5"
    assert sorted(project.head_files()) == ["arshai/_version.py", "pyproject.toml"]
    assert project.git("status", "--porcelain") == ""
    diff = project.git("show", "--format=", "--unified=0", "HEAD")
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == [  # git shows arshai/_version.py first, then pyproject.toml
        '-__version__ = "1.5.4"',
        "-__version_info__ = (1, 5, 4)",
        '+__version__ = "1.5.5"',
        "+__version_info__ = (1, 5, 5)",
        '-version = "1.5.4"',
        '+version = "1.5.5"',
    ]
    assert project.read("pyproject.toml") == before.replace(
        'version = "1.5.4"', 'version = "1.5.5"'
    )


def test_pep621_src_layout_keeps_single_quotes_and_comments(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    project = make_project(
        {
            "pyproject.toml": (
                "[project]\n"
                'name = "widget-kit"\n'
                "version = '0.9.0'  # managed by poetry release\n"
                'description = "src layout"\n'
                'requires-python = ">=3.10"\n\n'
                "[tool.poetry]\n"
                'packages = [{ include = "widget_kit", from = "src" }]\n\n'
                "[tool.poetry-release]\n"
                f'index-url = "{local_index.url}"\n'
            ),
            "src/widget_kit/__init__.py": (
                "# The version lives here.\n"
                "__version__ = '0.9.0'  # do not edit by hand\n"
                "__version_info__ = (0, 9, 0)\n"
            ),
        },
        tags=("v0.9.0",),
    )

    result = project.poetry("release", "prepare", "minor", *NO_CHECKS)

    assert result.code == 0, result.output
    assert "version = '0.10.0'  # managed by poetry release\n" in project.read("pyproject.toml")
    assert project.read("src/widget_kit/__init__.py") == (
        "# The version lives here.\n"
        "__version__ = '0.10.0'  # do not edit by hand\n"
        "__version_info__ = (0, 10, 0)\n"
    )
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.10.0"


@pytest.mark.parametrize(
    ("start", "rule", "extra"),
    [
        ("1.2.3", "major", ()),
        ("1.2.3", "minor", ()),
        ("1.2.3", "patch", ()),
        ("1.2.3", "premajor", ()),
        ("1.2.3", "preminor", ()),
        ("1.2.3", "prepatch", ()),
        ("1.2.3", "prerelease", ()),
        ("1.3.1a2", "prerelease", ("--next-phase",)),
        ("1.3.1rc1", "prerelease", ("--next-phase",)),
        ("1.3.1rc1", "patch", ()),
    ],
)
@pytest.mark.floor
def test_every_rule_gives_what_poetry_version_gives(
    make_project: ProjectFactory, start: str, rule: str, extra: tuple[str, ...]
) -> None:
    project = make_project(_guide_at(make_project, start), tags=())

    poetry_says = project.poetry("version", rule, *extra, "--dry-run", "--short")
    ours = project.poetry("release", "prepare", rule, *extra, "--dry-run", "--json", "--offline")

    assert poetry_says.code == 0, poetry_says.output
    assert ours.code == 0, ours.output
    assert ours.json()["version"] == poetry_says.stdout.strip()


def _guide_at(make_project: ProjectFactory, version: str) -> dict[str, str]:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["pyproject.toml"] = files["pyproject.toml"].replace("1.5.4", version)
    files["arshai/_version.py"] = GUIDE_VERSION_FILE.replace('"1.5.4"', f'"{version}"')
    return files


@pytest.mark.parametrize(
    ("rule", "version", "info"),
    [
        ("premajor", "2.0.0a0", '(2, 0, 0, "a", 0)'),
        ("1.1.0rc1", "1.1.0rc1", '(1, 1, 0, "rc", 1)'),
        ("1.5.4.post2", "1.5.4.post2", '(1, 5, 4, "post", 2)'),
    ],
)
def test_version_info_follows_the_new_version(
    make_project: ProjectFactory, rule: str, version: str, info: str
) -> None:
    files = _guide_at(make_project, "1.2.3" if rule == "premajor" else "1.0.0")
    if rule == "1.5.4.post2":
        files = guide_layout("http://127.0.0.1:9/simple/")
    project = make_project(files, tags=())

    result = project.poetry("release", "prepare", rule, "--offline", *NO_CHECKS)

    assert result.code == 0, result.output
    text = project.read("arshai/_version.py")
    assert f'__version__ = "{version}"' in text
    assert f"__version_info__ = {info}" in text


def test_version_file_that_disagrees_is_refused_naming_both(make_project: ProjectFactory) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["arshai/_version.py"] = GUIDE_VERSION_FILE.replace('"1.5.4"', '"1.5.3"')
    project = make_project(files)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert_refused(result, "arshai/_version.py holds 1.5.3", "pyproject.toml holds 1.5.4")
    assert project.snapshot() == before


@pytest.mark.parametrize(
    ("setup", "args", "fragments"),
    [
        ("none", ("1.5.x",), ('"1.5.x"', "PEP 440")),
        ("none", ("1.5.3",), ("1.5.3", "not greater than", "1.5.4")),
        ("dirty", ("patch",), ("uncommitted changes", "README.md", "--allow-dirty")),
        ("branch", ("patch",), ("On branch feature", "not a release branch")),
        ("behind", ("patch",), ("behind", "origin/main", "pull")),
        ("local-tag", ("patch",), ("Tag v1.5.5 already exists in this repository",)),
        ("remote-tag", ("patch",), ("Tag v1.5.5 already exists on the remote origin",)),
        ("detached", ("patch",), ("HEAD is detached",)),
        ("no-rule", (), ("Nothing to release since v1.5.4", "give a rule")),
    ],
)
def test_refusals_change_nothing(
    make_project: ProjectFactory, setup: str, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    project = make_project()
    _arrange(project, setup)
    before = project.snapshot()

    result = project.poetry("release", "prepare", *args, *NO_CHECKS)

    assert_refused(result, *fragments)
    assert project.snapshot() == before


def _arrange(project: ReleaseProject, setup: str) -> None:
    if setup == "dirty":
        project.write("README.md", "# arshai, edited\n")
    elif setup == "branch":
        project.git("switch", "--quiet", "--create", "feature")
    elif setup == "behind":
        clone = project.root.parent / "colleague"
        project.git("clone", "--quiet", str(project.remote), str(clone))
        (clone / "NOTES.md").write_text("a colleague's change\n")
        project.git("add", "NOTES.md", cwd=clone)
        project.git("commit", "--quiet", "--message", "docs: notes", cwd=clone)
        project.git("push", "--quiet", "origin", "main", cwd=clone)
    elif setup == "local-tag":
        project.git("tag", "v1.5.5")
    elif setup == "remote-tag":
        project.git("tag", "v1.5.5")
        project.git("push", "--quiet", "origin", "v1.5.5")
        project.git("tag", "--delete", "v1.5.5")
    elif setup == "detached":
        project.git("switch", "--quiet", "--detach", "HEAD")


def test_version_already_on_the_index_is_refused(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    project = make_project()
    (index.packages / "arshai-1.5.5.tar.gz").write_bytes(b"not really an sdist")
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", *NO_CHECKS)

    assert_refused(result, "arshai 1.5.5 is already on the index", index.url)
    assert project.snapshot() == before


@pytest.mark.faults
def test_unreachable_index_is_a_warning_not_a_failure(make_project: ProjectFactory) -> None:
    project = make_project(guide_layout("http://127.0.0.1:9/simple/"))

    result = project.poetry("release", "prepare", "patch", *NO_CHECKS)

    assert result.code == 0, result.output
    assert "Warning" in result.output
    assert "index was not checked" in result.output
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 1.5.5"


def test_dry_run_prints_the_diff_and_changes_nothing(make_project: ProjectFactory) -> None:
    project = make_project()
    before = project.snapshot()

    result = project.poetry("release", "prepare", "minor", "--dry-run", "--offline")

    assert result.code == 0, result.output
    assert "1.6.0" in result.stdout
    assert '\n-__version__ = "1.5.4"\n' in result.stdout
    assert '\n+__version__ = "1.6.0"\n' in result.stdout
    assert '+version = "1.6.0"' in result.stdout
    assert project.snapshot() == before


def test_dry_run_json_is_exactly_one_object_on_stdout(make_project: ProjectFactory) -> None:
    project = make_project()

    result = project.poetry("release", "prepare", "minor", "--dry-run", "--json", "--offline")

    assert result.code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["version"] == "1.6.0"
    assert payload["previous_version"] == "1.5.4"
    assert payload["dry_run"] is True
    assert payload["commit"] is None
    assert sorted(payload["files"]) == ["arshai/_version.py", "pyproject.toml"]


@pytest.mark.faults
def test_failing_pre_commit_hook_restores_every_file(make_project: ProjectFactory) -> None:
    project = make_project()
    hook = project.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no: HOOK-MARKER' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert_refused(result, "HOOK-MARKER")
    assert project.snapshot() == before


def test_no_commit_leaves_the_changes_staged(make_project: ProjectFactory) -> None:
    project = make_project()
    head = project.git("rev-parse", "HEAD")

    result = project.poetry("release", "prepare", "patch", "--offline", "--no-commit", *NO_CHECKS)

    assert result.code == 0, result.output
    assert project.git("rev-parse", "HEAD") == head
    assert sorted(project.git("diff", "--cached", "--name-only").splitlines()) == [
        "arshai/_version.py",
        "pyproject.toml",
    ]


def test_allow_dirty_keeps_other_changes_out_of_the_commit(make_project: ProjectFactory) -> None:
    project = make_project()
    project.write("README.md", "# arshai, work in progress\n")

    result = project.poetry("release", "prepare", "patch", "--offline", "--allow-dirty", *NO_CHECKS)

    assert result.code == 0, result.output
    assert sorted(project.head_files()) == ["arshai/_version.py", "pyproject.toml"]
    assert project.git("status", "--porcelain") == "M README.md"


@pytest.mark.parametrize(
    ("table", "fragments"),
    [
        ('tag-fromat = "v{version}"', ("tag-fromat", "did you mean tag-format?")),
        ("checks = 5", ("checks", "must be a list of command strings", "not an integer")),
        ('version-files = ["arshai/missing.py"]', ("arshai/missing.py", "does not exist")),
        ('version-files = ["README.md"]', ("README.md", "holds no version")),
    ],
)
def test_configuration_errors_name_the_key_and_change_nothing(
    make_project: ProjectFactory, table: str, fragments: tuple[str, ...]
) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", f"[tool.poetry-release]\n{table}\n"
    )
    project = make_project(files)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert_refused(result, *fragments)
    assert project.snapshot() == before


def test_listed_version_file_computing_its_version_is_refused(make_project: ProjectFactory) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", '[tool.poetry-release]\nversion-files = ["arshai/_version.py"]\n'
    )
    files["arshai/_version.py"] = (
        'from importlib.metadata import version\n__version__ = version("arshai")\n'
    )
    project = make_project(files)

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert_refused(result, "arshai/_version.py", "holds no version: no version name")


def test_poetry_2s_dynamic_version_is_written_where_poetry_keeps_it(
    make_project: ProjectFactory,
) -> None:
    pyproject = (
        '[project]\nname = "dyn"\ndynamic = ["version"]\nrequires-python = ">=3.10"\n\n'
        '[tool.poetry]\nversion = "1.0.0"\npackage-mode = false\n'
    )
    project = make_project({"pyproject.toml": pyproject}, tags=("v1.0.0",))

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert result.code == 0, result.output
    assert project.read("pyproject.toml") == pyproject.replace('"1.0.0"', '"1.0.1"')


def test_a_dynamic_version_poetry_does_not_hold_is_refused_with_advice(
    make_project: ProjectFactory,
) -> None:
    project = make_project(
        {"pyproject.toml": '[project]\nname = "dyn"\ndynamic = ["version"]\n\n[tool.poetry]\n'}
    )

    result = project.poetry("release", "prepare", "patch", "--offline", *NO_CHECKS)

    assert_refused(result, 'dynamic = ["version"]', "[tool.poetry] holds no version")
