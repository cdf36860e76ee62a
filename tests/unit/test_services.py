"""`console/services.py`: the one policy for opening GitHub (token optional or required, an
address that cannot be told, one client closed once), over in-memory git and a real Poetry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGit, project, pyproject

from poetry_release_plugin.console.services import Services
from poetry_release_plugin.errors import ConfigError, NoGitHubToken, NotOnGitHub

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from poetry.poetry import Poetry


class ForgeGit(MemoryGit):
    """A repository whose remote is on a forge that is not GitHub."""

    def remote_url(self, remote: str) -> str | None:
        return "https://forge.example/acme/widget-kit.git"


@pytest.fixture
def poetry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Poetry:
    """A real Poetry for the project; `gh` out of reach, so only the environment gives tokens."""
    from poetry.factory import Factory

    (tmp_path / "pyproject.toml").write_text(pyproject())
    loaded = Factory().create_poetry(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    return loaded


def services(poetry: Poetry, environ: Mapping[str, str], git: MemoryGit | None = None) -> Services:
    return Services(poetry, project(), git or MemoryGit(), environ=environ)


def test_without_a_token_github_is_not_asked_and_a_release_step_says_how_to_give_one(
    poetry: Poetry,
) -> None:
    opened = services(poetry, {})

    assert opened.github() is None
    with pytest.raises(NoGitHubToken) as refused:
        opened.required_github(instead="--no-github-release")

    assert str(refused.value) == (
        "No GitHub token: GITHUB_TOKEN and GH_TOKEN are unset and gh is not logged in to "
        "github.com: export GITHUB_TOKEN with a token that may create releases (contents: "
        "write), run gh auth login --hostname github.com, or use --no-github-release"
    )


def test_a_command_without_a_way_around_github_is_told_only_how_to_give_a_token(
    poetry: Poetry,
) -> None:
    with pytest.raises(NoGitHubToken) as refused:
        services(poetry, {"GITHUB_API_URL": "https://ghe.corp/api/v3"}).required_github()

    assert refused.value.fix.endswith("or run gh auth login --hostname ghe.corp")
    assert "--no-github-release" not in str(refused.value)


def test_one_client_per_run_for_the_remote_s_repository_closed_once(poetry: Poetry) -> None:
    opened = services(poetry, {"GITHUB_TOKEN": "ghp_unit_token_123456"})

    client = opened.required_github()

    assert opened.github() is client
    assert client.address.full_name == "acme/widget-kit"
    assert client.address.api_url == "https://api.github.com"
    opened.close()
    assert client._client.is_closed  # the only way to see httpx's pool is gone
    opened.close()  # a second close is harmless


def test_the_environment_names_the_repository_over_the_remote(poetry: Poetry) -> None:
    opened = services(poetry, {"GITHUB_REPOSITORY": "elsewhere/kit"})

    assert opened.github_address().full_name == "elsewhere/kit"


def test_a_remote_not_on_github_refuses_a_token_and_links_nowhere(poetry: Poetry) -> None:
    opened = services(poetry, {"GITHUB_TOKEN": "ghp_unit_token_123456"}, ForgeGit())

    assert opened.known_github_address() is None
    with pytest.raises(NotOnGitHub, match="forge.example, which is not GitHub"):
        opened.github()
    with pytest.raises(NotOnGitHub):
        opened.required_github()


def test_without_a_remote_or_a_configured_repository_the_address_says_how_to_set_it(
    poetry: Poetry,
) -> None:
    git = MemoryGit()
    git.remote_name = "upstream"

    opened = services(poetry, {}, git)

    assert opened.known_github_address() is None
    with pytest.raises(ConfigError, match="set github-repository"):
        opened.github_address()
