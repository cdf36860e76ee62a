"""The changelog, the version decided by the commits, and `poetry release notes`, end to end."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from support import CHANGELOG, widget_kit_files

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from support import ReleaseProject

TODAY = date.today().isoformat()


def make_widget_kit(make_project: ProjectFactory, changelog: str = CHANGELOG) -> ReleaseProject:
    return make_project(widget_kit_files(changelog), tags=("v0.8.0", "v0.9.0"))


def add_commits(project: ReleaseProject, *messages: str) -> None:
    for number, message in enumerate(messages):
        project.write(f"notes/{number}.txt", message)
        project.git("add", "--all")
        project.git("commit", "--quiet", "--message", message)


def test_unreleased_entries_become_the_release_and_the_links_follow(
    make_project: ProjectFactory,
) -> None:
    project = make_widget_kit(make_project)

    result = project.poetry("release", "prepare", "minor", "--offline", "--no-checks")

    assert result.code == 0, result.output
    changelog = project.read("CHANGELOG.md")
    assert (
        f"## [Unreleased]\n\n## [0.10.0] - {TODAY}\n\n### Added\n\n- A `widgets` module.\n"
        in changelog
    )
    assert "[unreleased]: https://github.com/acme/widget-kit/compare/v0.10.0...HEAD\n" in changelog
    assert "[0.10.0]: https://github.com/acme/widget-kit/compare/v0.9.0...v0.10.0\n" in changelog
    older = CHANGELOG[CHANGELOG.index("## [0.9.0]") : CHANGELOG.index("[unreleased]:")]
    assert older in changelog
    assert "CHANGELOG.md" in project.head_files()


def test_empty_unreleased_is_generated_from_the_commits_and_they_decide_the_version(
    make_project: ProjectFactory,
) -> None:
    project = make_widget_kit(
        make_project, CHANGELOG.replace("### Added\n\n- A `widgets` module.\n\n", "")
    )
    add_commits(
        project,
        "feat: add widgets",
        "fix(core): stop the wobble",
        "docs: fix a typo",
        "feat!: drop python 3.8",
    )

    planned = project.poetry("release", "prepare", "--dry-run", "--json", "--offline")
    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert planned.code == 0, planned.output
    assert (planned.json()["version"], planned.json()["rule"]) == ("0.10.0", "minor")
    assert result.code == 0, result.output
    notes = project.poetry("release", "notes", "0.10.0")
    assert notes.code == 0, notes.output
    section = notes.stdout.split("## Installation")[0]
    assert "**BREAKING:** drop python 3.8" in section
    assert "add widgets" in section
    assert "**core:** stop the wobble" in section
    assert "fix a typo" not in section
    # in the file's own Keep a Changelog voice, though its last release only fixed things
    assert section.index("### Added") < section.index("### Fixed")
    assert "### New Features" not in section


def test_nothing_releasable_is_refused(make_project: ProjectFactory) -> None:
    project = make_widget_kit(make_project)
    add_commits(project, "docs: fix a typo", "chore: tidy", "ci: cache pip")
    before = project.snapshot()

    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert result.code == 1
    assert "Nothing to release since v0.9.0" in result.output
    assert project.snapshot() == before


def test_a_feat_after_the_last_lightweight_tag_plans_a_minor_bump(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace("0.9.0", "1.5.1")
    files["widget_kit/__init__.py"] = '__version__ = "1.5.1"\n'
    project = make_project(files, tags=("v1.5.0", "v1.5.1"))
    add_commits(project, "fix: a small thing", "feat: agents speak Polish", "docs: explain it")

    result = project.poetry("release", "prepare", "--dry-run", "--json", "--offline")

    assert result.code == 0, result.output
    assert (result.json()["version"], result.json()["rule"]) == ("1.6.0", "minor")


def test_notes_print_the_section_alone_with_install_line_and_compare_link(
    make_project: ProjectFactory,
) -> None:
    project = make_widget_kit(make_project)
    assert project.poetry("release", "prepare", "minor", "--offline", "--no-checks").code == 0

    result = project.poetry(
        "release", "notes", "0.10.0", extra_env={"GITHUB_REPOSITORY": "acme/widget-kit"}
    )

    assert result.code == 0, result.output
    assert result.stdout == (
        "### Added\n\n- A `widgets` module.\n\n"
        "## Installation\n\n```bash\npip install widget-kit==0.10.0\n```\n\n"
        "## Full Changelog\n\nhttps://github.com/acme/widget-kit/compare/v0.9.0...v0.10.0\n"
    )


@pytest.mark.parametrize("version", ["0.9.0", "0.8.0"])
def test_notes_of_an_older_version_come_from_its_section(
    make_project: ProjectFactory, version: str
) -> None:
    project = make_widget_kit(make_project)

    result = project.poetry("release", "notes", version, "--json")

    assert result.code == 0, result.output
    payload = result.json()
    assert payload["source"] == "changelog"
    assert payload["install"] == f"pip install widget-kit=={version}"
    assert payload["changes"] == (
        "### Fixed\n\n- The wobble in `core`." if version == "0.9.0" else "- First release."
    )


def test_dry_run_shows_the_changelog_diff_too(make_project: ProjectFactory) -> None:
    project = make_widget_kit(make_project)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--dry-run", "--offline")

    assert result.code == 0, result.output
    assert "+++ b/CHANGELOG.md" in result.stdout
    assert f"+## [0.9.1] - {TODAY}" in result.stdout
    assert project.snapshot() == before


def test_a_failing_check_restores_the_changelog_too(make_project: ProjectFactory) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nchecks = ["false"]\n'
    project = make_project(files, tags=("v0.9.0",))
    before = project.snapshot()

    result = project.poetry("release", "prepare", "minor", "--offline")

    assert result.code == 1, result.output
    assert project.snapshot() == before


def test_a_project_that_renames_unreleased_at_each_release_keeps_doing_so(
    make_project: ProjectFactory,
) -> None:
    """textual's way: `## Unreleased` becomes the release's heading, none is left empty."""
    before = "# Changelog\n\n## Unreleased\n\n### Fixed\n\n- A wobble.\n\n## [0.8.0] - 2020-01-01\n"
    files = widget_kit_files(before)
    files["pyproject.toml"] = files["pyproject.toml"].replace('"0.9.0"', '"0.8.1"')
    files["widget_kit/__init__.py"] = '__version__ = "0.8.1"\n'
    project = make_project(files, tags=("v0.8.0",))
    released = before.replace("## Unreleased", "## [0.9.0] - 2020-02-01")
    project.write("CHANGELOG.md", released)
    for path in ("pyproject.toml", "widget_kit/__init__.py"):
        project.write(path, project.read(path).replace("0.8.1", "0.9.0"))
    project.commit_all("Release 0.9.0")
    project.git("tag", "v0.9.0")
    project.write(
        "CHANGELOG.md", released.replace("## [0.9.0]", "## Unreleased\n\n- More.\n\n## [0.9.0]", 1)
    )
    project.commit_all("feat: more")

    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert result.code == 0, result.output
    changelog = project.read("CHANGELOG.md")
    assert "Unreleased" not in changelog
    assert changelog.startswith("# Changelog\n\n## [0.10.0] - ")
    assert "\n\n- More.\n\n## [0.9.0] - 2020-02-01\n" in changelog


def test_changelog_exclude_leaves_bot_bumps_out_and_status_says_so(
    make_project: ProjectFactory,
) -> None:
    changelog = CHANGELOG.replace("### Added\n\n- A `widgets` module.\n\n", "")
    files = widget_kit_files(changelog)
    files["pyproject.toml"] += '\n[tool.poetry-release]\nchangelog-exclude = ["^build\\\\(deps"]\n'
    project = make_project(files, tags=("v0.8.0", "v0.9.0"))
    add_commits(project, "fix: a wobble", "build(deps): bump requests from 2.31 to 2.32")

    status = project.poetry("release", "status", "--offline", "--json")
    result = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert status.json()["changelog_exclude"] == ["^build\\(deps"]
    assert result.code == 0, result.output
    assert "a wobble" in project.read("CHANGELOG.md")
    assert "bump requests" not in project.read("CHANGELOG.md")
