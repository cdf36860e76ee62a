"""Whether a project uses towncrier, read from its configuration as towncrier reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.environment import ProjectEnvironment
from poetry_release_plugin.adapters.towncrier import towncrier_build, towncrier_executable
from poetry_release_plugin.core.towncrier import TowncrierConfig, towncrier_config
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from pathlib import Path


def test_a_project_without_tool_towncrier_does_not_use_it() -> None:
    assert towncrier_config({"pyproject.toml": {"tool": {"poetry": {}}}}) is None


def test_pyproject_s_table_gives_the_news_file_and_the_fragments_folder() -> None:
    table = {"directory": "changelog.d/", "filename": "CHANGELOG.md"}
    found = towncrier_config({"pyproject.toml": {"tool": {"towncrier": table}}})
    assert found == TowncrierConfig("pyproject.toml", "CHANGELOG.md", "changelog.d")
    assert found.markdown


def test_towncrier_s_defaults_are_news_rst_and_the_package_s_fragments() -> None:
    found = towncrier_config({"pyproject.toml": {"tool": {"towncrier": {"package": "acme"}}}})
    assert found == TowncrierConfig("pyproject.toml", "NEWS.rst", None)
    assert not found.markdown
    assert "the package's newsfragments/" in found.describe()


def test_towncrier_toml_wins_over_pyproject_as_towncrier_reads_it() -> None:
    documents = {
        "pyproject.toml": {"tool": {"towncrier": {"filename": "NEWS.rst"}}},
        "towncrier.toml": {"tool": {"towncrier": {"filename": "docs/changes.md"}}},
    }
    found = towncrier_config(documents)
    assert found is not None
    assert (found.source, found.filename) == ("towncrier.toml", "docs/changes.md")


@pytest.mark.parametrize("has_env", [True, False])
def test_no_towncrier_in_the_environment_is_refused_saying_how_to_install_it(
    tmp_path: Path, has_env: bool
) -> None:
    env = ProjectEnvironment(tmp_path / "bin" / "python", tmp_path / "bin", True)
    with pytest.raises(ProjectError) as raised:
        towncrier_executable(env if has_env else None)
    assert "poetry add --group dev towncrier" in raised.value.fix


def test_the_environment_s_towncrier_is_the_one_used(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "towncrier").write_text("#!/bin/sh\n")
    env = ProjectEnvironment(tmp_path / "bin" / "python", tmp_path / "bin", True)
    assert towncrier_executable(env) == tmp_path / "bin" / "towncrier"


def test_fragments_towncrier_removes_with_git_rm_alone_are_removed(tmp_path: Path) -> None:
    """towncrier before 23.6 removes the fragments with `git rm --quiet` and nothing else (its
    failure ignored): papermerge-cli's 0.3.3 release commit (towncrier 22.12, Apache-2.0,
    © Eugen Ciur) removed `changelog.d/noissue.added.md`. The scratch copy's files are
    tracked, so that the same `git rm` removes them there too."""
    (tmp_path / "bin").mkdir()
    stand_in = tmp_path / "bin" / "towncrier"
    stand_in.write_text(
        "#!/bin/sh\n"
        "printf '## 0.3.3 - 2022-12-24\\n' >> CHANGELOG.md\n"
        "git rm --quiet changelog.d/noissue.added.md 2>/dev/null\n"
        "exit 0\n"
    )
    stand_in.chmod(0o755)
    root = tmp_path / "project"
    (root / "changelog.d").mkdir(parents=True)
    (root / "CHANGELOG.md").write_text("# Changelog\n")
    (root / "changelog.d" / "noissue.added.md").write_text("Show tabelar output using rich styles")
    env = ProjectEnvironment(tmp_path / "bin" / "python", tmp_path / "bin", True)

    changed = towncrier_build(root, env, "0.3.3", ["CHANGELOG.md", "changelog.d/noissue.added.md"])

    assert changed == {
        "CHANGELOG.md": b"# Changelog\n## 0.3.3 - 2022-12-24\n",
        "changelog.d/noissue.added.md": None,
    }
