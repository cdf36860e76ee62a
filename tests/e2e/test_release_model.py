"""Where a release stands, through the real tools: a prepared version is prepared again (never
skipped), a version released under another spelling is refused, and the release branch is the
remote's default branch when none is configured."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import CHANGELOG, GIT, POETRY, run, widget_kit_files

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

NO_CHECKS = ("--offline", "--no-checks")


def widget_kit(make_project: ProjectFactory, changelog: str = CHANGELOG) -> ReleaseProject:
    return make_project(widget_kit_files(changelog), tags=("v0.9.0",))


def test_a_prepared_version_with_a_commit_after_it_is_prepared_again_not_skipped(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = widget_kit(make_project)
    first = project.poetry("release", "prepare", "patch", *NO_CHECKS)
    assert first.code == 0, first.output
    prepared_at = project.git("rev-parse", "HEAD")
    project.write("docs/usage.md", "How to use widgets.\n")
    project.commit_all("docs: how to use widgets")

    status = project.poetry("release", "status", "--offline", "--json")
    again = project.poetry("release", "prepare", *NO_CHECKS, "--json")
    cut = project.poetry("release", "cut", "--dry-run", extra_env=github_environment(github))

    assert status.code == 0, status.output
    assert status.json()["next"] == "prepare"
    assert status.json()["prepared"] == {
        "version": "0.9.1",
        "commit": prepared_at,
        "commits_since": 1,
    }
    assert (
        f"0.9.1 prepared at {prepared_at[:10]} (chore: bump version to 0.9.1), 1 commit(s) "
        "since: run prepare to fold them into 0.9.1, or cut refuses"
    ) in status.stderr
    assert again.code == 0, again.output
    assert (again.json()["version"], again.json()["previous_version"]) == ("0.9.1", "0.9.1")
    assert "0.9.1 was prepared and not cut" in again.stderr
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"
    assert project.git("rev-parse", "HEAD~1") != prepared_at  # a new commit, nothing amended
    changelog = project.read("CHANGELOG.md")
    today = datetime.date.today().isoformat()
    assert changelog.count("## [0.9.1]") == 1
    assert f"## [0.9.1] - {today}\n\n### Added\n\n- A `widgets` module.\n" in changelog
    assert changelog.count("[0.9.1]: ") == 1
    assert '__version__ = "0.9.1"' in project.read("widget_kit/__init__.py")
    assert cut.code == 0, cut.output
    assert "annotated tag v0.9.1" in cut.output  # on HEAD: the new release commit
    assert "v0.9.2" not in project.git("tag", "--list")


def test_a_prepared_version_without_a_changelog_gets_an_empty_release_commit_again(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    del files["CHANGELOG.md"]
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", *NO_CHECKS).code == 0
    project.write("docs/usage.md", "How to use widgets.\n")
    project.commit_all("fix: how widgets are counted")

    again = project.poetry("release", "prepare", *NO_CHECKS)
    status = project.poetry("release", "status", "--offline", "--json")

    assert again.code == 0, again.output
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"
    assert project.head_files() == []  # empty: the version is the same
    assert status.json()["next"] == "cut"


def test_a_prepared_version_with_nothing_after_it_is_cut_not_prepared_again(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    assert project.poetry("release", "prepare", "patch", *NO_CHECKS).code == 0
    head = project.git("rev-parse", "HEAD")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 1
    assert "0.9.1 is prepared at" in again.stderr
    assert "run poetry release cut" in again.stderr
    assert project.git("rev-parse", "HEAD") == head


def test_a_version_released_under_another_spelling_is_refused_naming_the_tag(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = widget_kit(make_project)
    project.git("tag", "v0.9.1-rc.1")
    project.git("push", "--quiet", "origin", "v0.9.1-rc.1")

    prepare = project.poetry("release", "prepare", "0.9.1rc1", "--no-checks")

    assert prepare.code == 1
    assert "Tag v0.9.1-rc.1 already exists" in prepare.stderr
    assert project.git("log", "-1", "--format=%s") == "Initial commit"


def test_the_release_branch_is_the_remotes_default_when_none_is_configured(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    project.git("branch", "--move", "main", "develop")
    project.git("push", "--quiet", "origin", "develop")
    project.git("symbolic-ref", "HEAD", "refs/heads/develop", cwd=project.remote)
    project.git("push", "--quiet", "origin", "--delete", "main")
    project.git("branch", "--set-upstream-to", "origin/develop")

    status = project.poetry("release", "status", "--json")
    prepare = project.poetry("release", "prepare", "patch", "--no-checks", "--dry-run")

    assert status.code == 0, status.output
    assert status.json()["release_branch"] == ["develop"]
    assert status.json()["release_branch_source"] == "the default branch: the HEAD of origin"
    assert status.json()["blocked"] is None
    assert prepare.code == 0, prepare.output
    assert "It would commit: chore: bump version to 0.9.1" in prepare.output


def test_offline_with_main_and_master_here_the_one_the_remote_has_is_the_release_branch(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    project.git("branch", "--move", "main", "master")
    project.git("push", "--quiet", "origin", "master")
    project.git("symbolic-ref", "HEAD", "refs/heads/master", cwd=project.remote)
    project.git("push", "--quiet", "origin", "--delete", "main")
    project.git("fetch", "--quiet", "--prune", "origin")
    project.git("branch", "main")  # a stray local main, no origin/HEAD recorded

    status = project.poetry("release", "status", "--offline", "--json")

    assert status.code == 0, status.output
    assert status.json()["release_branch"] == ["master"]
    assert status.json()["release_branch_source"] == (
        "the only one of main and master that origin has"
    )


def test_a_section_written_ahead_for_the_new_version_is_kept_not_written_twice(
    make_project: ProjectFactory,
) -> None:
    written_ahead = CHANGELOG.replace(
        "## [Unreleased]\n\n### Added\n\n- A `widgets` module.\n",
        "## [0.9.1] - 2026-03-29\n\n### Fixed\n\n- Written by hand before the release.\n",
    )
    project = widget_kit(make_project, written_ahead)

    result = project.poetry("release", "prepare", "patch", *NO_CHECKS)

    assert result.code == 0, result.output
    assert project.read("CHANGELOG.md") == written_ahead
    assert '__version__ = "0.9.1"' in project.read("widget_kit/__init__.py")


def prepared_from_a_generated_section(make_project: ProjectFactory) -> ReleaseProject:
    """widget-kit 0.9.1 prepared from one fix, its changelog section generated (Unreleased
    was empty)."""
    project = widget_kit(
        make_project, CHANGELOG.replace("### Added\n\n- A `widgets` module.\n", "")
    )
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")
    assert project.poetry("release", "prepare", *NO_CHECKS).code == 0
    return project


def test_a_prepared_section_edited_by_hand_is_kept_when_prepared_again(
    make_project: ProjectFactory,
) -> None:
    project = prepared_from_a_generated_section(make_project)
    edited = project.read("CHANGELOG.md").replace(
        "- the wobble", "- The wobble in `core`, for good."
    )
    assert edited != project.read("CHANGELOG.md")
    project.write("CHANGELOG.md", edited)
    project.commit_all("docs: the changelog in our words")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 0, again.output
    changelog = project.read("CHANGELOG.md")
    assert changelog.count("## [0.9.1]") == 1
    assert changelog.count("[0.9.1]: ") == 1
    assert "- The wobble in `core`, for good." in changelog
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"


def test_a_generated_prepared_section_is_generated_anew_with_the_commits_since(
    make_project: ProjectFactory,
) -> None:
    project = prepared_from_a_generated_section(make_project)
    project.write("widget_kit/more.py", "MORE = True\n")
    project.commit_all("fix: the rattle")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 0, again.output
    changelog = project.read("CHANGELOG.md")
    assert changelog.count("## [0.9.1]") == 1
    section = changelog.split("## [0.9.1]", 1)[1].split("## [0.9.0]", 1)[0]
    assert "the wobble" in section
    assert "the rattle" in section


def commitizen_shaped(make_project: ProjectFactory) -> ReleaseProject:
    """widget-kit 0.9.0 released by commitizen (`bump: version A → B`), then a fix."""
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace('"0.9.0"', '"0.8.0"')
    files["widget_kit/__init__.py"] = '__version__ = "0.8.0"\n'
    project = make_project(files, tags=("v0.8.0",))
    project.write("pyproject.toml", project.read("pyproject.toml").replace("0.8.0", "0.9.0"))
    project.write("widget_kit/__init__.py", '__version__ = "0.9.0"\n')
    project.commit_all("bump: version 0.8.0 → 0.9.0")
    project.git("tag", "v0.9.0")
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")
    return project


def test_the_release_commit_message_is_the_one_the_last_releases_were_made_with(
    make_project: ProjectFactory,
) -> None:
    project = commitizen_shaped(make_project)

    status = project.poetry("release", "status", "--offline", "--json")
    prepare = project.poetry("release", "prepare", *NO_CHECKS)

    assert status.code == 0, status.output
    assert status.json()["commit_message"] == "bump: version {previous_version} → {version}"
    assert status.json()["commit_message_source"] == "inferred from v0.9.0"
    assert prepare.code == 0, prepare.output
    assert project.git("log", "-1", "--format=%s") == "bump: version 0.9.0 → 0.9.1"


def test_without_release_tags_the_message_is_the_one_the_last_version_changes_were_made_with(
    make_project: ProjectFactory,
) -> None:
    """papermerge-cli (Apache-2.0, © Eugen Ciur) tagged none of its 0.3.x releases before
    0.3.3 yet made each with `version bump 0.3.1 -> 0.3.2`; its 0.3.3 commit was the same."""
    files = widget_kit_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace('"0.9.0"', '"0.8.0"')
    files["widget_kit/__init__.py"] = '__version__ = "0.8.0"\n'
    project = make_project(files, tags=())
    for old, new in (("0.8.0", "0.8.1"), ("0.8.1", "0.9.0")):
        project.write("pyproject.toml", project.read("pyproject.toml").replace(old, new))
        project.write("widget_kit/__init__.py", f'__version__ = "{new}"\n')
        project.commit_all(f"version bump {old} -> {new}")
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")

    status = project.poetry("release", "status", "--offline", "--json")
    prepare = project.poetry("release", "prepare", "0.9.1", *NO_CHECKS)

    assert status.code == 0, status.output
    assert status.json()["commit_message"] == "version bump {previous_version} -> {version}"
    assert status.json()["commit_message_source"] == (
        "inferred from the commits setting 0.9.0 and 0.8.1"
    )
    assert prepare.code == 0, prepare.output
    assert project.git("log", "-1", "--format=%s") == "version bump 0.9.0 -> 0.9.1"


def test_a_configured_message_may_name_the_previous_version_the_tag_and_the_project(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += (
        '\n[tool.poetry-release]\ncommit-message = "release({name}): {previous_version} → {tag}"\n'
    )
    project = make_project(files, tags=("v0.9.0",))

    prepare = project.poetry("release", "prepare", "minor", *NO_CHECKS)
    status = project.poetry("release", "status", "--offline", "--json")

    assert prepare.code == 0, prepare.output
    assert project.git("log", "-1", "--format=%s") == "release(widget-kit): 0.9.0 → v0.10.0"
    assert status.json()["next"] == "cut"


def test_status_and_notes_in_a_repository_without_commits_say_so(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    files = widget_kit_files()
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert run([GIT, "init", "--quiet"], tmp_path, environment, 60).code == 0

    for command in (("status", "--offline"), ("notes",)):
        result = run([POETRY, "release", *command], tmp_path, environment, 120)

        assert result.code == 1, result.output
        assert "The repository has no commits yet" in result.stderr
        assert "fatal" not in result.output


def test_a_draft_release_made_ahead_for_the_tag_is_published_by_cut_not_called_released(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = widget_kit(make_project)
    assert project.poetry("release", "prepare", "patch", *NO_CHECKS).code == 0
    github.add_release("v0.9.1", draft=True)  # a release drafter's
    env = github_environment(github)

    status = project.poetry("release", "status", "--json", extra_env=env)
    cut = project.poetry("release", "cut", extra_env=env)

    assert status.json()["next"] == "cut", status.output
    assert cut.code == 0, cut.output
    release = github.release("v0.9.1")
    assert release is not None
    assert release["draft"] is False
    assert len(github.releases) == 1


def test_a_prepared_version_the_index_has_already_is_no_circle(
    make_project: ProjectFactory, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += f'\n[tool.poetry-release]\nindex-url = "{index.url}"\n'
    project = make_project(files, tags=("v0.9.0",))
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")
    assert project.poetry("release", "prepare", "--offline", "--no-checks").code == 0
    project.git("push", "--quiet", "origin", "main")
    (index.packages / "widget_kit-0.9.1.tar.gz").write_bytes(b"uploaded by hand")

    status = project.poetry("release", "status", "--json", "--no-interaction")
    prepare = project.poetry("release", "prepare", "--no-checks", "--dry-run")

    assert status.json()["next"] == "prepare", status.output
    assert "on the index: yes" in status.stderr
    assert prepare.code == 0, prepare.output
    assert "Bumping widget-kit from 0.9.1 to 0.9.2" in prepare.output


def test_a_release_prepared_on_a_release_branch_and_merged_is_prepared_again(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += '\n[tool.poetry-release]\nbranch = ["main", "release/*"]\n'
    project = make_project(files, tags=("v0.9.0",))
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")
    project.git("checkout", "--quiet", "-b", "release/0.9.1")
    assert project.poetry("release", "prepare", *NO_CHECKS).code == 0
    project.git("checkout", "--quiet", "main")
    project.git(
        "merge", "--quiet", "--no-ff", "-m", "Merge branch 'release/0.9.1'", "release/0.9.1"
    )
    project.write("docs/usage.md", "How to.\n")
    project.commit_all("docs: after the merge")

    again = project.poetry("release", "prepare", *NO_CHECKS, "--dry-run")

    assert again.code == 0, again.output
    assert "Bumping widget-kit from 0.9.1 to 0.9.1" in again.output


def test_a_dangling_origin_head_or_a_tag_of_a_tree_is_passed_over(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    project.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/gone")
    project.git("tag", "v0.9.5", "HEAD^{tree}")
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: the wobble")

    status = project.poetry("release", "status", "--offline", "--json")
    prepare = project.poetry("release", "prepare", *NO_CHECKS, "--dry-run")

    assert status.code == 0, status.output
    assert status.json()["release_branch"] == ["main"]
    assert status.json()["last_tag"] == "v0.9.0"
    assert prepare.code == 0, prepare.output


@pytest.mark.parametrize("allow_dirty", [(), ("--allow-dirty",)], ids=["clean", "allow-dirty"])
def test_a_merge_left_unfinished_is_refused_before_anything_is_written(
    make_project: ProjectFactory, allow_dirty: tuple[str, ...]
) -> None:
    project = widget_kit(make_project)
    project.git("checkout", "--quiet", "-b", "topic")
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: on a topic branch")
    project.git("checkout", "--quiet", "main")
    project.git("merge", "--quiet", "--no-ff", "--no-commit", "topic")
    before = project.snapshot()

    prepare = project.poetry("release", "prepare", "patch", *NO_CHECKS, *allow_dirty)

    assert prepare.code == 1
    assert "A merge is in progress in this work tree" in prepare.stderr
    assert "git merge --abort" in prepare.stderr
    assert project.snapshot() == before


NO_UNRELEASED = "# Changelog\n\n## [0.9.0] - 2026-01-02\n\n### Fixed\n\n- The wobble in `core`.\n"


def test_a_generated_section_edited_by_hand_keeps_its_words_and_takes_the_new_commits(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project, NO_UNRELEASED)
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: a bug")
    assert project.poetry("release", "prepare", *NO_CHECKS).code == 0
    project.write(
        "CHANGELOG.md", project.read("CHANGELOG.md").replace("- a bug", "- A bug, in our words.")
    )
    project.commit_all("docs: the changelog in our words")
    project.write("widget_kit/more.py", "MORE = True\n")
    project.commit_all("fix: a second bug")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 0, again.output
    changelog = project.read("CHANGELOG.md")
    assert changelog.count("## [0.9.1]") == 1
    section = changelog.split("## [0.9.1]", 1)[1].split("## [0.9.0]", 1)[0]
    assert "- A bug, in our words." in section
    assert "a second bug" in section


def test_a_section_from_unreleased_moves_to_the_higher_version_the_commits_since_call_for(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)  # Unreleased lists "A `widgets` module."
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: a bug")
    assert project.poetry("release", "prepare", *NO_CHECKS).code == 0
    project.write("widget_kit/api.py", "API = 2\n")
    project.commit_all("feat: a new engine")

    again = project.poetry("release", "prepare", *NO_CHECKS)

    assert again.code == 0, again.output
    changelog = project.read("CHANGELOG.md")
    assert "## [0.9.1]" not in changelog
    assert changelog.count("## [0.10.0]") == 1
    section = changelog.split("## [0.10.0]", 1)[1].split("## [0.9.0]", 1)[0]
    assert "- A `widgets` module." in section
    assert "[0.9.1]:" not in changelog


def test_a_release_squash_merged_from_a_pull_request_is_released_as_the_files_hold_it(
    make_project: ProjectFactory,
) -> None:
    project = widget_kit(make_project)
    project.write("pyproject.toml", project.read("pyproject.toml").replace("0.9.0", "0.9.1"))
    project.write("widget_kit/__init__.py", '__version__ = "0.9.1"\n')
    project.commit_all("Release 0.9.1 (#12)")
    project.write("docs/usage.md", "How to.\n")
    project.commit_all("docs: readme")

    status = project.poetry("release", "status", "--offline")
    plain = project.poetry("release", "prepare", *NO_CHECKS)
    as_it_is = project.poetry("release", "prepare", "0.9.1", *NO_CHECKS)

    assert "poetry release prepare 0.9.1" in status.stdout
    assert plain.code == 1
    assert "release 0.9.1 as the files hold it (poetry release prepare 0.9.1)" in plain.stderr
    assert as_it_is.code == 0, as_it_is.output
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 0.9.1"


def test_a_tagged_bump_squash_merged_with_more_in_it_is_not_a_change_of_the_next_release(
    make_project: ProjectFactory,
) -> None:
    # pendulum's 3.0.0 (github.com/sdispater/pendulum): "Bump version to 3.0.0" tagged on a
    # pull request's commit, then squash-merged to master as "Release 3.0.0 (#780)" with more
    # in it (there a second version line), so the squash is not the tagged commit's patch.
    changelog = "# Changelog\n\n## [Unreleased]\n\n## [0.9.0] - 2026-01-02\n\n- The wobble.\n"
    project = widget_kit(make_project, changelog)
    project.git("checkout", "--quiet", "-b", "release")
    pyproject = project.read("pyproject.toml")
    project.write("pyproject.toml", pyproject.replace('version = "0.9.0"', 'version = "1.0.0"'))
    project.write("widget_kit/__init__.py", '__version__ = "1.0.0"\n')
    project.commit_all("Bump version to 1.0.0")
    project.git("tag", "v1.0.0")
    project.git("checkout", "--quiet", "main")
    project.write(
        "pyproject.toml",
        pyproject.replace('version = "0.9.0"', 'version = "1.0.0"')
        + '\n[tool.poetry.urls]\nChanges = "https://example.org/changes"\n',
    )
    project.write("widget_kit/__init__.py", '__version__ = "1.0.0"\n')
    project.commit_all("Release 1.0.0 (#780)\n\n* Bump version to 1.0.0\n\n* Bump metadata")
    project.git("branch", "--quiet", "--delete", "--force", "release")
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: a crash on empty input (#781)")

    status = project.poetry("release", "status", "--offline", "--json")
    prepared = project.poetry("release", "prepare", "--dry-run", *NO_CHECKS)

    assert status.code == 0, status.output
    assert status.json()["last_tag"] == "v1.0.0"
    assert status.json()["commits_since"] == 1
    assert prepared.code == 0, prepared.output
    assert "a crash on empty input (#781)" in prepared.stdout
    assert "Release 1.0.0" not in prepared.stdout


def test_a_squash_merged_release_is_not_a_change_when_its_tagged_commit_fixed_the_bump(
    make_project: ProjectFactory,
) -> None:
    # The release pull request's bump commit got a fix-up before the tag ("Fix the 1.0.0
    # release date"), tagged at the pull request's head and squash-merged: the tagged commit
    # removes a line only the pull request ever had, which the squash cannot remove.
    changelog = "# Changelog\n\n## [Unreleased]\n\n## [0.9.0] - 2026-01-02\n\n- The wobble.\n"
    project = widget_kit(make_project, changelog)
    project.git("checkout", "--quiet", "-b", "release")
    pyproject = project.read("pyproject.toml").replace('version = "0.9.0"', 'version = "1.0.0"')
    released = changelog.replace("## [0.9.0]", "## [1.0.0] - 2026-02-01\n\n- Gears.\n\n## [0.9.0]")
    project.write("pyproject.toml", pyproject)
    project.write("widget_kit/__init__.py", '__version__ = "1.0.0"\n')
    project.write("CHANGELOG.md", released)
    project.commit_all("Bump version to 1.0.0")
    project.write("CHANGELOG.md", released.replace("2026-02-01", "2026-02-03"))
    project.commit_all("Fix the release date")
    project.git("tag", "v1.0.0")
    project.git("checkout", "--quiet", "main")
    project.git("merge", "--quiet", "--squash", "release")
    project.commit_all("Release 1.0.0 (#780)\n\n* Bump version to 1.0.0\n\n* Fix the release date")
    project.git("branch", "--quiet", "--delete", "--force", "release")
    project.write("widget_kit/core.py", "FIXED = True\n")
    project.commit_all("fix: a crash on empty input (#781)")

    status = project.poetry("release", "status", "--offline", "--json")

    assert status.code == 0, status.output
    assert status.json()["last_tag"] == "v1.0.0"
    assert status.json()["commits_since"] == 1
