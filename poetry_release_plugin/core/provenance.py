"""PEP 740 provenance, the pure part: where the index's integrity API keeps a file's
provenance, and whether it names the expected publisher."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit


def provenance_url(simple_url: str, project: str, version: str, filename: str) -> str:
    """`<index root>/integrity/<project>/<version>/<file>/provenance` beside a Simple API root."""
    parts = urlsplit(simple_url)
    root = parts.path.rstrip("/")
    root = root[: -len("/simple")] if root.endswith("/simple") else root
    path = "/".join(quote(part, safe="") for part in (project, version, filename))
    return urlunsplit((parts.scheme, parts.netloc, f"{root}/integrity/{path}/provenance", "", ""))


def publishers(provenance: Any) -> list[dict[str, Any]]:
    """The publisher of each attestation bundle in a provenance object."""
    bundles = provenance.get("attestation_bundles") if isinstance(provenance, dict) else None
    if not isinstance(bundles, list):
        return []
    return [
        bundle["publisher"]
        for bundle in bundles
        if isinstance(bundle, dict) and isinstance(bundle.get("publisher"), dict)
    ]


def describe_publisher(publisher: dict[str, Any]) -> str:
    """`acme/widget-kit (release.yml)`, or the project path for GitLab."""
    where = str(publisher.get("repository") or publisher.get("project") or "an unknown publisher")
    workflow = publisher.get("workflow") or publisher.get("workflow_filepath")
    return f"{where} ({workflow})" if workflow else where


PUBLISH_PREDICATE = "https://docs.pypi.org/attestations/publish/v1"


def attested_digests(bundle: Any, filename: str) -> list[str | None]:
    """The sha256 each publish attestation of a bundle states for `filename` (None: an
    attestation that is unreadable, of another kind, or about another file)."""
    import base64
    import binascii
    import json

    found: list[str | None] = []
    for attestation in bundle.get("attestations") or [] if isinstance(bundle, dict) else []:
        try:
            statement = json.loads(base64.b64decode(attestation["envelope"]["statement"]))
            subject = statement["subject"][0]
            ours = statement.get("predicateType") == PUBLISH_PREDICATE
            named = subject.get("name") == filename
            found.append(str(subject["digest"]["sha256"]).lower() if ours and named else None)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, binascii.Error):
            found.append(None)
    return found


def provenance_problem(
    filename: str,
    provenance: Any,
    repository: str,
    workflow: str | None,
    sha256: str | None = None,
    kind: str = "GitHub",
) -> str | None:
    """Why a file's provenance does not prove it came from `repository` (and `workflow`) on
    `kind` (GitHub), for these very bytes (`sha256`, as the index lists it), or None when one
    of its attestation bundles does: at least one attestation, the publisher expected, every
    attestation's subject digest the file's."""
    if provenance is None:
        return f"{filename}: no provenance"
    if not sha256:
        return f"{filename}: the index lists no sha256 for it, so no attestation can be matched"
    bundles = provenance.get("attestation_bundles") if isinstance(provenance, dict) else None
    if not isinstance(bundles, list) or not publishers(provenance):
        return f"{filename}: a provenance without a publisher"
    reasons = []
    for bundle in bundles:
        publisher = bundle.get("publisher") if isinstance(bundle, dict) else None
        if not isinstance(publisher, dict):
            continue
        who = describe_publisher(publisher)
        digests = attested_digests(bundle, filename)
        same_repository = str(publisher.get("repository", "")).lower() == repository.lower()
        same_workflow = workflow is None or publisher.get("workflow") == workflow
        if not digests:
            reasons.append(f"no attestation from {who}")
        elif str(publisher.get("kind", "")) != kind:
            reasons.append(f"published by {who} on {publisher.get('kind') or 'an unknown forge'}")
        elif not (same_repository and same_workflow):
            reasons.append(f"published by {who}")
        elif any(d != sha256.lower() for d in digests):
            reasons.append(f"attested by {who} for other bytes than the index serves")
        else:
            return None
    return f"{filename}: {'; '.join(reasons) or 'a provenance without a publisher'}"
