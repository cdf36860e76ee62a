"""Plain `poetry version RULE` keeps the version files in step (sync-on-version)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.files import FileTransaction
from poetry_release_plugin.adapters.project_files import load_project, release_table
from poetry_release_plugin.core.version import bump_version, parse_version, same_version
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


def sync_version_files(root: Path, before: str | None = None) -> tuple[list[str], list[str]]:
    """Write pyproject.toml's version into every version place that held `before` (the
    version pyproject.toml held when `poetry version` began); the paths written, and a line
    for each place left alone because it held another version (it disagreed already: a
    placeholder, a pin, a mistake; `status` shows it).

    Nothing is written when `sync-on-version = false`, nor in a project that does not
    configure the plugin and has no version place."""
    project = _project_to_sync(root, before)
    if project is None:
        return [], []
    version = parse_version(project.version)
    kept = [p for p in project.places if before and same_version(p.version, before)]
    left = [
        f"{p.spec.describe()} holds {p.version}, not {before} as pyproject.toml did: left as it is"
        for p in project.places
        if p not in kept
    ]
    written = [path for path in project.files if any(p.path == path for p in kept)]
    with FileTransaction() as transaction:
        for path in written:
            place = next(p for p in kept if p.path == path)
            text = project.place_edit(path, version, kept)(place.text)
            transaction.write_text(root / path, text, place.encoding)
        transaction.commit()
    return written, left


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
