"""Plain `poetry version RULE` keeps the version files in step (sync-on-version)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.files import FileTransaction
from poetry_release_plugin.adapters.project_files import load_project, release_table
from poetry_release_plugin.core.sources import write_version_file
from poetry_release_plugin.core.version import bump_version, parse_version
from poetry_release_plugin.errors import InvalidVersion, ReleaseError

if TYPE_CHECKING:
    from pathlib import Path

    from poetry_release_plugin.core.project import Project


def check_version_sync(root: Path, rule: str, *, next_phase: bool = False) -> None:
    """Before `poetry version RULE` writes anything: every version file the plugin keeps in
    step can take the new version. Raises the ReleaseError that would stop the sync later."""
    project = _project_to_sync(root)
    if project is None:
        return
    try:
        new = bump_version(project.version, rule, next_phase=next_phase)
    except InvalidVersion:
        return  # Poetry refuses the rule itself, in its own words
    for version_file in project.version_files:
        write_version_file(version_file.text, version_file.path, new)


def sync_version_files(root: Path) -> list[str]:
    """Write pyproject.toml's version into every version file that holds another; their paths.

    Nothing is written when `sync-on-version = false`, nor in a project that does not
    configure the plugin and has no version file."""
    project = _project_to_sync(root)
    if project is None:
        return []
    version = parse_version(project.version)
    stale = [f for f in project.version_files if f.version != version.text]
    with FileTransaction() as transaction:
        for version_file in stale:
            text = write_version_file(version_file.text, version_file.path, version)
            transaction.write_text(root / version_file.path, text, version_file.encoding)
        transaction.commit()
    return [f.path for f in stale]


def _project_to_sync(root: Path) -> Project | None:
    """The project, when there is something to keep in step: None with `sync-on-version =
    false`, or when a project that does not configure the plugin has no version file or
    cannot be read by it (Poetry alone decides then). A configured project that cannot be
    read raises why."""
    configured = release_table(root)
    if configured is not None and configured.get("sync-on-version") is False:
        return None
    try:
        project = load_project(root, require_agreement=False)
    except ReleaseError:
        if configured is None:
            return None
        raise
    if not project.settings.sync_on_version or not project.version_files:
        return None
    return project
