"""Reading Simple API pages (PEP 503 HTML, PEP 691 JSON) through Poetry's own page classes.

These fail when Poetry changes the page classes the index adapter relies on."""

from __future__ import annotations

import json

import pytest
import requests

from poetry_release_plugin.adapters.index import _files_of
from poetry_release_plugin.core.simple_api import (
    JSON_CONTENT_TYPE,
    IndexFile,
    has_version,
    project_page_url,
)
from poetry_release_plugin.errors import PackageIndexError


def answer(body: str, url: str, content_type: str = "text/html") -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    response.url = url
    return response


def parse_html_page(body: str, url: str) -> list[IndexFile]:
    return _files_of(answer(body, url))


def parse_json_page(body: str, url: str) -> list[IndexFile]:
    return _files_of(answer(body, url, JSON_CONTENT_TYPE))


# What pypiserver 2.4 serves for a project page.
PYPISERVER_PAGE = """<!DOCTYPE html>
<html>
    <head><title>Links for arshai</title></head>
    <body>
        <h1>Links for arshai</h1>
             <a href="/packages/arshai-1.5.5-py3-none-any.whl#sha256=abc123">arshai-1.5.5-py3-none-any.whl</a><br>
             <a href="/packages/arshai-1.5.5.tar.gz#sha256=def456">arshai-1.5.5.tar.gz</a><br>
    </body>
</html>
"""


def test_html_page_lists_files_versions_kinds_and_hashes() -> None:
    files = parse_html_page(PYPISERVER_PAGE, "http://127.0.0.1:8080/simple/arshai/")
    assert [(f.filename, f.version, f.kind, f.sha256) for f in files] == [
        ("arshai-1.5.5-py3-none-any.whl", "1.5.5", "wheel", "abc123"),
        ("arshai-1.5.5.tar.gz", "1.5.5", "sdist", "def456"),
    ]
    assert files[0].url == "http://127.0.0.1:8080/packages/arshai-1.5.5-py3-none-any.whl"
    assert has_version(files, "1.5.5")
    assert not has_version(files, "1.5.6")


def test_json_page_lists_files_and_hashes() -> None:
    page = json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "name": "arshai",
            "files": [
                {
                    "filename": "arshai-2.0.0rc1.tar.gz",
                    "url": "../../f/x.tar.gz",
                    "hashes": {"sha256": "aa"},
                }
            ],
        }
    )
    files = parse_json_page(page, "https://index.example.invalid/simple/arshai/")
    assert files[0].version == "2.0.0rc1"
    assert files[0].url == "https://index.example.invalid/f/x.tar.gz"
    assert has_version(files, "2.0.0-rc.1")


@pytest.mark.parametrize("page", ["[1, 2]", "not json"])
def test_json_that_is_no_project_page_is_unreadable(page: str) -> None:
    with pytest.raises(PackageIndexError, match="not a Simple API page"):
        parse_json_page(page, "https://index.example.invalid/simple/x/")


def test_project_names_are_normalized() -> None:
    assert project_page_url("http://h/simple", "Poetry_Release.Plugin") == (
        "http://h/simple/poetry-release-plugin/"
    )
