"""Trusted publishing in `cut --publish`: no credentials anywhere, a token minted from the CI
job's identity, attestations uploaded, provenance verified (loopback stand-ins only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import widget_kit_files
from trusted_standins import ActionsIdentity, Publisher, PyPIStandIn, Served, attestation_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import ProjectFactory
    from github_standin import GitHubStandIn
    from support import ReleaseProject, Run


@pytest.fixture
def identity() -> Iterator[ActionsIdentity]:
    """GitHub Actions' OIDC token endpoint for a job of acme/widget-kit's release.yml."""
    standin = ActionsIdentity()
    with Served(standin):
        yield standin


@pytest.fixture
def pypi(tmp_path: Path, identity: ActionsIdentity) -> Iterator[PyPIStandIn]:
    """A PyPI with trusted publishing, and acme/widget-kit's release.yml registered."""
    files = tmp_path / "pypi-files"
    files.mkdir()
    standin = PyPIStandIn(files, identity)
    with Served(standin):
        yield standin


def release_project(
    make_project: ProjectFactory,
    pypi: PyPIStandIn,
    *,
    init_ci: bool = False,
    audience: str | None = "pypi",
) -> ReleaseProject:
    """widget-kit prepared for 0.9.1, publishing to the stand-in (with init-ci's workflow).
    The stand-in is not PyPI's URL, so its audience is configured as for an index of one's
    own (`audience`, none: not configured)."""
    files = widget_kit_files()
    files[".gitignore"] = "dist/\n"
    files["pyproject.toml"] += (
        f'\n[tool.poetry-release]\nrepository = "trusted"\nindex-url = "{pypi.simple_url}"\n'
    )
    if audience is not None:
        files["pyproject.toml"] += f'oidc-audience = "{audience}"\n'
    project = make_project(files, tags=("v0.9.0",))
    if init_ci:
        written = project.poetry("release", "init-ci")
        assert written.code == 0, written.output
        project.commit_all("ci: publish with trusted publishing")
        project.git("push", "--quiet", "origin", "main")
    result = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")
    assert result.code == 0, result.output
    return project


def in_ci(
    github: GitHubStandIn, identity: ActionsIdentity, pypi: PyPIStandIn, **extra: str
) -> dict[str, str]:
    """A GitHub Actions job with id-token: write, and no index credentials at all."""
    return {
        **github_environment(github),
        **identity.environment_variables(),
        **pypi.poetry_environment("trusted"),
        **extra,
    }


@dataclass
class TrustedRelease:
    """A prepared project in a CI job with an identity, the index and GitHub stand-ins."""

    project: ReleaseProject
    github: GitHubStandIn
    identity: ActionsIdentity
    pypi: PyPIStandIn


@pytest.fixture
def ci(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    identity: ActionsIdentity,
    pypi: PyPIStandIn,
) -> TrustedRelease:
    """widget-kit 0.9.1 prepared, in a GitHub Actions job with id-token: write."""
    return TrustedRelease(release_project(make_project, pypi), github, identity, pypi)


def cut_publish(project: ReleaseProject, env: dict[str, str], *args: str) -> Run:
    return project.poetry("release", "cut", "--publish", *args, extra_env=env)


def secrets_in(output: str, identity: ActionsIdentity, pypi: PyPIStandIn) -> list[str]:
    found = [token for token in identity.issued if token in output]
    found += [token for token in pypi.minted if token in output]
    found += [identity.request_token] if identity.request_token in output else []
    return found


def test_cut_publish_mints_a_token_and_uploads_with_no_credentials(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi

    result = cut_publish(project, in_ci(github, identity, pypi), "-vvv")

    assert result.code == 0, result.output
    assert sorted(path.name for path in pypi.files.iterdir()) == [
        "widget_kit-0.9.1-py3-none-any.whl",
        "widget_kit-0.9.1.tar.gz",
    ]
    sent = [u for u in pypi.uploads if u.filename]
    assert [u.username for u in sent] == ["__token__", "__token__"]
    assert all(u.password in pypi.minted for u in sent)
    assert len(pypi.minted) == 1  # one token, good for the whole (short) upload
    assert "trusted publishing: a short-lived token for trusted" in result.output
    assert "repository acme/widget-kit, workflow release.yml, environment pypi" in result.output
    assert secrets_in(result.output, identity, pypi) == []
    assert github.releases[0]["draft"] is False


@pytest.mark.faults
@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("not-enabled", "trusted has trusted publishing turned off"),
        ("invalid-payload", "could not read the token exchange request"),
        ("invalid-token", "rejected this job's identity token"),
        ("invalid-publisher", "No trusted publisher on trusted matches this job"),
        ("invalid-pending-publisher", "cannot create the project widget-kit"),
    ],
)
def test_each_mint_error_says_what_to_fix_before_anything_is_tagged(
    ci: TrustedRelease,
    code: str,
    said: str,
) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    pypi.forced_error = code

    result = cut_publish(project, in_ci(github, identity, pypi), "-vvv")

    assert result.code == 1
    assert said in result.output
    assert code in result.output
    assert "Traceback" not in result.output
    assert secrets_in(result.output, identity, pypi) == []
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert github.releases == []


