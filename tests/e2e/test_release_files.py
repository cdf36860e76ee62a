"""The GitHub release carries the very files uploaded to the index, attached while it is a
draft (GitHub's stand-in in immutable mode locks a published release, as GitHub does), resumed
without duplicates, never edited once locked, and checked by verify against the index."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from conftest import github_environment
from support import widget_kit_files
from test_cut import cut, cut_publish, prepared

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject, Run

WHEEL, SDIST = "widget_kit-0.9.1-py3-none-any.whl", "widget_kit-0.9.1.tar.gz"
UPLOADS = "/uploads/repos/acme/widget-kit/releases/"


def on_index(index: LocalIndex) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in index.packages.iterdir()
    }


def verify(project: ReleaseProject, github: GitHubStandIn, index: LocalIndex) -> Run:
    return project.poetry(
        "release",
        "verify",
        "--index-url",
        index.url,
        "--json",
        extra_env=github_environment(github),
    )


def writes(github: GitHubStandIn) -> list[str]:
    """What changed GitHub, in order: a release made or edited, an asset sent or deleted."""
    shown = []
    for request in github.requests:
        if request.path.startswith(UPLOADS):
            shown.append(f"upload {request.query.split('name=')[1]}")
        elif request.method == "DELETE":
            shown.append("delete asset")
        elif request.method in ("POST", "PATCH"):
            shown.append(f"{request.method} draft={request.body.get('draft')}")
    return shown


def test_an_immutable_release_gets_its_files_while_a_draft_then_is_published(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = github.admin = True
    project = prepared(make_project)

    result = cut_publish(project, github, index)

    assert result.code == 0, result.output
    assert writes(github) == [
        "POST draft=True",
        f"upload {WHEEL}",
        f"upload {SDIST}",
        "upload SHA256SUMS",
        "PATCH draft=False",
    ]
    release = github.releases[0]
    assert (release["draft"], release["immutable"]) == (False, True)
    digests = on_index(index)
    assets = {a["name"]: a["digest"] for a in release["assets"]}
    assert assets.pop("SHA256SUMS")
    assert assets == {name: f"sha256:{digest}" for name, digest in digests.items()}
    sums = github.blobs[next(a["id"] for a in release["assets"] if a["name"] == "SHA256SUMS")]
    assert sums.decode() == "".join(f"{digests[n]}  {n}\n" for n in sorted(digests))
    checked = verify(project, github, index)
    assert checked.code == 0, checked.output
    rows = {row["name"]: row for row in checked.json()["checks"]}
    assert rows["assets"]["ok"] is True
    assert github.violations == []


def test_an_attach_that_broke_resumes_to_exactly_the_set(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = True  # and the token cannot tell: the release must stay a draft
    github.broken_uploads.append("SHA256SUMS")  # a 502 that leaves an empty `starter` asset
    project = prepared(make_project)

    broken = cut_publish(project, github, index)

    assert broken.code == 1
    assert "stays a draft" in broken.output
    assert github.releases[0]["draft"] is True
    states = {a["name"]: a["state"] for a in github.releases[0]["assets"]}
    assert states == {WHEEL: "uploaded", SDIST: "uploaded", "SHA256SUMS": "starter"}
    before = len(github.requests)

    resumed = cut_publish(project, github, index)

    assert resumed.code == 0, resumed.output
    later = writes(github)[len(writes(github)) - 3 :]
    assert later == ["delete asset", "upload SHA256SUMS", "PATCH draft=False"]
    assert not any(
        r.path.startswith(UPLOADS) and "widget_kit" in r.query for r in github.requests[before:]
    )
    release = github.releases[0]
    assert sorted(a["name"] for a in release["assets"]) == sorted([WHEEL, SDIST, "SHA256SUMS"])
    assert {a["state"] for a in release["assets"]} == {"uploaded"}
    assert release["draft"] is False


def test_a_published_immutable_release_is_never_edited(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = github.admin = True
    project = prepared(make_project)
    assert cut(project, github).code == 0  # published at once, with no files: locked
    before = len(github.requests)

    result = cut_publish(project, github, index)

    assert result.code == 0, result.output
    assert "can never be attached" in result.output
    assert sorted(on_index(index)) == [WHEEL, SDIST]  # the index got the release all the same
    assert [r for r in github.requests[before:] if r.method in ("POST", "PATCH", "DELETE")] == []
    checked = verify(project, github, index)
    assert checked.code == 1
    rows = {row["name"]: row for row in checked.json()["checks"]}
    assert f"{WHEEL} is not attached" in rows["assets"]["detail"]


def test_verify_finds_a_swapped_asset_and_a_missing_one(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)
    assert cut_publish(project, github, index).code == 0
    release = github.releases[0]
    release["assets"] = [a for a in release["assets"] if a["name"] != SDIST]
    github.swap_asset("v0.9.1", WHEEL, b"PK not the wheel on the index")

    result = verify(project, github, index)

    assert result.code == 1
    detail = {row["name"]: row for row in result.json()["checks"]}["assets"]["detail"]
    assert f"{SDIST} is not attached" in detail
    swapped = hashlib.sha256(b"PK not the wheel on the index").hexdigest()
    assert f"{WHEEL} differs from the index's: sha256 {swapped} attached" in detail
    assert on_index(index)[WHEEL] in detail


def test_verify_downloads_an_asset_github_gives_no_digest_for(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.digests = False  # assets uploaded before GitHub computed digests
    project = prepared(make_project)
    assert cut_publish(project, github, index).code == 0

    result = verify(project, github, index)

    assert result.code == 0, result.output
    downloads = [r for r in github.requests if r.path.startswith("/download/")]
    assert len(downloads) == 3  # wheel, sdist and SHA256SUMS, fetched without the token
    assert all(r.authorization is None for r in downloads)


def test_an_upload_url_on_another_host_gets_no_token(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.upload_origin = "http://127.0.0.2:9"  # neither GitHub's uploads host nor the API's
    project = prepared(make_project)

    result = cut_publish(project, github, index)

    assert result.code == 1
    assert "http://127.0.0.2:9/uploads/repos/acme/widget-kit/releases/" in result.output
    assert "the token was not sent there" in result.output
    assert github.token not in result.output
    assert github.releases[0]["draft"] is True


ON_THE_TAG = """\
on:
  push:
    tags:
      - "v*"
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: poetry release cut --publish
"""


def test_cut_leaves_a_draft_for_the_workflow_on_the_tag_and_status_shows_its_run(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = github.admin = True
    files = {**widget_kit_files(), ".github/workflows/release.yml": ON_THE_TAG}
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    result = cut(project, github)

    assert result.code == 0, result.output
    assert github.releases[0]["draft"] is True
    assert "stays a draft until .github/workflows/release.yml runs on the tag" in result.output
    github.add_run(
        project.git("rev-parse", "v0.9.1^{commit}"),
        status="in_progress",
        conclusion=None,
        event="push",
    )
    status = project.poetry(
        "release",
        "status",
        "--json",
        "--index-url",
        index.url,
        extra_env=github_environment(github),
    )
    assert status.code == 0, status.output
    assert "draft (.github/workflows/release.yml on the tag publishes it)" in status.output
    assert "run Publish to PyPI: in_progress https://github.com/acme/widget-kit/actions/runs/" in (
        status.output
    )
    payload = status.json()
    assert payload["github_immutable"] is True
    assert payload["github_finished_by"] == ".github/workflows/release.yml"
    assert [run["status"] for run in payload["github_runs"]] == ["in_progress"]


def test_a_resume_attaches_the_index_bytes_not_a_build_that_differs(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = github.admin = True
    github.fail("POST", r"/uploads/", 500)  # the first attach fails: a draft, files on the index
    project = prepared(make_project)
    assert cut_publish(project, github, index).code == 1
    uploaded = on_index(index)

    resumed = project.poetry(  # another machine's build: other timestamps, other bytes
        "release",
        "cut",
        "--publish",
        "-r",
        "demo",
        extra_env={
            **github_environment(github),
            **index.poetry_environment("demo"),
            "SOURCE_DATE_EPOCH": "1700000000",
        },
    )

    assert resumed.code == 0, resumed.output
    assets = {a["name"]: a["digest"] for a in github.releases[0]["assets"]}
    assert {assets[name] for name in uploaded} == {f"sha256:{d}" for d in uploaded.values()}
    assert verify(project, github, index).code == 0


def test_a_token_that_may_not_read_the_setting_is_not_a_failure(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.fail(
        "GET",
        r"/immutable-releases$",
        403,
        body={"message": "Resource not accessible by integration", "status": "403"},
    )
    project = prepared(make_project)

    result = cut_publish(project, github, index)

    assert result.code == 0, result.output
    assert sorted(github.asset_names("v0.9.1")) == sorted([WHEEL, SDIST, "SHA256SUMS"])


def test_plain_cut_never_publishes_a_draft_without_the_files_the_index_has(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = True
    github.broken_uploads.append(WHEEL)
    project = prepared(make_project)
    assert cut_publish(project, github, index).code == 1  # a draft; the index has the files

    status = project.poetry(
        "release", "status", "--index-url", index.url, extra_env=github_environment(github)
    )
    plain = cut(project, github)

    assert "cut --publish attaches them" in status.output
    assert plain.code == 1
    assert "lacks the files the index has" in plain.output
    assert github.releases[0]["draft"] is True
    assert cut_publish(project, github, index).code == 0
    assert sorted(github.asset_names("v0.9.1")) == sorted([WHEEL, SDIST, "SHA256SUMS"])


def test_a_workflow_for_other_tags_does_not_keep_the_release_a_draft(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    files = {
        **widget_kit_files(),
        ".github/workflows/cli.yml": ON_THE_TAG.replace('"v*"', '"cli-v*"'),
        ".github/workflows/docs.yml": ON_THE_TAG.replace(
            "run: poetry release cut --publish", "run: make docs  # poetry release cut --publish"
        ),
    }
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    result = cut(project, github)

    assert result.code == 0, result.output
    assert github.releases[0]["draft"] is False
