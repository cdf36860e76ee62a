"""Reading Simple API pages (PEP 503 HTML, PEP 691 JSON) through Poetry's own page classes.

These fail when Poetry changes the page classes the index adapter relies on."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests

from poetry_release_plugin.adapters.index import _page_of
from poetry_release_plugin.core.simple_api import (
    JSON_CONTENT_TYPE,
    IndexFile,
    ProjectStatus,
    closed_release,
    describe_file,
    describe_yank,
    first_upload,
    has_version,
    html_project_status,
    json_project_status,
    next_free,
    parse_upload_time,
    project_page_url,
    yanked_reasons,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import PackageIndexError


def answer(body: str, url: str, content_type: str = "text/html") -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    response.url = url
    return response


def parse_html_page(body: str, url: str) -> list[IndexFile]:
    return _page_of(answer(body, url)).files


def parse_json_page(body: str, url: str) -> list[IndexFile]:
    return _page_of(answer(body, url, JSON_CONTENT_TYPE)).files


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


# PEP 592, PEP 700 and PEP 792 fields, as the Simple API specification writes them.
JSON_PAGE_WITH_STATES = {
    "meta": {"api-version": "1.4"},
    "name": "holygrail",
    "project-status": {"status": "deprecated", "reason": "use grail2"},
    "versions": ["1.0", "1.1"],
    "files": [
        {
            "filename": "holygrail-1.0.tar.gz",
            "url": "https://example.invalid/files/holygrail-1.0.tar.gz",
            "hashes": {"sha256": "aa"},
            "size": 10,
            "upload-time": "2026-11-01T10:20:30.123456Z",
            "yanked": "Had a vulnerability",
        },
        {
            "filename": "holygrail-1.0-py3-none-any.whl",
            "url": "https://example.invalid/files/holygrail-1.0-py3-none-any.whl",
            "hashes": {"sha256": "bb"},
            "size": 10,
            "upload-time": "2026-11-01T10:25:00Z",
            "yanked": True,
        },
        {
            "filename": "holygrail-1.1.tar.gz",
            "url": "https://example.invalid/files/holygrail-1.1.tar.gz",
            "hashes": {"sha256": "cc"},
            "size": 10,
            "yanked": False,
        },
    ],
}
UTC = timezone.utc


def test_a_json_page_gives_yanks_upload_times_and_the_project_status() -> None:
    page = _page_of(
        answer(
            json.dumps(JSON_PAGE_WITH_STATES),
            "https://example.invalid/simple/holygrail/",
            JSON_CONTENT_TYPE,
        )
    )
    yanks = {f.filename: f.yanked for f in page.files}
    assert yanks == {
        "holygrail-1.0.tar.gz": "Had a vulnerability",
        "holygrail-1.0-py3-none-any.whl": "",
        "holygrail-1.1.tar.gz": None,
    }
    times = {f.filename: f.upload_time for f in page.files}
    assert times["holygrail-1.0.tar.gz"] == datetime(2026, 11, 1, 10, 20, 30, 123456, UTC)
    assert times["holygrail-1.1.tar.gz"] is None
    assert page.status == ProjectStatus("deprecated", "use grail2")
    assert yanked_reasons(page.files, "1.0") == ["Had a vulnerability"]
    assert yanked_reasons(page.files, "1.1") is None
    assert first_upload(page.files, "1.0") == datetime(2026, 11, 1, 10, 20, 30, 123456, UTC)


def test_an_html_page_gives_data_yanked_and_the_project_status_meta_tags() -> None:
    body = """<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="1.4">
    <meta name="pypi:project-status" content="archived">
    <meta name="pypi:project-status-reason" content="the project is haunted">
    <title>Links for sampleproject</title>
  </head>
  <body>
    <a href="/f/sampleproject-1.0.tar.gz#sha256=aa" data-yanked="broken build">sampleproject-1.0.tar.gz</a>
    <a href="/f/sampleproject-1.1.tar.gz#sha256=bb" data-yanked>sampleproject-1.1.tar.gz</a>
    <a href="/f/sampleproject-1.2.tar.gz#sha256=cc">sampleproject-1.2.tar.gz</a>
  </body>
