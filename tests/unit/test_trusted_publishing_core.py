"""Trusted publishing's pure part: endpoints, claims, refusals explained, provenance judged."""

from __future__ import annotations

import base64
import json

import pytest

from poetry_release_plugin.core.provenance import provenance_problem, provenance_url
from poetry_release_plugin.core.trusted_publishing import (
    MINT_ERROR_CODES,
    IdentityClaims,
    MintRefusal,
    explain_mint_refusal,
    oidc_url,
)


def jwt(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"e30.{payload}.c2ln"


def test_the_oidc_endpoints_live_on_the_upload_host() -> None:
    assert oidc_url("https://user:pw@upload.example:8443/legacy/", "audience") == (
        "https://upload.example:8443/_/oidc/audience"
    )


def test_github_claims_name_the_repository_workflow_environment_and_ref() -> None:
    token = jwt(
        {
            "repository": "acme/widget-kit",
            "job_workflow_ref": "acme/widget-kit/.github/workflows/release.yml@refs/tags/v1",
            "environment": "pypi",
            "ref": "refs/tags/v1",
        }
    )
    assert IdentityClaims.from_token(token).describe() == (
        "repository acme/widget-kit, workflow release.yml, environment pypi, ref refs/tags/v1"
    )


def test_gitlab_claims_are_read_too() -> None:
    token = jwt(
        {
            "project_path": "acme/widget-kit",
            "ci_config_ref_uri": "gitlab.example/acme/widget-kit//.gitlab-ci.yml@refs/heads/main",
            "ref": "main",
        }
    )
    claims = IdentityClaims.from_token(token)
    assert (claims.repository, claims.workflow, claims.environment) == (
        "acme/widget-kit",
        ".gitlab-ci.yml",
        "",
    )


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.!!!.c", jwt({"x": 1})[:-8] + ".c"])
def test_an_unreadable_token_gives_empty_claims(token: str) -> None:
    assert IdentityClaims.from_token(token).repository == ""


@pytest.mark.parametrize("code", MINT_ERROR_CODES)
def test_every_refusal_says_what_and_how_and_never_the_token(code: str) -> None:
    claims = IdentityClaims(repository="acme/widget-kit", workflow="release.yml")
    what, fix = explain_mint_refusal([MintRefusal(code, "because")], claims, "pypi", "widget-kit")
    assert code in what
    assert "because" in what
    assert fix


def test_provenance_url_sits_beside_the_simple_api() -> None:
    assert provenance_url("https://index.example/simple/", "widget-kit", "1.0", "w-1.0.tar.gz") == (
        "https://index.example/integrity/widget-kit/1.0/w-1.0.tar.gz/provenance"
    )


def attestation(sha256: str) -> dict[str, object]:
    statement = {
        "subject": [{"name": "f", "digest": {"sha256": sha256}}],
        "predicateType": "https://docs.pypi.org/attestations/publish/v1",
    }
    encoded = base64.b64encode(json.dumps(statement).encode()).decode()
    return {"version": 1, "envelope": {"statement": encoded, "signature": "c2ln"}}


def bundle(
    repository: str, workflow: str, *, kind: str = "GitHub", digests: tuple[str, ...] = ("ab",)
) -> dict[str, object]:
    publisher = {"kind": kind, "repository": repository, "workflow": workflow}
    attestations = [attestation(digest) for digest in digests]
    return {
        "version": 1,
        "attestation_bundles": [{"publisher": publisher, "attestations": attestations}],
    }


def test_provenance_is_judged_by_repository_and_workflow() -> None:
    ours = bundle("Acme/Widget-Kit", "release.yml")
    assert provenance_problem("f", ours, "acme/widget-kit", None, "ab") is None
    assert provenance_problem("f", ours, "acme/widget-kit", "release.yml", "ab") is None
    assert provenance_problem("f", ours, "acme/widget-kit", "other.yml", "ab") == (
        "f: published by Acme/Widget-Kit (release.yml)"
    )
    assert provenance_problem("f", None, "acme/widget-kit", None, "ab") == "f: no provenance"
    assert provenance_problem("f", {"version": 1}, "acme/widget-kit", None, "ab") == (
        "f: a provenance without a publisher"
    )


@pytest.mark.parametrize(
    ("provenance", "said"),
    [
        (bundle("acme/widget-kit", "release.yml", digests=()),
         "f: no attestation from acme/widget-kit (release.yml)"),
        (bundle("acme/widget-kit", "release.yml", kind="GitLab"),
         "f: published by acme/widget-kit (release.yml) on GitLab"),
        (bundle("acme/widget-kit", "release.yml", digests=("cd",)),
         "f: attested by acme/widget-kit (release.yml) for other bytes than the index serves"),
    ],
)  # fmt: skip
def test_provenance_that_proves_nothing_is_refused_naming_why(
    provenance: dict[str, object], said: str
) -> None:
    assert provenance_problem("f", provenance, "acme/widget-kit", None, "AB") == said
    assert (
        provenance_problem("f", bundle("acme/widget-kit", "x"), "acme/widget-kit", None, "AB")
        is None
    )