def test_an_unregistered_workflow_is_shown_beside_what_to_register(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    pypi.publisher = Publisher(workflow="publish.yml")

    result = cut_publish(project, in_ci(github, identity, pypi))

    assert result.code == 1
    assert (
        "No trusted publisher on trusted matches this job, which is repository acme/widget-kit, "
        "workflow release.yml, environment pypi, ref refs/tags/v0.9.1"
    ) in result.output
    assert (
        "add a trusted publisher with owner/repository acme/widget-kit, workflow release.yml "
        "and environment pypi"
    ) in result.output


@pytest.mark.faults
def test_a_minted_token_the_upload_refuses_stops_cut_before_the_tag(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    pypi.refuse_minted = True

    result = cut_publish(project, in_ci(github, identity, pypi), "-vvv")

    assert result.code == 1
    assert "rejected the token minted by trusted publishing for trusted (HTTP 403" in result.output
    assert "may upload this project" in result.output
    assert secrets_in(result.output, identity, pypi) == []
    assert project.git("tag", "--list", "v0.9.1") == ""


def test_a_gitlab_job_publishes_with_its_id_token(ci: TrustedRelease) -> None:
    project, identity, pypi = ci.project, ci.identity, ci.pypi
    pypi.publisher = Publisher(workflow=".gitlab-ci.yml")
    token = identity.gitlab_token()
    env = {**pypi.poetry_environment("trusted"), "GITLAB_CI": "true", "PYPI_ID_TOKEN": token}

    result = cut_publish(project, env, "--no-github-release", "-vvv")

    assert result.code == 0, result.output
    assert len(list(pypi.files.iterdir())) == 2
    assert "repository acme/widget-kit, workflow .gitlab-ci.yml, environment pypi" in result.output
    assert secrets_in(result.output, identity, pypi) == []


def test_outside_ci_with_no_credentials_cut_says_both_ways_out(ci: TrustedRelease) -> None:
    project, github, pypi = ci.project, ci.github, ci.pypi
    env = {**github_environment(github), **pypi.poetry_environment("trusted")}

    result = cut_publish(project, env)

    assert result.code == 1
    assert "Poetry has no credentials for the repository trusted" in result.output
    assert "poetry release init-ci" in result.output
    assert pypi.mint_requests == []
    assert project.git("tag", "--list", "v0.9.1") == ""


def test_a_job_without_id_token_write_is_told_so(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    env = in_ci(github, identity, pypi)
    del env["ACTIONS_ID_TOKEN_REQUEST_URL"], env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]

    result = cut_publish(project, env)

    assert result.code == 1
    assert "the permission id-token: write is missing" in result.output
    assert project.git("tag", "--list", "v0.9.1") == ""


def test_never_means_no_token_is_minted(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi

    result = cut_publish(project, in_ci(github, identity, pypi), "--trusted-publishing", "never")

    assert result.code == 1
    assert "Poetry has no credentials for the repository trusted" in result.output
    assert pypi.mint_requests == []


def test_a_token_that_would_expire_during_the_upload_is_minted_again(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    pypi.token_lifetime = 60  # shorter than the margin a file upload is given

    result = cut_publish(project, in_ci(github, identity, pypi))

    assert result.code == 0, result.output
    sent = [u for u in pypi.uploads if u.filename]
    assert len(sent) == 2
    assert len({u.password for u in sent}) == 2  # each file with a fresh token
    assert len(pypi.minted) == 3  # the check before the tag, then one per file
    assert "minted a fresh token" in result.output


def attest_builds(project: ReleaseProject) -> dict[str, dict[str, object]]:
    """`poetry build` into dist/ and an attestation beside each file, as CI tooling makes."""
    built = project.poetry("build")
    assert built.code == 0, built.output
    made = {}
    for path in sorted((project.root / "dist").iterdir()):
        attestation = attestation_for(path.name, path.read_bytes())
        (path.parent / f"{path.name}.publish.attestation").write_text(json.dumps(attestation))
        made[path.name] = attestation
    return made


def test_attestations_beside_the_built_files_reach_the_upload(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    made = attest_builds(project)

    result = cut_publish(project, in_ci(github, identity, pypi))

    assert result.code == 0, result.output
    sent = {u.filename: u.fields for u in pypi.uploads if u.filename}
    assert set(sent) == set(made)
    for name, fields in sent.items():
        assert json.loads(fields["attestations"][0]) == [made[name]]
    assert set(pypi.provenance) == set(made)


def test_a_stale_attestation_is_refused_and_named(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    attest_builds(project)
    wheel = project.root / "dist" / "widget_kit-0.9.1-py3-none-any.whl"
    stale = attestation_for(wheel.name, b"other bytes")
    (wheel.parent / f"{wheel.name}.publish.attestation").write_text(json.dumps(stale))

    result = cut_publish(project, in_ci(github, identity, pypi))

    assert result.code == 1
    assert "widget_kit-0.9.1-py3-none-any.whl.publish.attestation was made for other bytes" in (
        result.output
    )
    assert not any(pypi.files.iterdir())
    assert github.releases == []  # found at the build, before the tag and the release


def test_verify_provenance_passes_for_this_repository_and_fails_named(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi
    attest_builds(project)
    env = in_ci(github, identity, pypi)
    assert cut_publish(project, env).code == 0

    verified = project.poetry("release", "verify", "--provenance", "--json", extra_env=env)

    assert verified.code == 0, verified.output
    check = next(c for c in verified.json()["checks"] if c["name"] == "provenance")
    assert check["ok"] is True
    assert "acme/widget-kit" in check["detail"]

    wheel = "widget_kit-0.9.1-py3-none-any.whl"
    bundle = pypi.provenance[wheel]["attestation_bundles"][0]
    bundle["publisher"]["repository"] = "mallory/widget-kit"
    del pypi.provenance["widget_kit-0.9.1.tar.gz"]

    failed = project.poetry("release", "verify", "--provenance", "--json", extra_env=env)

    assert failed.code == 1
    check = next(c for c in failed.json()["checks"] if c["name"] == "provenance")
    assert check["ok"] is False
    assert "widget_kit-0.9.1.tar.gz: no provenance" in check["detail"]
    assert f"{wheel}: published by mallory/widget-kit" in check["detail"]


@pytest.mark.parametrize(
    ("configured", "answered", "said"),
    [
        (None, "pypi", "Trusted publishing mints tokens for PyPI and TestPyPI only"),
        ("pypi", "sts.amazonaws.com", "asks for identity tokens for the audience "
         "'sts.amazonaws.com', but this index's audience is 'pypi': no token was minted"),
    ],
)  # fmt: skip
def test_an_index_never_chooses_where_the_identity_token_is_valid(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    identity: ActionsIdentity,
    pypi: PyPIStandIn,
    configured: str | None,
    answered: str,
    said: str,
) -> None:
    project = release_project(make_project, pypi, audience=configured)
    pypi.audience = answered

    result = cut_publish(project, in_ci(github, identity, pypi), "-vvv")

    assert result.code == 1
    assert said in result.output
    assert identity.issued == []  # no identity token was asked for, for any audience
    assert pypi.mint_requests == []
    assert project.git("tag", "--list", "v0.9.1") == ""
    assert github.releases == []


def test_gitlab_reads_no_job_token_but_the_ones_pypi_documents(
    make_project: ProjectFactory, identity: ActionsIdentity, pypi: PyPIStandIn
) -> None:
    project = release_project(make_project, pypi, audience="vault")
    pypi.audience = "vault"
    token = identity.gitlab_token("vault")
    env = {**pypi.poetry_environment("trusted"), "GITLAB_CI": "true", "VAULT_ID_TOKEN": token}

    result = cut_publish(project, env, "--no-github-release", "-vvv")

    assert result.code == 1
    assert "On GitLab CI trusted publishing reads PYPI_ID_TOKEN or TESTPYPI_ID_TOKEN only" in (
        result.output
    )
    assert token not in result.output
    assert pypi.mint_requests == []


def test_plain_http_off_the_loopback_is_refused_before_any_request(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    identity: ActionsIdentity,
    pypi: PyPIStandIn,
) -> None:
    project = release_project(make_project, pypi)
    env = {
        **in_ci(github, identity, pypi),
        "POETRY_REPOSITORIES_TRUSTED_URL": "http://index.example.invalid/legacy/",
    }

    result = cut_publish(project, env)

    assert result.code == 1
    assert "Trusted publishing needs HTTPS, and http://index.example.invalid/legacy/ is not" in (
        result.output
    )
    assert identity.issued == []


def test_a_dry_run_says_what_it_would_mint_and_exchanges_nothing(ci: TrustedRelease) -> None:
    project, github, identity, pypi = ci.project, ci.github, ci.identity, ci.pypi

    result = cut_publish(project, in_ci(github, identity, pypi), "--dry-run", "-v")

    assert result.code == 0, result.output
    assert (
        "trusted publishing: would mint a token for trusted from this job's identity, for the "
        "audience 'pypi' (dry run: nothing exchanged)"
    ) in result.output
    assert identity.issued == []
    assert pypi.mint_requests == []
    assert pypi.uploads == []
