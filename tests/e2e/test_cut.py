"""`poetry release cut`: tag, atomic push, the GitHub release and the upload, resumable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import INDEX_PASSWORD, github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject, Run


def prepared(make_project: ProjectFactory, version_rule: str = "patch") -> ReleaseProject:
    project = make_project(widget_kit_files(), tags=("v0.9.0",))
    result = project.poetry("release", "prepare", version_rule, "--offline", "--no-checks")
    assert result.code == 0, result.output
    return project


def cut(project: ReleaseProject, github: GitHubStandIn, *args: str, **extra: str) -> Run:
    return project.poetry(
        "release", "cut", *args, extra_env={**github_environment(github), **extra}
    )


def cut_publish(
    project: ReleaseProject, github: GitHubStandIn, index: LocalIndex, *args: str
) -> Run:
    """`cut --publish -r demo` to the local index (with its credentials)."""
    return project.poetry(
        "release",
        "cut",
        "--publish",
        "-r",
        "demo",
        *args,
        extra_env={**github_environment(github), **index.poetry_environment("demo")},
    )


def test_cut_tags_pushes_and_creates_one_release(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    head = project.git("rev-parse", "HEAD")

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert project.git("cat-file", "-t", "v0.9.1") == "tag"  # annotated
    assert project.git("tag", "-l", "--format=%(contents:subject)", "v0.9.1") == "Release v0.9.1"
    assert project.git("rev-parse", "v0.9.1^{commit}") == head
    assert project.git("rev-parse", "main", cwd=project.remote) == head
    assert "v0.9.1" in project.remote_tags().splitlines()
    assert len(github.releases) == 1
    release = github.releases[0]
    assert (release["tag_name"], release["name"]) == ("v0.9.1", "Release v0.9.1")
    assert (release["draft"], release["prerelease"]) == (False, False)
    notes = project.poetry("release", "notes", extra_env=github_environment(github)).stdout
    assert release["body"] == notes
    assert "### Added\n\n- A `widgets` module." in release["body"]
    assert "pip install widget-kit==0.9.1" in release["body"]
    posted = [r.body for r in github.requests if r.method == "POST"]
    assert posted[0]["make_latest"] == "true"
    assert github.violations == []


def test_cut_again_does_nothing_new(make_project: ProjectFactory, github: GitHubStandIn) -> None:
    project = prepared(make_project)
    assert project.poetry("release", "cut", extra_env=github_environment(github)).code == 0
    before = (project.git("show-ref", "--tags"), project.remote_tags(), len(github.releases))

    again = project.poetry("release", "cut", "--json", extra_env=github_environment(github))

    assert again.code == 0, again.output
    assert [step["result"] for step in again.json()["steps"]] == ["already done"] * 3
    assert (
        project.git("show-ref", "--tags"),
        project.remote_tags(),
        len(github.releases),
    ) == before
    assert [r.method for r in github.requests].count("POST") == 1


def test_a_pre_release_is_marked_as_one(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project, "1.0.0rc1")

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert github.releases[0]["prerelease"] is True
    assert next(r.body for r in github.requests if r.method == "POST")["make_latest"] == "false"


@pytest.mark.faults
def test_github_502_fails_after_retries_and_the_next_cut_finishes(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    github.fail("POST", r"/releases$", 502, times=10, body={"message": "Server Error"})

    failed = project.poetry("release", "cut", extra_env=github_environment(github))

    assert failed.code == 1, failed.output
    assert "did not answer" in failed.output
    assert "HTTP 502" in failed.output
    assert "Traceback" not in failed.output
    assert "v0.9.1" in project.remote_tags().splitlines()  # the push happened before
    assert github.releases == []
    github.faults.clear()

    resumed = project.poetry("release", "cut", extra_env=github_environment(github))

    assert resumed.code == 0, resumed.output
    assert len(github.releases) == 1
    assert "tag: already done" in resumed.output
    assert "push: already done" in resumed.output


@pytest.mark.faults
def test_a_rejected_token_stops_cut_before_the_tag(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    bad_token = "ghp_rejectedTokenValue987654321"

    result = cut(project, github, GITHUB_TOKEN=bad_token)

    assert result.code == 1
    assert "rejected the token from GITHUB_TOKEN" in result.output
    assert bad_token not in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert "v0.9.1" not in project.remote_tags()


def test_no_token_at_all_says_how_to_provide_one(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    env = github_environment(github)
    del env["GITHUB_TOKEN"]

    result = project.poetry("release", "cut", extra_env={**env, "PATH": "/usr/bin:/bin"})

    assert result.code == 1
    assert "No GitHub token" in result.output
    assert "export GITHUB_TOKEN" in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""


@pytest.mark.faults
def test_a_moved_remote_branch_rejects_the_atomic_push_and_leaves_no_tag(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    clone = project.root.parent / "colleague"
    project.git("clone", "--quiet", str(project.remote), str(clone))
    (clone / "NOTES.md").write_text("meanwhile\n")
    project.git("add", "NOTES.md", cwd=clone)
    project.git("commit", "--quiet", "--message", "docs: meanwhile", cwd=clone)
    project.git("push", "--quiet", "origin", "main", cwd=clone)

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert "refused the push" in result.output
    assert "v0.9.1" not in project.remote_tags()
    assert project.git("tag", "--list", "v0.9.1") == ""  # the tag this run made is undone
    assert github.releases == []


def test_a_commit_that_is_no_prepared_release_is_refused(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    assert project.poetry("release", "cut", extra_env=github_environment(github)).code == 0
    project.write("NOTES.md", "later work\n")
    project.commit_all("docs: later work")

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 1
    assert "0.9.1 is released already (tag v0.9.1 is on" in result.output
    assert "run poetry release prepare" in result.output


def test_dry_run_says_what_it_would_do_and_does_nothing(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)

    result = project.poetry("release", "cut", "--dry-run", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert "would run" in result.output
    assert "git push --atomic origin main v0.9.1" in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert github.releases == []


def test_publish_uploads_through_poetry_without_printing_the_password(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)

    result = cut_publish(project, github, index, "-vvv")

    assert result.code == 0, result.output
    assert sorted(path.name for path in index.packages.iterdir()) == [
        "widget_kit-0.9.1-py3-none-any.whl",
        "widget_kit-0.9.1.tar.gz",
    ]
    assert INDEX_PASSWORD not in result.output
    assert github.token not in result.output

    again = cut_publish(project, github, index)
    assert again.code == 0, again.output
    assert "File exists" in again.output


def test_publish_to_a_repository_poetry_does_not_know_is_refused_first(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)

    result = project.poetry(
        "release", "cut", "--publish", "-r", "nowhere", extra_env=github_environment(github)
    )

    assert result.code == 1
    assert "Poetry has no repository named nowhere" in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""


@pytest.mark.faults
@pytest.mark.parametrize("reset_in", [2])
def test_a_rate_limit_is_waited_out(
    make_project: ProjectFactory, github: GitHubStandIn, reset_in: int
) -> None:
    project = prepared(make_project)
    github.rate_limit("POST", r"/releases$", reset_in=reset_in)

    result = project.poetry("release", "cut", extra_env=github_environment(github))

    assert result.code == 0, result.output
    assert len(github.releases) == 1
    posts = [r for r in github.requests if r.method == "POST" and r.path.endswith("/releases")]
    assert len(posts) == 2  # refused once, then asked again only once the limit was reset
    assert posts[1].received_at >= github.resets[0]


def test_a_version_set_below_the_newest_release_tag_is_neither_cut_nor_called_cuttable(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    files = widget_kit_files()
    project = make_project(files, tags=("v0.1.5",))  # released 0.1.5; the files say 0.9.0
    for path in ("pyproject.toml", "widget_kit/__init__.py"):
        project.write(path, files[path].replace("0.9.0", "0.0.9"))
    project.commit_all("chore: bump version to 0.0.9")
    project.git("push", "--quiet", "origin", "main")

    status = project.poetry("release", "status", "--json", extra_env=github_environment(github))
    result = cut(project, github)

    assert status.json()["next"] == "prepare", status.output
    assert result.code == 1
    assert "0.0.9 is not above v0.1.5" in result.output
    assert "v0.0.9" not in project.git("tag", "--list").splitlines()
    assert "v0.0.9" not in project.remote_tags().splitlines()
    assert github.releases == []


def test_prepare_refuses_a_version_tagged_in_another_format_on_the_remote(
    make_project: ProjectFactory,
) -> None:
    project = make_project(widget_kit_files(), tags=("0.9.0",))  # `{version}` tags
    other = project.clone(project.root.parent / "other")
    other.git("tag", "v0.9.1")  # someone released 0.9.1 by hand, in another format
    other.git("push", "--quiet", "origin", "v0.9.1")
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--no-checks")

    assert result.code == 1
    assert "Tag v0.9.1 already exists on the remote origin" in result.output
    assert project.snapshot() == before


def test_a_backport_on_a_release_branch_is_not_made_the_latest_release(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nbranch = ["main", "0.*"]\n'
    project = make_project(files, tags=("v0.9.0",))
    project.git("branch", "0.9")  # the maintenance line of 0.9, from v0.9.0
    project.write("widget_kit/gears.py", "GEARS = 2\n")
    project.commit_all("feat: gears")
    project.git("tag", "v0.10.0")  # 0.10.0 released from main
    project.git("push", "--quiet", "origin", "main", "v0.10.0")
    project.git("checkout", "--quiet", "0.9")
    project.write("widget_kit/fix.py", "FIXED = True\n")
    project.commit_all("fix: the backported fix")
    project.git("push", "--quiet", "--set-upstream", "origin", "0.9")
    prepared = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")
    assert prepared.code == 0, prepared.output

    result = cut(project, github)

    assert result.code == 0, result.output
    assert project.git("rev-parse", "v0.9.1^{commit}") == project.git("rev-parse", "HEAD")
    posted = [r.body for r in github.requests if r.method == "POST"]
    assert [(body["tag_name"], body["make_latest"]) for body in posted] == [("v0.9.1", "false")]
    assert github.violations == []


def test_one_cut_asks_github_each_question_once(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = prepared(make_project)

    result = cut_publish(project, github, index)

    assert result.code == 0, result.output
    asked = [(r.method, r.path) for r in github.requests]
    releases = "/repos/acme/widget-kit/releases"
    release_id = github.releases[0]["id"]
    assert sorted(asked) == sorted(
        [
            ("GET", "/repos/acme/widget-kit"),  # the token may write
            ("GET", releases),  # is 0.9.1 (in any spelling) released there already
            ("GET", "/repos/acme/widget-kit/immutable-releases"),  # are releases locked
            ("POST", releases),  # the draft
            ("GET", f"{releases}/{release_id}/assets"),  # what it carries already
            *[("POST", f"/uploads{releases}/{release_id}/assets")] * 3,  # wheel, sdist, sums
            ("PATCH", f"{releases}/{release_id}"),  # published after the upload
        ]
    )
    assert github.violations == []
