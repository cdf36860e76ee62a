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


def provenance_problem(
    filename: str, provenance: Any, repository: str, workflow: str | None
) -> str | None:
    """Why a file's provenance does not prove it came from `repository` (and `workflow`), or
    None when it does."""
    if provenance is None:
        return f"{filename}: no provenance"
    found = publishers(provenance)
    if not found:
        return f"{filename}: a provenance without a publisher"
    for publisher in found:
        same_repository = str(publisher.get("repository", "")).lower() == repository.lower()
        if same_repository and (workflow is None or publisher.get("workflow") == workflow):
            return None
    return f"{filename}: published by {', '.join(describe_publisher(p) for p in found)}"
