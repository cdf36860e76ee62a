"""Trusted publishing, the pure part: where the index's OIDC endpoints are, what a CI job's
identity token claims, and what each refusal of the token exchange means to a maintainer.

The identity token's claims are read without verifying its signature: they are only shown to
the user (the index verifies the token itself), never trusted for a decision.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MINT_ERROR_CODES = (
    "not-enabled",
    "invalid-payload",
    "invalid-token",
    "invalid-publisher",
    "invalid-pending-publisher",
)


def oidc_url(upload_url: str, endpoint: str) -> str:
    """`<scheme>://<upload host>/_/oidc/<endpoint>` for an upload URL."""
    parts = urlsplit(upload_url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, f"/_/oidc/{endpoint}", "", ""))


@dataclass(frozen=True)
class IdentityClaims:
    """Who the CI job is, as its OIDC token says (GitHub Actions or GitLab CI claims)."""

    issuer: str = ""
    repository: str = ""
    workflow: str = ""
    environment: str = ""
    ref: str = ""

    @classmethod
    def from_token(cls, token: str) -> IdentityClaims:
        """The claims of a JWT (unverified: for showing only); empty when unreadable."""
        claims = decode_claims(token)
        workflow_ref = str(claims.get("job_workflow_ref") or claims.get("workflow_ref") or "")
        if not workflow_ref and claims.get("ci_config_ref_uri"):  # GitLab
            workflow_ref = str(claims["ci_config_ref_uri"])
        return cls(
            issuer=str(claims.get("iss", "")),
            repository=str(claims.get("repository") or claims.get("project_path") or ""),
            workflow=workflow_file(workflow_ref),
            environment=str(claims.get("environment") or ""),
            ref=str(claims.get("ref") or ""),
        )

    def describe(self) -> str:
        """`repository owner/name, workflow release.yml, environment pypi, ref refs/tags/v1`."""
        rows = [
            ("repository", self.repository),
            ("workflow", self.workflow),
            ("environment", self.environment or "(none)"),
            ("ref", self.ref),
        ]
        return ", ".join(f"{name} {value}" for name, value in rows if value)


def decode_claims(token: str) -> dict[str, Any]:
    """A JWT's payload as a dict (no signature check); empty when it is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return payload if isinstance(payload, dict) else {}


def workflow_file(workflow_ref: str) -> str:
    """`owner/repo/.github/workflows/release.yml@refs/tags/v1` -> `release.yml`."""
    path = workflow_ref.split("@", 1)[0]
    return path.rsplit("/", 1)[-1] if path else ""


@dataclass(frozen=True)
class MintRefusal:
    """One error the index gave for the token exchange."""

    code: str
    description: str


def explain_mint_refusal(
    refusals: list[MintRefusal], claims: IdentityClaims, index: str, project: str
) -> tuple[str, str]:
    """What is wrong and how to fix it, for the index's answer to the token exchange."""
    codes = {refusal.code for refusal in refusals}
    said = "; ".join(f"{r.code}: {r.description}".rstrip(": ") for r in refusals)
    seen = claims.describe() or "no readable claims"
    register = (
        f"on {index}, in {project}'s publishing settings, add a trusted publisher with "
        f"owner/repository {claims.repository or '?'}, workflow {claims.workflow or '?'}"
        + (f" and environment {claims.environment}" if claims.environment else "")
    )
    if "not-enabled" in codes:
        return (
            f"{index} has trusted publishing turned off ({said})",
            "upload with a token instead (poetry config pypi-token.<repository>), "
            'or set trusted-publishing = "never" until the index turns it on again',
        )
    if "invalid-payload" in codes:
        return (
            f"{index} could not read the token exchange request ({said})",
            "this is a bug in poetry-release-plugin or the index: report it with this message",
        )
    if "invalid-token" in codes:
        return (
            f"{index} rejected this job's identity token ({said}); the job is {seen}",
            "the token must be for the index's audience and fresh; GitHub Enterprise Server "
            "and self-hosted GitLab identities are not accepted: upload with a token from there",
        )
    if "invalid-pending-publisher" in codes:
        return (
            f"A pending trusted publisher on {index} matches this job ({seen}) but cannot "
            f"create the project {project} ({said})",
            "the name is taken or the publisher was registered by someone else: register the "
            "publisher on the existing project instead, or choose another name",
        )
    if "invalid-publisher" in codes:
        return (
            f"No trusted publisher on {index} matches this job, which is {seen} ({said})",
            f"{register} (exactly these values; the environment must match if one is set)",
        )
    return (f"{index} refused the token exchange ({said or 'no reason given'})", register)