</html>
"""
    page = _page_of(answer(body, "https://example.invalid/simple/sampleproject/"))
    assert [f.yanked for f in page.files] == ["broken build", "", None]
    assert all(f.upload_time is None for f in page.files)  # PEP 700 is JSON only
    assert page.status == ProjectStatus("archived", "the project is haunted")
    assert describe_yank("1.0", yanked_reasons(page.files, "1.0") or []) == (
        "1.0 was yanked (broken build)"
    )
    assert yanked_reasons(page.files, "1.1") == []


def test_a_page_without_a_status_marker_is_active() -> None:
    assert _page_of(answer(PYPISERVER_PAGE, "http://127.0.0.1/simple/arshai/")).status == (
        ProjectStatus("active")
    )
    assert json_project_status({"meta": {"api-version": "1.1"}, "files": []}) == ProjectStatus()
    assert html_project_status("<html><head><title>x</title></head></html>") == ProjectStatus()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"project-status": {"status": "quarantined"}}, ProjectStatus("quarantined")),
        (
            {"project-status": {"status": "Archived", "reason": " r "}},
            ProjectStatus("archived", "r"),
        ),
        ({"project-status": {"state": "archived"}}, ProjectStatus("archived")),  # PEP 792's prose
        ({"project-status": "archived"}, ProjectStatus()),  # not the PEP's shape: ignored
        ({"project-status": {"status": ""}}, ProjectStatus()),
        ([], ProjectStatus()),
    ],
)
def test_json_project_status_is_read_by_pep_792(content: object, expected: ProjectStatus) -> None:
    assert json_project_status(content) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01T10:20:30.123456Z", datetime(2026, 11, 1, 10, 20, 30, 123456, UTC)),
        ("2026-11-01T10:20:30Z", datetime(2026, 11, 1, 10, 20, 30, tzinfo=UTC)),
        ("2026-11-01T10:20:30.12Z", datetime(2026, 11, 1, 10, 20, 30, 120000, UTC)),
        ("2026-11-01T10:20:30.1234567Z", datetime(2026, 11, 1, 10, 20, 30, 123456, UTC)),
        ("2026-11-01T11:20:30+01:00", datetime(2026, 11, 1, 10, 20, 30, tzinfo=UTC)),
        ("yesterday", None),
        (1700000000, None),
        (None, None),
    ],
)
def test_upload_times_are_pep_700_utc_times(text: object, expected: datetime | None) -> None:
    assert parse_upload_time(text) == expected


def _file(name: str, uploaded: datetime | None = None) -> IndexFile:
    return describe_file(name, f"https://example.invalid/{name}", None, upload_time=uploaded)


NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
WHEEL, SDIST = "kit-1.0.0-py3-none-any.whl", "kit-1.0.0.tar.gz"


@pytest.mark.parametrize(
    ("listed", "adding", "closed"),
    [
        # the sdist went up 20 days ago, the wheel would be new: PyPI refuses it
        ([_file(SDIST, NOW - timedelta(days=20))], [WHEEL, SDIST], NOW - timedelta(days=20)),
        # nothing to add: nothing to refuse, however old
        ([_file(SDIST, NOW - timedelta(days=20)), _file(WHEEL)], [WHEEL, SDIST], None),
        # within 14 days
        ([_file(SDIST, NOW - timedelta(days=13, hours=23))], [WHEEL, SDIST], None),
        # the index gives no upload time: nothing said
        ([_file(SDIST)], [WHEEL, SDIST], None),
        # no file of the version yet: a first upload is no resume
        ([_file("kit-0.9.0.tar.gz", NOW - timedelta(days=90))], [WHEEL, SDIST], None),
    ],
)
def test_a_release_older_than_14_days_is_closed_to_new_files(
    listed: list[IndexFile], adding: list[str], closed: datetime | None
) -> None:
    assert closed_release(listed, "1.0.0", adding, NOW) == closed


def test_the_next_free_version_passes_every_version_the_index_has() -> None:
    files = [_file("kit-1.0.1.tar.gz"), _file("kit-1.0.2-py3-none-any.whl")]
    assert next_free(files, parse_version("1.0.0")) == "1.0.3"
    assert next_free(files, parse_version("1.0.2")) == "1.0.3"
    assert next_free([], parse_version("2.0.0rc1")) == "2.0.0rc2"  # a pre-release stays one


@pytest.mark.parametrize(
    ("taken", "listed", "free"),
    [
        ("0.9.1", ["0.9.1", "0.9.2"], "0.9.3"),
        ("0.9.1a0", ["0.9.1a0"], "0.9.1a1"),
        ("1.0.0rc2", ["1.0.0rc2", "1.0.0rc3"], "1.0.0rc4"),
        ("1.0.0.dev1", ["1.0.0.dev1"], "1.0.0.dev2"),
        ("1.0.0.post1", ["1.0.0.post1"], "1.0.0.post2"),
    ],
)
def test_the_next_free_version_is_of_the_same_kind(
    taken: str, listed: list[str], free: str
) -> None:
    from poetry.core.constraints.version import Version

    from poetry_release_plugin.core.simple_api import next_free

    files = [describe_file(f"widget_kit-{v}.tar.gz", "", None) for v in listed]

    assert next_free(files, Version.parse(taken)) == free


def test_text_from_the_index_cannot_forge_lines_or_colours() -> None:
    file = describe_file("w-1.0.tar.gz", "", None, yanked="\x1b[31mred\x1b[0m\nline two")

    assert file.yanked == "[31mred [0m line two"
