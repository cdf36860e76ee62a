"""A release-notes file (`RELEASE.md`, strawberry's convention) gives the bump rule and the
changelog section's prose, and the release commit removes it: end to end, on strawberry's
own files (tests/fixtures/strawberry)."""

from __future__ import annotations

import shlex
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import POETRY, interrupt, widget_kit_files

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from support import ReleaseProject, Run

TODAY = date.today().isoformat()
FIXTURE = Path(__file__).parent.parent / "fixtures" / "strawberry"
PYPROJECT = (
    '[project]\nname = "strawberry-graphql"\nversion = "{version}"\n'
    'requires-python = ">=3.10"\n\n'
    '[tool.poetry]\npackages = [{{ include = "strawberry" }}]\n'
)


def fixture(name: str) -> str:
    return (FIXTURE / name).read_text(encoding="utf-8")


def changelog_before_0_323_2() -> str:
    """Strawberry's changelog as 0.323.1 left it (0.323.2's section taken out)."""
    text = fixture("CHANGELOG.0.323.2.md")
    start, end = text.index("0.323.2 - "), text.index("0.323.1 - ")
    return text[:start] + text[end:]


def make_strawberry(make_project: ProjectFactory, extra: str = "") -> ReleaseProject:
    """strawberry-graphql at 0.323.2, whose release commit consumed RELEASE.md as each
    release does, then a pull request that adds the next RELEASE.md."""
    project = make_project(
        {
            "pyproject.toml": PYPROJECT.format(version="0.323.1") + extra,
            "strawberry/__init__.py": "",
            "CHANGELOG.md": changelog_before_0_323_2(),
            "LICENSE": fixture("LICENSE"),
        },
        tags=("0.323.1",),
    )
    project.write("RELEASE.md", fixture("RELEASE.0.323.2.md"))
    project.commit_all("Fix MaskErrors leaking pre-execution errors in sync execution (#3968)")
    project.git("rm", "--quiet", "RELEASE.md")
    project.write("pyproject.toml", PYPROJECT.format(version="0.323.2") + extra)
    project.write("CHANGELOG.md", fixture("CHANGELOG.0.323.2.md"))
    project.commit_all("🤖 Release 0.323.2")
    project.git("tag", "0.323.2")
    project.write("RELEASE.md", fixture("RELEASE.0.324.0.md"))
    project.commit_all("Add support for Django 6.0 and 6.1 (#4576)")
    project.git("push", "--quiet", "origin", "main", "--tags")
    return project


def prose(name: str) -> str:
    """The notes of a RELEASE.md: what follows its front matter."""
    return fixture(name).split("\n---\n", 1)[1].strip("\n") + "\n"


def assert_refused(result: Run, *fragments: str) -> None:
    assert result.code == 1, result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert "Traceback" not in result.output


def test_release_md_decides_the_rule_gives_the_prose_and_is_removed_by_the_release_commit(
    make_project: ProjectFactory,
) -> None:
    project = make_strawberry(make_project)

    status = project.poetry("release", "status", "--offline", "--json")
    assert status.code == 0, status.output
    assert status.json()["notes_source"] == "release-file"
    shown = project.poetry("release", "status", "--offline")
    assert "release notes from: RELEASE.md (inferred: earlier release commits" in shown.output
    planned = project.poetry("release", "prepare", "--dry-run", "--json", "--offline")
    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert planned.code == 0, planned.output
    assert (planned.json()["version"], planned.json()["rule"]) == ("0.324.0", "minor")
    assert result.code == 0, result.output
    assert "Removed RELEASE.md" in result.output
    assert not (project.root / "RELEASE.md").exists()
    heading = f"0.324.0 - {TODAY}"
    section = f"{heading}\n{'-' * len(heading)}\n\n{prose('RELEASE.0.324.0.md')}\n"
    assert project.read("CHANGELOG.md") == fixture("CHANGELOG.0.323.2.md").replace(
        "0.323.2 - ", section + "0.323.2 - ", 1
    )
    assert sorted(project.head_files()) == ["CHANGELOG.md", "RELEASE.md", "pyproject.toml"]
    assert project.git("ls-tree", "HEAD", "--", "RELEASE.md") == ""
    assert project.git("status", "--porcelain") == ""
    notes = project.poetry("release", "notes", "0.324.0")
    assert notes.code == 0, notes.output
    assert "drops support for Django\nolder than 5.2." in notes.stdout


def test_a_failing_check_puts_release_md_back_byte_for_byte(make_project: ProjectFactory) -> None:
    failing = shlex.join([sys.executable, "-c", "raise SystemExit(1)"])
    project = make_strawberry(
        make_project,
        f'\n[tool.poetry-release]\nchecks = [{{ name = "fails", run = "{failing}" }}]\n',
    )
    before = project.snapshot()

    result = project.poetry("release", "prepare", "--offline")

    assert result.code != 0, result.output
    assert "fails" in result.output
    assert project.snapshot() == before


@pytest.mark.faults
def test_ctrl_c_while_the_checks_run_puts_release_md_back(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    seen = tmp_path / "check-saw"  # the check says whether RELEASE.md was gone, then waits
    code = (
        "import os, time; "
        f"open({str(seen)!r}, 'w').write(str(os.path.exists('RELEASE.md'))); time.sleep(600)"
    )
    waiting = shlex.join([sys.executable, "-c", code]).replace("\\", "\\\\").replace('"', '\\"')
    project = make_strawberry(
        make_project,
        f'\n[tool.poetry-release]\nchecks = [{{ name = "long", run = "{waiting}" }}]\n',
    )
    before = project.snapshot()

    exit_code, output = interrupt(
        [POETRY, "release", "prepare", "--offline"],
        project.root,
        project.env,
        lambda: seen.exists() and bool(seen.read_text()),
    )

    assert seen.read_text() == "False"  # removed while the checks ran
    assert exit_code != 0, output
    assert "Interrupted while the checks ran" in output
    assert project.snapshot() == before


def test_a_release_type_line_decides_the_rule_of_a_keep_a_changelog_project(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nrelease-file = "RELEASE.md"\n'
    files["RELEASE.md"] = "Release type: patch\n\nThe wobble in `core` is gone for good.\n"
    project = make_project(files, tags=("v0.9.0",))

    result = project.poetry("release", "prepare", "--offline", "--no-checks", "--json")

    assert result.code == 0, result.output
    assert result.json()["version"] == "0.9.1"
    changelog = project.read("CHANGELOG.md")
    assert (
        f"## [Unreleased]\n\n## [0.9.1] - {TODAY}\n\nThe wobble in `core` is gone for good.\n\n"
        "### Added\n\n- A `widgets` module.\n\n## [0.9.0]"
    ) in changelog
    assert "RELEASE.md" in project.head_files()
    assert not (project.root / "RELEASE.md").exists()


def test_a_configured_release_file_that_is_missing_is_refused(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nrelease-file = "RELEASE.md"\n'
    project = make_project(files, tags=("v0.9.0",))
    before = project.snapshot()

    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert_refused(result, "RELEASE.md does not exist", "a release needs its notes")
    assert project.snapshot() == before


def test_a_release_file_without_its_release_type_is_refused(make_project: ProjectFactory) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nrelease-file = "RELEASE.md"\n'
    files["RELEASE.md"] = "Some notes, but no release type.\n"
    project = make_project(files, tags=("v0.9.0",))
    before = project.snapshot()

    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert_refused(result, "RELEASE.md does not say its release type", "Release type: minor")
    assert project.snapshot() == before
