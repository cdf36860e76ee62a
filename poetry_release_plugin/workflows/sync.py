"""Plain `poetry version RULE` keeps the version files in step (sync-on-version)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.files import FileTransaction
from poetry_release_plugin.adapters.project_files import load_project, release_table
from poetry_release_plugin.core.version import bump_version, parse_version
from poetry_release_plugin.errors import InvalidVersion, ReleaseError

if TYPE_CHECKING:
    from pathlib import Path

    from poetry_release_plugin.core.project import Project


def check_version_sync(root: Path, rule: str, *, next_phase: bool = False) -> str | None:
    """Before `poetry version RULE` writes anything: every version place the plugin keeps in
    step can take the new version. Raises the ReleaseError that would stop the sync later;
    returns the version the places hold now (None: nothing to keep in step)."""
    project = _project_to_sync(root)
    if project is None:
        return None
    try:
        new = bump_version(project.version, rule, next_phase=next_phase)
    except InvalidVersion:
        return None  # Poetry refuses the rule itself, in its own words
    for path in project.files:
        project.place_edit(path, new)(_text_of(project, path))
    return project.version


def _text_of(project: Project, path: str) -> str:
    return next(place.text for place in project.places if place.path == path)


def sync_version_files(root: Path, before: str | None = None) -> list[str]:
    """Write pyproject.toml's version into every version place that holds another (`before`:
    the version they held when `poetry version` began); the paths written.

    Nothing is written when `sync-on-version = false`, nor in a project that does not
    configure the plugin and has no version place."""
    project = _project_to_sync(root, before)
    if project is None:
        return []
    version = parse_version(project.version)
    stale = [
        path
        for path in project.files
        if any(p.path == path and p.version != version.text for p in project.places)
    ]
    with FileTransaction() as transaction:
        for path in stale:
            place = next(p for p in project.places if p.path == path)
            text = project.place_edit(path, version)(place.text)
            transaction.write_text(root / path, text, place.encoding)
        transaction.commit()
    return stale


def _project_to_sync(root: Path, before: str | None = None) -> Project | None:
    """The project, when there is something to keep in step: None with `sync-on-version =
    false`, or when a project that does not configure the plugin has no version file or
    cannot be read by it (Poetry alone decides then). A configured project that cannot be
    read raises why."""
    configured = release_table(root)
    if configured is not None and configured.get("sync-on-version") is False:
        return None
    try:
        project = load_project(root, require_agreement=False, current=before)
    except ReleaseError:
        if configured is None:
            return None
        raise
    if not project.settings.sync_on_version or not project.places:
        return None
    return project
