"""A PEP 691 JSON Simple API index on 127.0.0.1 serving a folder (pypiserver speaks only HTML)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from support import ServedApp
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from pathlib import Path

CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"


def _project_of(filename: str) -> str:
    if filename.endswith(".whl"):
        return str(parse_wheel_filename(filename)[0])
    return str(parse_sdist_filename(filename)[0])


class JsonIndex:
    """Serves `/simple/<project>/` as PEP 691 JSON (only to clients that accept it), with what
    tests set: a file's PEP 700 `upload-time` and PEP 592 `yanked` value (by file name), and the
    project's PEP 792 `project-status` (API version 1.4). A quarantined project lists no files,
    as PEP 792 says."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.accepts: list[str] = []
        self.upload_times: dict[str, str] = {}  # file name -> "yyyy-mm-ddThh:mm:ss.ffffffZ"
        self.yanked: dict[str, bool | str] = {}  # file name -> true or the reason
        self.project_status: dict[str, str] | None = None  # {"status": ..., "reason": ...}
        self._served = ServedApp(self._app)
        self.url = f"{self._served.url}/simple/"

    def __enter__(self) -> JsonIndex:
        self._served.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._served.__exit__()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.accepts.append(request.headers.get("Accept", ""))
        parts = request.path.strip("/").split("/")
        if (
            len(parts) == 2
            and parts[0] == "simple"
            and CONTENT_TYPE in request.headers.get("Accept", "")
        ):
            files = [
                self._file(path)
                for path in sorted(self.folder.iterdir())
                if canonicalize_name(_project_of(path.name)) == parts[1]
            ]
            status = self.project_status
            if status is not None and status.get("status") == "quarantined":
                files = []
            if files or status is not None:
                body: dict[str, Any] = {
                    "meta": {"api-version": "1.1" if status is None else "1.4"},
                    "name": parts[1],
                    "files": files,
                    "versions": sorted({_version_of(f["filename"]) for f in files}),
                }
                if status is not None:
                    body["project-status"] = status
                return Response(json.dumps(body), content_type=CONTENT_TYPE)(
                    environ, start_response
                )
        return Response("Not Found", status=404)(environ, start_response)

    def _file(self, path: Path) -> dict[str, Any]:
        data = path.read_bytes()
        entry: dict[str, Any] = {
            "filename": path.name,
            "url": f"../../files/{path.name}",
            "hashes": {"sha256": hashlib.sha256(data).hexdigest()},
            "size": len(data),
        }
        if path.name in self.upload_times:
            entry["upload-time"] = self.upload_times[path.name]
        if path.name in self.yanked:
            entry["yanked"] = self.yanked[path.name]
        return entry


def _version_of(filename: str) -> str:
    if filename.endswith(".whl"):
        return str(parse_wheel_filename(filename)[1])
    return str(parse_sdist_filename(filename)[1])
