"""Whether a project uses towncrier, read from its configuration as towncrier reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.environment import ProjectEnvironment
from poetry_release_plugin.adapters.towncrier import towncrier_executable
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
