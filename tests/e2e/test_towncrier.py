"""A towncrier project: the project's own towncrier renders the section, the release commit
removes the fragments (as `towncrier build --yes` does), `notes` prints that section, and a
failure puts every fragment back. towncrier runs from the project's environment (the test
suite's, where requirements-dev.txt installs it)."""

from __future__ import annotations

import shlex
import subprocess
import sys
import sysconfig
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from support import ReleaseProject

TOWNCRIER = """
[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
title_format = "## [{version}](https://github.com/acme/widget-kit/tree/{version}) - {project_date}"
issue_format = "[#{issue}](https://github.com/acme/widget-kit/issues/{issue})"
"""
NEWS = """# Changelog

<!-- towncrier release notes start -->

## [0.9.0](https://github.com/acme/widget-kit/tree/0.9.0) - 2026-01-02

### Bugfixes

- The wobble in `core`. [#3](https://github.com/acme/widget-kit/issues/3)
"""
FRAGMENTS = {
    "changelog.d/12.feature.md": "A `widgets` module.\n",
    "changelog.d/15.bugfix.md": "Stop the wobble for good.\n",
    "changelog.d/+tidy.misc.md": "Tidy the docs.\n",
}


def make_towncrier_project(make_project: ProjectFactory, extra: str = "") -> ReleaseProject:
    files = widget_kit_files(NEWS)
    files["pyproject.toml"] += TOWNCRIER + extra
    files["changelog.d/.gitignore"] = "!.gitignore\n"
    files[".gitignore"] = ".venv/\n"
    files.update(FRAGMENTS)
    project = make_project(files, tags=("v0.9.0",))
    _towncrier_in_project_venv(project)
    return project


def _towncrier_in_project_venv(project: ReleaseProject) -> None:
    """A project `.venv` (the one `poetry run` uses) with towncrier in it: the test suite's
    own, pinned in requirements-dev.txt, through a .pth and a console script."""
    venv = project.root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = venv / "lib" / version / "site-packages"
    (site_packages / "borrowed-tools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = venv / "bin" / "towncrier"
    script.write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom towncrier._shell import cli\n"
        "sys.exit(cli())\n"
    )
    script.chmod(0o755)


def test_towncrier_renders_the_section_and_the_release_commit_removes_the_fragments(
    make_project: ProjectFactory,
) -> None:
    project = make_towncrier_project(make_project)
    draft = project.poetry("run", "towncrier", "build", "--draft", "--version", "0.10.0")
    assert draft.code == 0, draft.output
    section = draft.stdout.strip("\n")

    status = project.poetry("release", "status", "--offline", "--json")
    result = project.poetry("release", "prepare", "minor", "--offline", "--no-checks")

    assert status.json()["notes_source"] == "towncrier"
    assert result.code == 0, result.output
    for fragment in FRAGMENTS:
        assert f"Removed {fragment}" in result.output
        assert not (project.root / fragment).exists()
    changelog = project.read("CHANGELOG.md")
    assert section in changelog
    assert changelog.index("<!-- towncrier release notes start -->") < changelog.index(section)
    assert changelog.index(section) < changelog.index("## [0.9.0]")
    assert sorted(project.head_files()) == sorted(
        ["CHANGELOG.md", "pyproject.toml", "widget_kit/__init__.py", *FRAGMENTS]
    )
    assert project.git("ls-tree", "--name-only", "HEAD", "changelog.d/") == "changelog.d/.gitignore"
    assert project.git("status", "--porcelain") == ""
    notes = project.poetry("release", "notes", "0.10.0")
    assert notes.code == 0, notes.output
    body = notes.stdout.split("## Installation")[0]
    assert "- A `widgets` module. ([#12](https://github.com/acme/widget-kit/issues/12))" in body
    assert "### Bugfixes\n\n- Stop the wobble for good." in body


def test_a_dry_run_shows_towncrier_s_section_and_changes_nothing(
    make_project: ProjectFactory,
) -> None:
    project = make_towncrier_project(make_project)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "minor", "--offline", "--dry-run")

    assert result.code == 0, result.output
    assert "+- A `widgets` module. ([#12]" in result.output
    assert "-Stop the wobble for good." in result.output  # a fragment's removal
    assert project.snapshot() == before


def test_a_failing_check_puts_every_fragment_back_byte_for_byte(
    make_project: ProjectFactory,
) -> None:
    failing = shlex.join([sys.executable, "-c", "raise SystemExit(1)"])
    project = make_towncrier_project(
        make_project,
        f'\n[tool.poetry-release]\nchecks = [{{ name = "fails", run = "{failing}" }}]\n',
    )
    before = project.snapshot()

    result = project.poetry("release", "prepare", "minor", "--offline")

    assert result.code != 0, result.output
    assert project.snapshot() == before


def test_a_project_environment_without_towncrier_is_refused_saying_how_to_install_it(
    make_project: ProjectFactory,
) -> None:
    project = make_towncrier_project(make_project)
    (project.root / ".venv" / "bin" / "towncrier").unlink()
    before = project.snapshot()

    result = project.poetry("release", "prepare", "minor", "--offline", "--no-checks")

    assert result.code == 1, result.output
    assert "has no towncrier" in result.output
    assert "poetry add --group dev towncrier" in result.output
    assert project.snapshot() == before


