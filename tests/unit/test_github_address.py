"""Where the GitHub token may go: GitHub's API, or an API the user configured; nowhere else."""

from __future__ import annotations

import pytest

from poetry_release_plugin.config import ReleaseSettings
from poetry_release_plugin.core.github_address import GitHubAddress, resolve_github_address
from poetry_release_plugin.errors import ConfigError, NotOnGitHub

SETTINGS = ReleaseSettings()


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/acme/widget-kit.git",
        "git@github.com:acme/widget-kit.git",
        "ssh://git@ssh.github.com:443/acme/widget-kit.git",
        "https://GitHub.com/acme/widget-kit",
    ],
)
def test_a_remote_on_github_uses_githubs_api(remote: str) -> None:
    address = resolve_github_address(SETTINGS, {}, remote)
    assert (address.full_name, address.api_url) == ("acme/widget-kit", "https://api.github.com")
    assert address.api_host == "github.com"


@pytest.mark.parametrize(
    "remote",
    [
        "https://gitlab.example.org/someone/project.git",
        "git@codeberg.org:someone/project.git",
        "https://github.com@evil.example/someone/project.git",
        "https://github.com.evil.example/someone/project.git",
    ],
)
def test_a_remote_on_another_host_gets_no_api_and_advice(remote: str) -> None:
    with pytest.raises(NotOnGitHub, match=r"not GitHub.*github-api-url = \"https://") as caught:
        resolve_github_address(SETTINGS, {}, remote)
    assert "GH_HOST=" in caught.value.fix


def test_an_explicit_repository_does_not_send_the_token_to_the_remotes_host() -> None:
    with pytest.raises(NotOnGitHub):
        resolve_github_address(
            SETTINGS, {"GITHUB_REPOSITORY": "acme/widget-kit"}, "https://forge.example/a/b.git"
        )


@pytest.mark.parametrize(
    ("environ", "settings", "api"),
    [
        ({"GITHUB_API_URL": "https://ghe.corp/api/v3/"}, SETTINGS, "https://ghe.corp/api/v3"),
        ({}, ReleaseSettings(github_api_url="https://ghe.corp/api/v3"), "https://ghe.corp/api/v3"),
        ({"GH_HOST": "ghe.corp"}, SETTINGS, "https://ghe.corp/api/v3"),
        ({"GH_HOST": "https://GHE.corp/"}, SETTINGS, "https://ghe.corp/api/v3"),
    ],
)
def test_an_enterprise_host_is_used_once_configured(
    environ: dict[str, str], settings: ReleaseSettings, api: str
) -> None:
    address = resolve_github_address(settings, environ, "git@ghe.corp:acme/widget-kit.git")
    assert (address.api_url, address.web_url, address.api_host) == (
        api,
        "https://ghe.corp",
        "ghe.corp",
    )


def test_gh_host_names_the_github_when_there_is_no_remote() -> None:
    environ = {"GH_HOST": "ghe.corp", "GITHUB_REPOSITORY": "acme/widget-kit"}
    address = resolve_github_address(SETTINGS, environ, None)
    assert (address.api_url, address.html_url) == (
        "https://ghe.corp/api/v3",
        "https://ghe.corp/acme/widget-kit",
    )


def test_a_remote_with_credentials_is_never_shown() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_github_address(SETTINGS, {}, "https://user:TOKEN-abc-123456@host/")
    assert "TOKEN-abc-123456" not in str(caught.value)
    assert "https://***@host/" in str(caught.value)


@pytest.mark.parametrize(
    ("api_url", "upload_url", "accepted"),
    [
        ("https://api.github.com", "https://uploads.github.com/repos/a/b/releases/1/assets", True),
        ("https://api.github.com", "http://uploads.github.com/repos/a/b/releases/1/assets", False),
        ("https://api.github.com", "https://uploads.evil.example/repos/a/b/assets", False),
        ("https://api.github.com", "https://api.github.com/repos/a/b/releases/1/assets", False),
        ("https://ghe.corp/api/v3", "https://ghe.corp/api/uploads/repos/a/b/releases/1", True),
        ("https://ghe.corp/api/v3", "https://uploads.github.com/repos/a/b/releases/1", False),
        ("https://ghe.corp/api/v3", "https://user:pw@ghe.corp/api/uploads/repos/a/b", False),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/uploads/repos/a/b/releases/1", True),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8081/uploads/repos/a/b/releases/1", False),
    ],
)
def test_the_token_goes_only_to_githubs_uploads_host_or_the_apis_own(
    api_url: str, upload_url: str, accepted: bool
) -> None:
    address = GitHubAddress("a", "b", "https://github.com", api_url)

    assert address.accepts_upload_url(upload_url) is accepted
