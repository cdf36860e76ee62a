"""Bad input, broken servers and secrets: one clear message, non-zero exit, nothing changed.

Each row of the README's troubleshooting table has a test here (or in test_prepare.py for the
configuration rows).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from conftest import INDEX_PASSWORD, github_environment
from github_standin import GitHubStandIn, Server
from support import ServedApp, closed_port, widget_kit_files
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from support import ReleaseProject

SECRET_TOKEN = "ghp_SECRETtokenVALUE0123456789zz"

pytestmark = pytest.mark.faults


def broken_index(mode: str) -> Any:
    """An index that answers 500, garbage, or redirects to itself forever."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if mode == "500":
            response = Response("Internal Server Error", status=500)
        elif mode == "garbage":
            response = Response(
                "\x00\x01 definitely not a page", content_type="application/octet-stream"
            )
        else:
            response = Response("", status=302, headers={"Location": environ["PATH_INFO"]})
        return response(environ, start_response)

    return app


def project_with_index(make_project: ProjectFactory, index_url: str) -> ReleaseProject:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index_url}"\n'
    return make_project(files, tags=("v0.9.0",))


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("500", "HTTP 500"), ("garbage", "not a Simple API"), ("redirect", "too many redirects")],
)
def test_a_broken_index_is_a_warning_for_prepare_and_a_failure_for_verify(
    make_project: ProjectFactory, mode: str, reason: str
) -> None:
    with ServedApp(broken_index(mode)) as server:
        project = project_with_index(make_project, f"{server.url}/simple/")
        prepared = project.poetry("release", "prepare", "patch", "--no-checks", "--dry-run")
        verified = project.poetry("release", "verify", "--timeout", "2", "--no-github")

    assert prepared.code == 0, prepared.output
    assert "Warning" in prepared.output
    assert reason in prepared.output
    assert verified.code == 1
    assert reason in verified.output
    assert "Traceback" not in prepared.output + verified.output


def test_not_a_git_repository(tmp_path: Any, environment: dict[str, str]) -> None:
    from support import POETRY, run

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1.0.0"\n')
    result = run([POETRY, "release", "prepare", "patch", "--no-checks"], tmp_path, environment, 60)

    assert result.code == 1
    assert "is not inside a git work tree" in result.output
    assert "git init" in result.output


def test_unparseable_pyproject(make_project: ProjectFactory) -> None:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    project.write("pyproject.toml", '[project\nname = "x"\n')
    project.commit_all("break it")

    result = project.poetry("release", "prepare", "patch", "--no-checks")

    assert result.code == 1
    assert "pyproject.toml" in result.output
    assert "Traceback" not in result.output


def test_no_remote_configured(make_project: ProjectFactory, local_index: LocalIndex) -> None:
    project = project_with_index(make_project, local_index.url)
    project.git("remote", "remove", "origin")
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--no-checks")

    assert result.code == 1
    assert "The remote origin is not configured" in result.output
    assert "--offline" in result.output
    assert project.snapshot() == before


def test_a_remote_that_is_no_github_repository(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    project = project_with_index(make_project, local_index.url)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0

    result = project.poetry("release", "cut", extra_env={"GITHUB_TOKEN": SECRET_TOKEN})

    assert result.code == 1
    assert "Cannot tell the GitHub repository from the remote origin" in result.output
    assert "github-repository" in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"status": 404, "body": {"message": "Not Found"}}, "no repository acme/widget-kit"),
        ({"status": 403, "body": {"message": "Resource not accessible"}}, "contents: write"),
        (
            {
                "status": 403,
                "headers": {
                    "x-ratelimit-remaining": "0",
                    "x-ratelimit-reset": str(int(time.time()) + 3600),
                },
                "body": {"message": "API rate limit exceeded"},
            },
            "rate limit",
        ),
        ({"status": 200, "body": b"<html>a proxy login page</html>"}, "not JSON"),
    ],
)
def test_github_refusals_stop_cut_before_the_tag(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    local_index: LocalIndex,
    fault: dict[str, Any],
    message: str,
) -> None:
    project = project_with_index(make_project, local_index.url)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0
    github.fail("GET", r"^/repos/acme/widget-kit$", times=10, **fault)

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert message in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert "Traceback" not in result.output


