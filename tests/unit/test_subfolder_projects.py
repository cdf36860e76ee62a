"""A project in a subfolder of its repository: its own paths, and tags that name it."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from fakes import ROOT, MemoryGit, project

from poetry_release_plugin.errors import ConfigError
from poetry_release_plugin.workflows.history import history_paths, with_tag_format

if TYPE_CHECKING:
    from poetry_release_plugin.core.project import Project


def in_subfolder(release: str = "", readme: str | None = None) -> Project:
    found = project(release=release)
    text = found.pyproject_text
    if readme is not None:
        text = text.replace('version = "1.0.0"\n', f'version = "1.0.0"\nreadme = "{readme}"\n')
    return dataclasses.replace(found, root=ROOT / "widget-kit", pyproject_text=text)


def repository(*tags: str) -> MemoryGit:
    git = MemoryGit()
    sha = git.commit("Initial commit")
    git.tags.update(dict.fromkeys(tags, sha))
    return git


def test_a_project_at_the_root_reads_every_commit() -> None:
    assert history_paths(project(), repository()) == ()


def test_a_subfolder_project_reads_its_folder_and_what_it_declares_from_outside() -> None:
    found = in_subfolder(readme="../README.md")

    assert history_paths(found, repository()) == (".", "../README.md")


def test_a_subfolder_project_without_tags_gets_tags_naming_it() -> None:
    settled = with_tag_format(in_subfolder(), repository())

    assert settled.settings.tag_for("1.0.1") == "widget-kit-v1.0.1"
    assert settled.history_paths == (".",)


def test_tags_that_name_the_project_are_inferred() -> None:
    settled = with_tag_format(in_subfolder(), repository("widget-kit-1.0.0", "other-1.0.0"))

    assert settled.settings.tag_for("1.0.1") == "widget-kit-1.0.1"


@pytest.mark.parametrize(
    ("release", "tags"), [('tag-format = "v{version}"\n', ()), ("", ("v1.0.0",))]
)
def test_tags_that_cannot_tell_the_projects_apart_are_refused(
    release: str, tags: tuple[str, ...]
) -> None:
    with pytest.raises(ConfigError) as refused:
        with_tag_format(in_subfolder(release), repository(*tags))

    assert "lives in the subfolder widget-kit/" in refused.value.what
    assert refused.value.fix == 'set tag-format = "widget-kit-v{version}" in [tool.poetry-release]'