def test_towncrier_refusing_to_build_is_reported_and_nothing_changes(
    make_project: ProjectFactory,
) -> None:
    project = make_towncrier_project(make_project)
    project.write("CHANGELOG.md", NEWS.replace("<!-- towncrier release notes start -->\n", ""))
    project.write(
        "towncrier.toml", "[tool.towncrier]\ndirectory = 'changelog.d'\ntemplate = 'nope.j2'\n"
    )
    project.commit_all("chore: break towncrier")
    project.git("push", "--quiet", "origin", "main")
    before = project.snapshot()

    result = project.poetry("release", "prepare", "minor", "--offline", "--no-checks")

    assert result.code == 1, result.output
    assert "towncrier build --version 0.10.0 failed" in result.output
    assert "Traceback" not in result.output
    assert project.snapshot() == before


TOWNCRIER_FIXTURE = Path(__file__).parent.parent / "fixtures" / "towncrier"


def make_towncrier_itself(make_project: ProjectFactory) -> tuple[ReleaseProject, dict[str, str]]:
    """towncrier as it stood at its 24.7.1 release, with the fragments of 24.8.0rc1."""
    fixture = TOWNCRIER_FIXTURE
    fragments = {
        f"src/towncrier/newsfragments/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((fixture / "newsfragments").iterdir())
    }
    files = {
        "pyproject.toml": (
            '[project]\nname = "towncrier"\nversion = "24.7.1"\nrequires-python = ">=3.10"\n\n'
            '[tool.poetry]\npackages = [{ include = "towncrier", from = "src" }]\n\n'
            + (fixture / "towncrier-table.toml").read_text(encoding="utf-8")
        ),
        "src/towncrier/__init__.py": '"""\ntowncrier, a builder for your news files.\n"""\n',
        "NEWS.rst": (fixture / "NEWS.24.7.1.rst").read_text(encoding="utf-8"),
        "LICENSE": (fixture / "LICENSE").read_text(encoding="utf-8"),
        ".gitignore": ".venv/\n",
        **fragments,
    }
    project = make_project(files, tags=("24.7.1",))
    _towncrier_in_project_venv(project)
    return project, fragments


def test_towncrier_s_own_release_is_made_again_as_its_maintainers_made_it(
    make_project: ProjectFactory,
) -> None:
    """towncrier's own 24.8.0rc1 release (tests/fixtures/towncrier): its news fragments in the
    package, NEWS.rst with the reStructuredText start marker; the release commit its
    maintainers made with `towncrier build --yes` wrote NEWS.rst as prepare does now (the date
    and the title's capital aside) and removed every fragment."""
    fixture = TOWNCRIER_FIXTURE
    project, fragments = make_towncrier_itself(make_project)

    result = project.poetry("release", "prepare", "24.8.0rc1", "--offline", "--no-checks")

    assert result.code == 0, result.output
    released = (fixture / "NEWS.24.8.0rc1.rst").read_text(encoding="utf-8")
    # towncrier 24.8 titled itself from its incremental version object ("Towncrier"); the
    # towncrier pinned here takes the package's name as it is
    title = f"Towncrier 24.8.0rc1 ({date.today()})"
    expected = released.replace("Towncrier 24.8.0rc1 (2024-08-19)", "t" + title[1:])
    assert project.read("NEWS.rst") == expected
    removed = sorted(path for path in fragments if not path.endswith(".gitignore"))
    assert sorted(project.head_files()) == sorted(["NEWS.rst", "pyproject.toml", *removed])
    assert project.git("status", "--porcelain") == ""


def test_a_version_prepared_again_keeps_the_section_towncrier_wrote(
    make_project: ProjectFactory,
) -> None:
    project = make_towncrier_project(make_project)
    first = project.poetry("release", "prepare", "minor", "--offline", "--no-checks")
    assert first.code == 0, first.output
    written = project.read("CHANGELOG.md")
    project.write("changelog.d/20.bugfix.md", "A later fix.\n")
    project.write("widget_kit/later.py", "")
    project.commit_all("fix: a later fix")

    again = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert again.code == 0, again.output
    assert "0.10.0 was prepared before" in again.output
    assert project.read("CHANGELOG.md") == written
    assert (project.root / "changelog.d/20.bugfix.md").exists()  # for the next release
    assert project.git("status", "--porcelain") == ""


def test_notes_give_a_news_rst_section_in_markdown(make_project: ProjectFactory) -> None:
    """`notes` of towncrier's own releases: the version's section of NEWS.rst (not commits),
    its subsection titles as Markdown headings and its reStructuredText links and literals
    as Markdown's, for the GitHub release body; an older release's section the same way."""
    project, _fragments = make_towncrier_itself(make_project)
    prepared = project.poetry("release", "prepare", "24.8.0rc1", "--offline", "--no-checks")
    assert prepared.code == 0, prepared.output

    new = project.poetry("release", "notes", "24.8.0rc1", "--json")
    old = project.poetry("release", "notes", "24.7.1", "--json")

    assert new.code == 0, new.output
    assert new.json()["source"] == "changelog"
    changes = new.json()["changes"]
    assert changes.startswith(
        "### Features\n\n- Add `.gitkeep` as an ignored filename. "
        "([#643](https://github.com/twisted/towncrier/issues/643))\n"
    )
    assert "via [fnmatch](https://docs.python.org/3/library/fnmatch.html#fnmatch.fnmatch)." in (
        changes
    )
    assert "\n\n### Bugfixes\n\n- The template file" in changes
    assert changes.endswith(
        "### Misc\n\n- [#640](https://github.com/twisted/towncrier/issues/640), "
        "[#657](https://github.com/twisted/towncrier/issues/657)"
    )
    assert "24.7.1" not in changes  # the section ends where the next release's title is
    assert old.code == 0, old.output
    assert old.json()["source"] == "changelog"
    assert old.json()["changes"].startswith(
        "No significant changes since the previous release candidate.\n\n\n### Bugfixes\n"
    )