def test_a_validation_422_on_create_is_reported(
    make_project: ProjectFactory, github: GitHubStandIn, local_index: LocalIndex
) -> None:
    project = project_with_index(make_project, local_index.url)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0
    github.fail(
        "POST",
        r"/releases$",
        422,
        body={
            "message": "Validation Failed",
            "documentation_url": "https://docs.github.com/rest",
            "errors": [{"resource": "Release", "code": "custom", "field": "tag_name"}],
        },
    )

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert "HTTP 422" in result.output
    assert "Validation Failed" in result.output


def test_github_on_a_closed_port_fails_in_time_without_tagging_or_leaking(
    make_project: ProjectFactory, local_index: LocalIndex
) -> None:
    project = project_with_index(make_project, local_index.url)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0

    with closed_port() as port:
        env = {
            "GITHUB_API_URL": f"http://127.0.0.1:{port}",
            "GITHUB_REPOSITORY": "acme/widget-kit",
            "GITHUB_TOKEN": SECRET_TOKEN,
        }
        result = project.poetry("release", "cut", "-vvv", extra_env=env, timeout=120)

    assert result.code == 1
    assert "did not answer" in result.output
    assert SECRET_TOKEN not in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert "v0.9.1" not in project.remote_tags()


def test_a_token_with_whitespace_and_newline_still_works(
    make_project: ProjectFactory, github: GitHubStandIn, local_index: LocalIndex
) -> None:
    project = project_with_index(make_project, local_index.url)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0
    env = {**github_environment(github), "GITHUB_TOKEN": f"  {github.token}\n"}

    result = project.poetry("release", "cut", extra_env=env)

    assert result.code == 0, result.output
    assert len(github.releases) == 1


def test_the_token_is_not_sent_on_a_redirect_to_another_host(
    make_project: ProjectFactory, github: GitHubStandIn, local_index: LocalIndex
) -> None:
    project = project_with_index(make_project, local_index.url)
    assert project.poetry("release", "prepare", "patch", "--no-checks").code == 0
    with Server(GitHubStandIn(token="ghp_otherHostToken")) as elsewhere:
        github.fail(
            "GET",
            r"^/repos/acme/widget-kit$",
            301,
            headers={"Location": f"{elsewhere.url}/repos/acme/widget-kit"},
            body={"message": "Moved Permanently"},
        )

        result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert "redirect" in result.output
    assert elsewhere.requests == []


def test_no_command_prints_a_secret_at_any_verbosity(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = project_with_index(make_project, index.url)
    github.token = SECRET_TOKEN
    env = {**github_environment(github), **index.poetry_environment("demo")}
    outputs = []
    outputs.append(
        project.poetry("release", "prepare", "patch", "--no-checks", "-vvv", extra_env=env)
    )
    github.fail("POST", r"/releases$", 500, times=10)
    outputs.append(
        project.poetry("release", "cut", "--publish", "-r", "demo", "-vvv", extra_env=env)
    )
    github.faults.clear()
    outputs.append(
        project.poetry("release", "cut", "--publish", "-r", "demo", "-vvv", extra_env=env)
    )
    outputs.append(
        project.poetry("release", "verify", "--install", "--timeout", "30", "-vvv", extra_env=env)
    )
    outputs.append(project.poetry("release", "status", "-vvv", extra_env=env))
    outputs.append(project.poetry("release", "notes", "-vvv", extra_env=env))
    bad = {
        **env,
        "GITHUB_TOKEN": SECRET_TOKEN[::-1],
        "POETRY_HTTP_BASIC_DEMO_PASSWORD": INDEX_PASSWORD[::-1],
    }
    outputs.append(project.poetry("release", "verify", "--timeout", "2", "-vvv", extra_env=bad))

    assert [run.code for run in outputs] == [0, 1, 0, 0, 0, 0, 1], [
        run.output[-500:] for run in outputs
    ]
    for run in outputs:
        for secret in (SECRET_TOKEN, INDEX_PASSWORD, SECRET_TOKEN[::-1], INDEX_PASSWORD[::-1]):
            assert secret not in run.output
