"""What ships: every version place inside the built wheel and sdist, read from the archives
(never imported), before anything irreversible."""

from __future__ import annotations

import tarfile
import zipfile
from typing import TYPE_CHECKING

from poetry_release_plugin.core.project import module_of
from poetry_release_plugin.core.sources import (
    decode_python,
    decode_text,
    find_version_assignments,
)
from poetry_release_plugin.core.version_places import PlaceKind, is_skipped_path, read_place
from poetry_release_plugin.errors import ProjectError

if TYPE_CHECKING:
    from pathlib import Path

    from poetry_release_plugin.core.project import Project, VersionPlace


def stale_places(
    files: list[Path], project: Project, version: str, previous: str = ""
) -> list[str]:
    """Each version place a built file ships with another version than `version`, and each
    module of a wheel whose version name (`__version__`, `VERSION`, ...) still holds the
    `previous` release's, as `file: path holds X`; empty when all carry `version`."""
    stale = []
    for built in files:
        if built.name.endswith(".whl"):
            stale += [
                f"{built.name}: {path} holds {previous}" for path in _left_at(built, previous)
            ]
            members = _wheel_members(built, project)
        elif built.name.endswith(".tar.gz"):
            members = _sdist_members(built)
        else:
            continue
        for place in project.places:
            data = members(place)
            if data is None:
                continue
            held = _held(place, data)
            if held != version:
                stale.append(f"{built.name}: {place.spec.describe()} holds {held or 'no version'}")
    return stale


def _left_at(wheel: Path, previous: str) -> list[str]:
    """The modules of a wheel whose version name holds `previous`."""
    if not previous:
        return []
    left = []
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.endswith(".py") or is_skipped_path(name):
                continue
            data = archive.read(name)
            if previous.encode() not in data:
                continue
            try:
                found = find_version_assignments(decode_python(data, name)[0], name)
            except ProjectError:
                continue
            if found is not None and found.version == previous:
                left.append(f"{name} ({found.names[0]})")
    return left


def _held(place: VersionPlace, data: bytes) -> str | None:
    python = place.spec.kind is PlaceKind.PYTHON or place.path.endswith(".py")
    try:
        text = (decode_python if python else decode_text)(data, place.path)[0]
        return read_place(place.spec, text, place.version).version
    except ProjectError:
        return None


def _wheel_members(wheel: Path, project: Project) -> _Reader:
    """A reader of the wheel's copy of a place's file: a module of the project's packages,
    at its import path."""
    with zipfile.ZipFile(wheel) as archive:
        contents = {name: archive.read(name) for name in archive.namelist() if name.endswith(".py")}

    def member(place: VersionPlace) -> bytes | None:
        if module_of(place.path, project.metadata.packages) is None:
            return None
        for package in project.metadata.packages:
            prefix = package.parent.strip("/") + "/" if package.parent else ""
            if place.path.startswith(prefix) and place.path[len(prefix) :] in contents:
                return contents[place.path[len(prefix) :]]
        return None

    return member


def _sdist_members(sdist: Path) -> _Reader:
    """A reader of the sdist's copy of a place's file, at its path in the project."""
    with tarfile.open(sdist, "r:gz") as archive:
        contents = {}
        for info in archive.getmembers():
            if info.isfile() and info.size <= 1024 * 1024:
                extracted = archive.extractfile(info)
                if extracted is not None:
                    contents[info.name.partition("/")[2]] = extracted.read()
    return lambda place: contents.get(place.path)


if TYPE_CHECKING:
    from collections.abc import Callable

    _Reader = Callable[[VersionPlace], bytes | None]
