"""`poetry release init-ci`: the CI definition that publishes with trusted publishing, and the
values to register on the index as its trusted publisher."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.core.ci_workflow import (
    GITHUB_WORKFLOW_PATH,
    GITLAB_PIPELINE_PATH,
    CiSettings,
    github_workflow,
    gitlab_pipeline,
    tag_glob,
)
from poetry_release_plugin.core.github_address import parse_remote_url, resolve_github_address
from poetry_release_plugin.errors import ConfigError, ReleaseError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from poetry_release_plugin.core.project import Project


@dataclass(frozen=True)
class InitCiRequest:
    """What the user asked for."""

    gitlab: bool = False
    environment: str = "pypi"
    repository: str | None = None
    dry_run: bool = False
    force: bool = False
    rehearse: str | None = None  # the repository the job rehearses the upload on


@dataclass(frozen=True)
class CiDefinition:
    """The file to write, its text, and the trusted publisher to register for it."""

    path: str
    text: str
    publisher: dict[str, str]
    index: str


def plan_ci(
    project: Project,
    request: InitCiRequest,
    environ: Mapping[str, str],
    remote_url: str | None,
    folder: str = "",
    installs: tuple[str, str] = ("poetry", "poetry-release-plugin"),
) -> CiDefinition:
    """The CI definition for this project (in `folder` of its repository: a monorepo's), and
    what must be registered on the index; `installs` is what the job installs (Poetry, the
    plugin: pinned to the ones running init-ci)."""
    repository = request.repository or project.settings.repository
    audience = "testpypi" if repository == "testpypi" else "pypi"
    settings = CiSettings(
        repository,
        audience,
        request.environment,
        tag_glob(project.settings.tag_format),
        folder=folder,
        poetry=installs[0],
        plugin=installs[1],
        rehearse=request.rehearse,
    )
    index = "TestPyPI" if audience == "testpypi" else "PyPI"
    if request.gitlab:
        parsed = parse_remote_url(remote_url) if remote_url else None
        namespace, name = (parsed[1], parsed[2]) if parsed else ("<namespace>", "<project>")
        publisher = {
            "namespace": namespace,
            "project": name,
            "top-level pipeline file": GITLAB_PIPELINE_PATH,
            "environment": request.environment,
        }
        return CiDefinition(GITLAB_PIPELINE_PATH, gitlab_pipeline(settings), publisher, index)
    path = GITHUB_WORKFLOW_PATH
    if folder:  # GitHub reads workflows only at the repository's root: one file per project
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", project.metadata.name).strip("-").lower()
        path = GITHUB_WORKFLOW_PATH.replace("release.yml", f"release-{name}.yml")
    try:
        address = resolve_github_address(project.settings, environ, remote_url)
        owner, name = address.owner, address.name
    except ConfigError:
        owner, name = "<owner>", "<repository>"
    publisher = {
        "owner": owner,
        "repository name": name,
        "workflow name": path.rsplit("/", 1)[-1],
        "environment name": request.environment,
    }
    return CiDefinition(path, github_workflow(settings), publisher, index)


def write_ci(root: Path, definition: CiDefinition, *, force: bool) -> Path:
    """Write the definition (never over an existing file unless forced); its path."""
    from poetry_release_plugin.adapters.files import create_file

    path = root / definition.path
    if not create_file(path, definition.text.encode(), replace=force):
        raise ReleaseError(
            f"{definition.path} exists already; it was left as it is",
            "run poetry release init-ci --dry-run to see the new one, or --force to replace it",
        )
    return path
