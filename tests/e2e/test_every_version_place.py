"""Every place the version lives, on real projects (tests/fixtures) with no
[tool.poetry-release] table:

- commitizen keeps its version in four places ([project] version, [tool.commitizen] version,
  commitizen/__version__.py, its own pre-commit hook's `rev:`), declared in
  `[tool.commitizen] version_files`, and makes "bump: version A → B" commits: the release
  commit prepare makes is the one its maintainers made for 4.11.0 (files and lines);
- powertools-lambda-python keeps it as `VERSION = "…"` in `aws_lambda_powertools/shared/
  version.py` (no `__version__`): prepare writes it whether a tool declares it or not, cut
  ships it, verify --install imports it; left stale by hand, cut and verify fail naming it;
- rfc9457 lets bump-my-version keep `[tool.bumpversion] current_version` and, by a search and
  replace, pyproject.toml's own version: the release commit's lines are its maintainer's;
- pendulum's Rust extension holds the version in `rust/Cargo.toml`, which no tool declares:
  prepare refuses, naming the line, until it is listed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import github_environment
from support import widget_kit_files

if TYPE_CHECKING:
    from conftest import LocalIndex, ProjectFactory, RealProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject

FIXTURES = Path(__file__).parent.parent / "fixtures"


def changed_lines(diff: str) -> dict[str, list[str]]:
    """Each file of a `git show` patch and its removed and added lines, in order."""
    files: dict[str, list[str]] = {}
    current = ""
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            current = line.split(" b/", 1)[1]
            files[current] = []
        elif line.startswith(("+++", "---")):
            continue
        elif current and line.startswith(("+", "-")):
            files[current].append(line)
    return files


def test_commitizen_release_commit_is_the_one_its_maintainers_made(
    real: RealProjectFactory,
) -> None:
    project = real("commitizen")
    theirs = changed_lines((FIXTURES / "commitizen" / "release-commit-4.11.0.diff").read_text())

    status = project.poetry("release", "status", "--offline", "--json")
    prepared = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert status.code == 0, status.output
    sources = {f["place"]: f["source"] for f in status.json()["files"]}
    assert sources == {
        "pyproject.toml": "version tables",
        "pyproject.toml:tool.commitizen.version": "[tool.commitizen]",
        "commitizen/__version__.py": "[tool.commitizen] version_files",
        ".pre-commit-config.yaml:rev:.+Commitizen": "[tool.commitizen] version_files",
    }
    assert status.json()["tag_format_source"] == "configured"
    assert prepared.code == 0, prepared.output
    ours = changed_lines(project.git("show", "--format=", "HEAD"))
    assert set(ours) == set(theirs)
    for path in set(theirs) - {"CHANGELOG.md"}:
        assert ours[path] == theirs[path], path
    assert project.git("log", "-1", "--format=%s") == "bump: version 4.10.1 → 4.11.0"
    # In the file's own voice (commitizen's `### Feat`, no hashes): theirs but for the date.
    dated = re.compile(r"\(\d{4}-\d{2}-\d{2}\)")
    assert [dated.sub("(DATE)", line) for line in ours["CHANGELOG.md"]] == [
        dated.sub("(DATE)", line) for line in theirs["CHANGELOG.md"]
    ]


def test_a_bump_my_version_release_commit_is_the_one_its_maintainer_made(
    real: RealProjectFactory,
) -> None:
    project = real("rfc9457")
    theirs = changed_lines((FIXTURES / "rfc9457" / "release-commit-0.0.8.diff").read_text())

    status = project.poetry("release", "status", "--offline", "--json")
    prepared = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert status.code == 0, status.output
    assert [(f["place"], f["source"]) for f in status.json()["files"]] == [
        ("pyproject.toml", "version tables"),
        ("pyproject.toml:tool.bumpversion.current_version", "[tool.bumpversion]"),
        ("pyproject.toml (search 'version = \"{current_version}\"')", "[tool.bumpversion] files"),
    ]
    assert prepared.code == 0, prepared.output
    ours = changed_lines(project.git("show", "--format=", "HEAD"))
    assert set(theirs) == {"pyproject.toml"}  # changelog-gen wrote the changelog before it
    assert set(ours) == {"pyproject.toml", "CHANGELOG.md"}
    assert ours["pyproject.toml"] == theirs["pyproject.toml"]
    assert project.git("log", "-1", "--format=%s") == "Bump version: 0.0.7 → 0.0.8"


def without_bumpversion_table(project: ReleaseProject) -> None:
    """powertools as a project no tool describes: its poetry-bumpversion table removed."""
    text = project.read("pyproject.toml")
    project.write("pyproject.toml", re.sub(r"\n\[tool\.poetry_bumpversion[^\[]*", "\n", text))
    project.git("commit", "--quiet", "--all", "--message", "chore: drop poetry-bumpversion")
    project.git("push", "--quiet")


def release(
    project: ReleaseProject, github: GitHubStandIn, index: LocalIndex, *args: str
) -> tuple[int, str]:
    env = {**github_environment(github), **index.poetry_environment("demo")}
    cut = project.poetry("release", "cut", "--publish", "-r", "demo", *args, extra_env=env)
    return cut.code, cut.output


def test_a_version_constant_is_written_shipped_and_verified(
    real: RealProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = real("powertools-lambda-python")
    without_bumpversion_table(project)
    env = {**github_environment(github), **index.poetry_environment("demo")}

    prepared = project.poetry("release", "prepare", "--no-checks", extra_env=env)
    code, output = release(project, github, index)
    verify = project.poetry(
        "release", "verify", "--index-url", index.url, "--install", "--no-github",
        "--timeout", "60", extra_env=env,
    )  # fmt: skip

    assert prepared.code == 0, prepared.output
    assert set(project.head_files()) == {
        "pyproject.toml",
        "aws_lambda_powertools/shared/version.py",
        "CHANGELOG.md",
    }
    assert 'VERSION = "2.40.0"' in project.read("aws_lambda_powertools/shared/version.py")
    assert code == 0, output
    assert verify.code == 0, verify.output
    assert "aws_lambda_powertools.shared.version.VERSION == 2.40.0" in verify.output


def test_a_version_constant_left_stale_stops_cut_before_the_tag_and_fails_verify(
    real: RealProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    project = real("powertools-lambda-python")
    without_bumpversion_table(project)
    env = {**github_environment(github), **index.poetry_environment("demo")}
    assert project.poetry("release", "prepare", "--no-checks", extra_env=env).code == 0
    path = "aws_lambda_powertools/shared/version.py"
    project.write(path, project.read(path).replace("2.40.0", "2.39.1"))  # as if never written
    project.git("commit", "--quiet", "--all", "--amend", "--no-edit")
    remote_tags = project.remote_tags()

    code, output = release(project, github, index)
    verify = project.poetry(
        "release", "verify", "2.40.0", "--index-url", index.url, "--install", "--no-github",
        "--timeout", "60", extra_env=env,
    )  # fmt: skip

    assert code == 1
    assert f"{path} holds 2.39.1" in output, output
    assert project.remote_tags() == remote_tags
    assert github.releases == []
    assert not any(index.packages.iterdir())
    assert verify.code == 1
    assert f"{path} holds 2.39.1" in verify.output


def test_a_shipped_module_left_at_the_previous_version_stops_cut_before_the_tag(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    files = widget_kit_files()
    files["pyproject.toml"] += (
        'include = [{ path = "widget_kit/_build.py", format = ["sdist", "wheel"] }]\n'
    )
    files[".gitignore"] = "widget_kit/_build.py\n"  # made by a build step, never committed
    project = make_project(files, tags=("v0.9.0",))
    project.write("widget_kit/_build.py", 'VERSION = "0.9.0"\n')
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    remote_tags = project.remote_tags()

    code, output = release(project, github, index)

    assert code == 1, output
    assert (
        "The built files would ship a stale version: "
        "widget_kit-0.9.1-py3-none-any.whl: widget_kit/_build.py (VERSION) holds 0.9.0"
    ) in output
    assert "nothing was tagged or uploaded" in output
    assert project.remote_tags() == remote_tags
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert github.releases == []
    assert not any(index.packages.iterdir())


def test_an_unknown_place_is_refused_naming_its_line_until_it_is_listed(
    real: RealProjectFactory,
) -> None:
    project = real("pendulum")
    project.write("rust/Cargo.toml", '[package]\nname = "_pendulum"\nversion = "3.0.0b1"\n')
    project.git("add", "rust/Cargo.toml")
    project.git("commit", "--quiet", "--message", "Use Maturin directly for building")
    before = project.snapshot()

    refused = project.poetry("release", "prepare", "--offline", "--no-checks")
    status = project.poetry("release", "status", "--offline", "--json")

    assert refused.code == 1
    assert 'rust/Cargo.toml:3: version = "3.0.0b1"' in refused.stderr
    assert (
        'version-files (to write the new version there, here: "rust/Cargo.toml:package.version")'
        in (refused.stderr)
    )
    assert "version-ignore" in refused.stderr
    assert project.snapshot() == before
    unknown = [m for m in status.json()["mentions"] if m["verdict"] == "unknown"]
    assert [m["where"] for m in unknown] == ["rust/Cargo.toml:3"]

    text = project.read("pyproject.toml")
    project.write(
        "pyproject.toml",
        text + '\n[tool.poetry-release]\nversion-files = ["rust/Cargo.toml:package.version"]\n',
    )
    project.git("commit", "--quiet", "--all", "--message", "chore: list the Rust version")
    prepared = project.poetry("release", "prepare", "--offline", "--no-checks")

    assert prepared.code == 0, prepared.output
    new = re.search(r'^version = "(.+)"', project.read("pyproject.toml"), re.M)
    assert new is not None
    assert new[1] != "3.0.0b1"
    assert f'version = "{new[1]}"' in project.read("rust/Cargo.toml")
    assert "rust/Cargo.toml" in project.head_files()


# --- Found by an adversarial pass (tests/e2e/test_adversarial.py's style) --------------------


def test_a_protocol_constant_equal_to_an_old_release_is_no_version_place(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["widget_kit/protocol.py"] = '# the wire protocol servers speak\nVERSION = "0.8.0"\n'
    project = make_project(files, tags=("v0.8.0", "v0.9.0"))
    before = project.read("widget_kit/protocol.py")

    status = project.poetry("release", "status", "--offline", "--json")
    version = project.poetry("version", "patch")

    assert status.code == 0, status.output
    assert [f["path"] for f in status.json()["files"]] == [
        "pyproject.toml",
        "widget_kit/__init__.py",
    ]
    assert version.code == 0, version.output
    assert project.read("widget_kit/protocol.py") == before
    assert version.stderr == ""


def test_a_version_place_in_the_changelog_and_the_changelog_edit_both_land(
    make_project: ProjectFactory,
) -> None:
    files = widget_kit_files()
    files["CHANGELOG.md"] = "Current: 0.9.0\n\n" + files["CHANGELOG.md"]
    files["pyproject.toml"] += (
        '\n[tool.poetry-release]\nversion-files = ["widget_kit/__init__.py", '
        '{ path = "CHANGELOG.md", search = "Current: {version}" }]\n'
    )
    project = make_project(files, tags=("v0.9.0",))

    result = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")

    assert result.code == 0, result.output
    changelog = project.git("show", "HEAD:CHANGELOG.md")
    assert changelog.startswith("Current: 0.9.1\n")
    assert "## [0.9.1]" in changelog


def test_a_place_outside_the_repository_or_not_tracked_is_refused_by_every_path(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("ver 0.9.0\n")
    files = widget_kit_files()
    files[".gitignore"] = "gen.txt\n"
    files["pyproject.toml"] += (
        '\n[tool.poetry-release]\nversion-files = ["widget_kit/__init__.py", "link.txt"]\n'
    )
    project = make_project(files, tags=("v0.9.0",))
    (project.root / "link.txt").symlink_to(outside)
    project.commit_all("docs: the version, linked")

    version = project.poetry("version", "patch")
    prepare = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")

    assert outside.read_text() == "ver 0.9.0\n"
    assert f"names link.txt, which leads to {outside.resolve()}, outside the repository" in (
        version.stderr
    )
    assert prepare.code == 1
    assert "outside the repository" in prepare.stderr

    project.write(
        "pyproject.toml",
        project.read("pyproject.toml").replace('"link.txt"', '"gen.txt"').replace("0.9.1", "0.9.0"),
    )
    project.write("gen.txt", "v 0.9.0\n")  # git-ignored: made by a build step
    project.commit_all("chore: list the generated file")
    ignored = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")

    assert ignored.code == 1
    assert "gen.txt is not tracked by git (ignored, or never added)" in ignored.stderr
    assert "gen.txt" not in project.git("ls-files")
