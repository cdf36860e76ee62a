"""The GitHub stand-in answers by GitHub's own OpenAPI schemas, and the adapter's requests pass them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from github_standin import GitHubStandIn, Server, schema_errors

from poetry_release_plugin.adapters.github import GitHub, Token
from poetry_release_plugin.adapters.http import RetryPolicy
from poetry_release_plugin.core.github_address import GitHubAddress
from poetry_release_plugin.errors import GitHubError

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = "/repos/acme/widget-kit"


@pytest.fixture
def standin() -> Iterator[GitHubStandIn]:
    with Server(GitHubStandIn()) as running:
        yield running


def client(standin: GitHubStandIn, token: str | None = None) -> GitHub:
    address = GitHubAddress("acme", "widget-kit", "https://github.com", standin.url)
    policy = RetryPolicy(attempts=2, first_delay=0.01, total_seconds=5)
    return GitHub(address, Token(token or standin.token, "GITHUB_TOKEN"), policy=policy)


def raw(standin: GitHubStandIn, method: str, path: str, json: object = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {standin.token}"}
    return httpx.request(method, standin.url + path, json=json, headers=headers)


def test_created_release_and_errors_conform_to_githubs_schemas(standin: GitHubStandIn) -> None:
    created = raw(
        standin, "POST", f"{REPO}/releases", {"tag_name": "v1.0.0", "name": "Release v1.0.0"}
    )
    again = raw(standin, "POST", f"{REPO}/releases", {"tag_name": "v1.0.0"})
    by_tag = raw(standin, "GET", f"{REPO}/releases/tags/v1.0.0")
    missing = raw(standin, "GET", f"{REPO}/releases/tags/v9.9.9")
    updated = raw(standin, "PATCH", f"{REPO}/releases/{created.json()['id']}", {"body": "notes"})

    assert created.status_code == 201
    assert schema_errors("POST /repos/{owner}/{repo}/releases 201", created.json()) == []
    assert again.status_code == 422
    assert schema_errors("POST /repos/{owner}/{repo}/releases 422", again.json()) == []
    assert again.json()["errors"][0]["code"] == "already_exists"
    assert schema_errors("GET /repos/{owner}/{repo}/releases/tags/{tag} 200", by_tag.json()) == []
    assert missing.status_code == 404
    assert schema_errors("GET /repos/{owner}/{repo}/releases/tags/{tag} 404", missing.json()) == []
    assert (
        schema_errors("PATCH /repos/{owner}/{repo}/releases/{release_id} 200", updated.json()) == []
    )


def test_a_request_off_the_schema_gets_422_and_is_recorded(standin: GitHubStandIn) -> None:
    response = raw(standin, "POST", f"{REPO}/releases", {"tag_name": "v1", "make_latest": True})
    assert response.status_code == 422
    assert any("make_latest" in violation for violation in standin.violations)


def test_the_adapter_creates_finds_and_reports_drafts(standin: GitHubStandIn) -> None:
    github = client(standin)
    github.check_access()
    draft = github.create_release(
        tag="v2.0.0rc1",
        commit="0123456789abcdef0123456789abcdef01234567",
        title="Release v2.0.0rc1",
        body="b",
        prerelease=True,
        draft=True,
        latest=True,
    )
    assert draft.draft
    assert draft.prerelease
    assert github.release_for_tag("v2.0.0rc1") == draft  # found by listing: by-tag hides drafts
    assert github.release_for_tag("v3.0.0") is None
    published = github.update_release(draft, publish=True)
    assert (published.draft, published.prerelease) == (False, True)
    assert standin.violations == []


def test_a_backport_is_never_made_the_latest_release(standin: GitHubStandIn) -> None:
    github = client(standin)
    draft = github.create_release(
        tag="v2.4.3",
        commit="0123456789abcdef0123456789abcdef01234567",
        title="Release v2.4.3",
        body="b",
        prerelease=False,
        draft=True,
        latest=False,
    )
    github.update_release(draft, publish=True, latest=False)
    github.create_release(
        tag="v2.4.4",
        commit="0123456789abcdef0123456789abcdef01234567",
        title="Release v2.4.4",
        body="b",
        prerelease=False,
        draft=False,
        latest=False,
    )

    sent = [r.body["make_latest"] for r in standin.requests if r.body and "make_latest" in r.body]
    assert sent == ["false", "false", "false"]
    assert standin.violations == []


def test_a_bad_token_names_its_source_and_never_shows_the_token(standin: GitHubStandIn) -> None:
    with pytest.raises(GitHubError) as raised:
        client(standin, token="ghp_wrongWrongWrong").check_access()
    assert "rejected the token from GITHUB_TOKEN" in str(raised.value)
    assert "ghp_wrong" not in str(raised.value)
    assert "ghp_wrong" not in repr(Token("ghp_wrongWrongWrong", "GITHUB_TOKEN"))


def test_a_plain_403_is_a_permission_problem(standin: GitHubStandIn) -> None:
    standin.fail(
        "GET", rf"^{REPO}$", 403, body={"message": "Resource not accessible by integration"}
    )
    with pytest.raises(GitHubError, match="may not read the repository.*contents: write"):
        client(standin).check_access()


def test_an_unknown_repository_says_which_and_why(standin: GitHubStandIn) -> None:
    github = GitHub(
        GitHubAddress("acme", "nope", "https://github.com", standin.url),
        Token(standin.token, "GH_TOKEN"),
    )
    with pytest.raises(
        GitHubError, match="no repository acme/nope, or the token from GH_TOKEN cannot see it"
    ):
        github.check_access()


def test_an_immutable_release_takes_a_new_title_and_notes_but_is_never_deleted(
    standin: GitHubStandIn,
) -> None:
    standin.immutable = True
    standin.add_release("v1.0.0")
    github = client(standin)
    release = github.list_releases()[0]

    marked = github.update_release(release, name="Release v1.0.0 (not published)", body="gone")
    with pytest.raises(GitHubError, match="refused to delete the release of v1.0.0"):
        github.delete_release(marked)

    assert (marked.name, marked.body, marked.immutable) == (
        "Release v1.0.0 (not published)",
        "gone",
        True,
    )
    assert marked.published_at is not None
    patched = next(r for r in standin.requests if r.method == "PATCH")
    assert patched.body == {"name": "Release v1.0.0 (not published)", "body": "gone"}
    assert standin.release("v1.0.0") is not None
    assert standin.violations == []


def test_a_mutable_release_is_deleted_once_and_a_second_delete_is_fine(
    standin: GitHubStandIn,
) -> None:
    standin.add_release("v1.0.0")
    github = client(standin)
    release = github.list_releases()[0]

    github.delete_release(release)
    github.delete_release(release)  # gone already: 404, taken as done

    assert standin.releases == []
    assert [r.method for r in standin.requests].count("DELETE") == 2
