"""A release whose upload failed for good (the guide's "Failed Deployment After Release"):
status says what happened and the next step, `recover` marks the failed GitHub release and
prepares the next patch, and the fix is released and verified as usual. Real processes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conftest import github_environment
from support import widget_kit_files
from test_cut import cut, cut_publish

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject, Run

RUN_URL = "https://github.com/acme/widget-kit/actions/runs/"


def released_without_upload(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    index: LocalIndex,
    *,
    run: bool = True,
    settings: str = "",
) -> ReleaseProject:
    """widget-kit 0.9.1 tagged, pushed and released on GitHub, never uploaded; with `run`, its
    publish run failed."""
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n{settings}'
    project = make_project(files, tags=("v0.9.0",))
    prepared = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")
    assert prepared.code == 0, prepared.output
    released = cut(project, github)
    assert released.code == 0, released.output
    if run:
        commit = project.git("rev-parse", "v0.9.1^{commit}")
        github.add_run(commit, status="completed", conclusion="failure")
    return project


def status(project: ReleaseProject, github: GitHubStandIn, *args: str) -> Run:
    return project.poetry("release", "status", *args, extra_env=github_environment(github))


def recover(project: ReleaseProject, github: GitHubStandIn, *args: str) -> Run:
    return project.poetry(
        "release", "recover", "--no-checks", *args, extra_env=github_environment(github)
    )


def edits(github: GitHubStandIn) -> list[tuple[str, Any]]:
    """Every request that changed a release: its method and body."""
    return [(r.method, r.body) for r in github.requests if r.method in ("PATCH", "DELETE")]


def test_a_release_whose_upload_failed_for_good_is_recovered_by_the_next_patch(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released_without_upload(make_project, github, index)
    run_url = github.runs[0]["html_url"]
    patches_before = len(edits(github))

    said = status(project, github)
    state = status(project, github, "--json").json()

    assert said.code == 0, said.output
    assert f"publish: failed (the publish run 'Publish to PyPI' ended failure: {run_url})" in (
        said.stdout
    )
    assert "Next: poetry release recover" in said.stdout
    assert "prepares 0.9.2 to ship the fix" in said.stdout
    assert (state["next"], state["publish_failed"]) == ("recover", True)
    assert state["publish_failure"]["run_url"] == run_url
    assert state["publish_failure"]["fix_version"] == "0.9.2"
    checked = project.poetry(
        "release", "verify", "--index-url", index.url, extra_env=github_environment(github)
    )
    assert checked.code == 1
    assert f"failed: {run_url} (poetry release recover fixes it forward" in checked.output

    recovered = recover(project, github, "--json")

    assert recovered.code == 0, recovered.output
    payload = recovered.json()
    assert (payload["action"], payload["fix_version"], payload["run_url"]) == (
        "marked",
        "0.9.2",
        run_url,
    )
    failed = github.release("v0.9.1")
    assert failed is not None
    assert failed["name"] == "Release v0.9.1 (not published)"
    first, _, rest = failed["body"].partition("\n\n")
    assert first.startswith("**Not published to the package index.** widget-kit 0.9.1")
    assert run_url in first
    assert "The fix ships as 0.9.2" in first
    assert "A `widgets` module." in rest  # the notes as cut wrote them, kept
    assert [(method, sorted(body)) for method, body in edits(github)[patches_before:]] == [
        ("PATCH", ["body", "name"])  # title and notes only: never the tag, never deleted
    ]
    assert "v0.9.1" in project.remote_tags().splitlines()  # the failed tag stays
    assert 'version = "0.9.2"' in project.read("pyproject.toml")
    changelog = project.read("CHANGELOG.md")
    section = changelog.split("## [0.9.2]", 1)[1].split("## [0.9.1]", 1)[0]
    assert "Re-releases the changes of 0.9.1, which never reached the package index" in section
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.2"
    assert status(project, github, "--json").json()["next"] == "cut"
    again = recover(project, github, "0.9.1", "--json")
    assert again.code == 0, again.output
    assert (again.json()["action"], again.json()["prepared"]) == ("already marked", False)
    assert again.json()["fix_version"] == "0.9.2"
    assert len(edits(github)) == patches_before + 1  # nothing sent the second time

    published = cut_publish(project, github, index)

    assert published.code == 0, published.output
    assert (github.release("v0.9.2") or {}).get("draft") is False
    notes = (github.release("v0.9.2") or {})["body"]
    assert "Re-releases the changes of 0.9.1" in notes
    verified = project.poetry(
        "release", "verify", "--index-url", index.url, extra_env=github_environment(github)
    )
    assert verified.code == 0, verified.output
    assert status(project, github, "--json").json()["next"] == "done"
    assert github.violations == []


def test_a_dry_run_says_what_recover_would_do_and_changes_nothing(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released_without_upload(make_project, github, index)
    before, release = project.snapshot(), dict(github.release("v0.9.1") or {})

    result = recover(project, github, "--dry-run")

    assert result.code == 0, result.output
    assert "It would mark the GitHub release" in result.stdout
    assert "title: Release v0.9.1 (not published)" in result.stdout
    assert '+version = "0.9.2"' in result.stdout
    assert "+Re-releases the changes of 0.9.1" in result.stdout
    assert "Dry run: nothing was changed." in result.stdout
    assert project.snapshot() == before
    assert github.release("v0.9.1") == release


def test_recover_refuses_a_release_that_is_on_the_index(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    assert cut_publish(project, github, index).code == 0
    before = project.snapshot()

    result = recover(project, github, "--json")

    assert result.code == 1
    assert "0.9.1 is on the index" in result.output
    assert "nothing to recover" in result.output
    assert "Traceback" not in result.output
    assert result.json()["ok"] is False
    assert project.snapshot() == before
    assert edits(github) == [edits(github)[0]]  # only cut's own publishing of its draft


def test_recover_refuses_a_version_never_tagged(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0

    result = recover(project, github)

    assert result.code == 1
    assert "0.9.1 has no tag v0.9.1, here or on the remote" in result.output
    assert "poetry release recover X.Y.Z" in result.output


def test_an_immutable_release_is_never_deleted(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    github.immutable = github.admin = True
    project = released_without_upload(make_project, github, index)
    before = project.snapshot()
    requests = len(github.requests)

    refused = recover(project, github, "--delete")

    assert refused.code == 1
    assert "The GitHub release of v0.9.1 is immutable, so it is not deleted" in refused.output
    assert "run recover without --delete" in refused.output
    assert project.snapshot() == before
    assert [r.method for r in github.requests[requests:]].count("GET") == len(
        github.requests[requests:]
    )

    marked = recover(project, github)

    assert marked.code == 0, marked.output
    release = github.release("v0.9.1")
    assert release is not None
    assert (release["immutable"], release["name"]) == (True, "Release v0.9.1 (not published)")


def test_delete_removes_a_mutable_failed_release_and_keeps_its_tag(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released_without_upload(make_project, github, index, run=False)
    release = github.release("v0.9.1")
    assert release is not None
    release["published_at"] = "2026-01-02T03:04:05Z"  # long ago: no run will start now
    project.write("widget_kit/widgets.py", "TOKEN_NAME = 'PUBLISH_TOKEN'\n")
    project.commit_all("fix: the publish token's name")

    said = status(project, github)
    result = recover(project, github, "--delete", "--json")

    assert "publish: failed (no publish run started)" in said.stdout
    assert result.code == 0, result.output
    assert (result.json()["action"], result.json()["reason"]) == (
        "deleted",
        "no publish run started",
    )
    assert github.release("v0.9.1") is None
    assert "v0.9.1" in project.remote_tags().splitlines()
    assert 'version = "0.9.2"' in project.read("pyproject.toml")
    section = project.read("CHANGELOG.md").split("## [0.9.2]", 1)[1].split("## [0.9.1]", 1)[0]
    assert "Re-releases the changes of 0.9.1, which never reached" in section
    fixed = "### Fixed\n\n- the publish token's name"  # committed since the failed tag
    assert fixed in section


def test_a_release_just_published_without_a_run_yet_is_left_to_verify(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released_without_upload(make_project, github, index, run=False)

    state = status(project, github, "--json").json()

    assert (state["next"], state["publish_failed"], state["publish_failure"]) == (
        "verify",
        False,
        None,
    )


def test_when_marking_fails_nothing_is_written(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released_without_upload(make_project, github, index)
    before = project.snapshot()
    github.fail(
        "PATCH",
        r"/releases/\d+$",
        403,
        body={"message": "Resource not accessible by integration", "documentation_url": "x"},
    )

    result = recover(project, github)

    assert result.code == 1
    assert "may not update the release of v0.9.1" in result.output
    assert "Traceback" not in result.output
    assert project.snapshot() == before
    again = recover(project, github)
    assert again.code == 0, again.output


def test_a_failing_check_after_marking_puts_the_files_back_and_says_how_to_finish(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = released_without_upload(make_project, github, index, settings='checks = ["false"]\n')
    before = project.snapshot()

    failed = project.poetry("release", "recover", extra_env=github_environment(github))

    assert failed.code == 1
    assert "the GitHub release of v0.9.1 was marked as not published already" in failed.output
    assert "run poetry release recover 0.9.1 (it prepares 0.9.2)" in failed.output
    assert project.snapshot() == before
    assert (github.release("v0.9.1") or {})["name"] == "Release v0.9.1 (not published)"

    finished = recover(project, github, "--json")

    assert finished.code == 0, finished.output
    assert (finished.json()["action"], finished.json()["fix_version"]) == (
        "already marked",
        "0.9.2",
    )
    assert 'version = "0.9.2"' in project.read("pyproject.toml")


def test_a_hotfix_of_an_older_line_is_released_from_its_branch_without_becoming_latest(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += (
        f'\n[tool.poetry-release]\nindex-url = "{index.url}"\nbranch = ["main", "hotfix/*"]\n'
    )
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "minor", "--offline", "--no-checks").code == 0
    assert cut(project, github).code == 0  # main is at 0.10.0
    project.git("switch", "--quiet", "-c", "hotfix/0.9.x", "v0.9.0")
    project.write("widget_kit/widgets.py", "CRASHES = False\n")
    project.commit_all("fix: the crash in widgets")

    state = status(project, github, "--json").json()
    prepared = project.poetry("release", "prepare", "patch", "--no-checks")
    released = cut(project, github)

    assert (state["last_tag"], state["commits_since"], state["blocked"]) == ("v0.9.0", 1, None)
    assert prepared.code == 0, prepared.output
    assert released.code == 0, released.output
    assert project.git("rev-parse", "hotfix/0.9.x", cwd=project.remote) == project.git(
        "rev-parse", "HEAD"
    )
    assert "v0.9.1" in project.remote_tags().splitlines()
    posted = [r.body for r in github.requests if r.method == "POST"]
    assert [(body["tag_name"], body["make_latest"]) for body in posted] == [
        ("v0.10.0", "true"),
        ("v0.9.1", "false"),
    ]
    assert status(project, github, "--json").json()["next"] == "verify"
