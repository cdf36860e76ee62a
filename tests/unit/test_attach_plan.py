"""The files a GitHub release carries: attached while a draft, never twice, never over other
bytes, never to a locked release (the cut workflow on in-memory adapters)."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGitHub, project
from test_cut_workflow import Release

from poetry_release_plugin.core.ci_workflow import publish_workflows
from poetry_release_plugin.core.release_assets import (
    AssetFile,
    AttachedAsset,
    plan_attach,
    release_files,
    sha256sums,
)
from poetry_release_plugin.errors import ConfigError, ReleaseError
from poetry_release_plugin.workflows.cut import CutRequest, StepResult, plan_cut, run_cut

if TYPE_CHECKING:
    from pathlib import Path

WHEEL, SDIST = "widget_kit-1.1.0-py3-none-any.whl", "widget_kit-1.1.0.tar.gz"


def built(tmp_path: Path) -> list[Path]:
    """A wheel and an sdist of widget-kit 1.1.0 that ship its version module."""
    wheel, sdist = tmp_path / WHEEL, tmp_path / SDIST
    module = b'__version__ = "1.1.0"\n'
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("widget_kit/_version.py", module)
    with tarfile.open(sdist, "w:gz") as archive:
        member = tarfile.TarInfo("widget_kit-1.1.0/widget_kit/_version.py")
        member.size = len(module)
        archive.addfile(member, io.BytesIO(module))
    return [wheel, sdist]


def releasing(tmp_path: Path, *, immutable: bool | None = False) -> Release:
    release = Release(github=MemoryGitHub(immutable=immutable))
    release.publishing.files = built(tmp_path)
    return release


def attached(release: Release) -> list[str]:
    return [asset.name for asset in release.github.attached.get(1, [])]


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_sha256sums_is_what_sha256sum_checks() -> None:
    files = [AssetFile("b.tar.gz", sha(b"b"), b"b"), AssetFile("a.whl", sha(b"a"), b"a")]

    sums = sha256sums(files)

    assert sums.name == "SHA256SUMS"
    assert sums.content.decode() == f"{sha(b'a')}  a.whl\n{sha(b'b')}  b.tar.gz\n"


def test_the_files_go_on_the_draft_then_it_is_published(tmp_path: Path) -> None:
    release = releasing(tmp_path)

    steps = release.cut(publish=True)

    assert steps["assets"] is StepResult.DONE
    assert attached(release) == [WHEEL, SDIST, "SHA256SUMS"]
    assert release.github.created[0]["draft"] is True
    assert not release.github.releases[0].draft


def test_a_resumed_release_gets_only_the_missing_files(tmp_path: Path) -> None:
    release = releasing(tmp_path, immutable=None)
    release.github.refuse_uploads = "GitHub did not answer"
    with pytest.raises(ReleaseError, match="stays a draft"):  # unknown immutability: draft kept
        release.cut(publish=True)
    release.github.refuse_uploads = None
    release.github.attached[1] = [
        AttachedAsset(7, WHEEL, "uploaded", sha((tmp_path / WHEEL).read_bytes()), 14),
        AttachedAsset(8, SDIST, "starter", None, 0),  # what a 502 leaves
    ]

    steps = release.cut(publish=True)

    assert steps["assets"] is StepResult.DONE
    assert attached(release) == [WHEEL, SDIST, "SHA256SUMS"]
    assert [a.state for a in release.github.attached[1]] == ["uploaded"] * 3
    assert not release.github.releases[0].draft


def test_an_asset_with_other_bytes_stops_the_release_as_a_draft(tmp_path: Path) -> None:
    release = releasing(tmp_path, immutable=None)
    release.github.refuse_uploads = "no"
    with pytest.raises(ReleaseError):
        release.cut(publish=True)
    release.github.refuse_uploads = None
    release.github.attached[1] = [AttachedAsset(7, WHEEL, "uploaded", sha(b"other"), 5)]

    with pytest.raises(ReleaseError) as raised:
        release.cut(publish=True)

    assert sha(b"other") in str(raised.value)
    assert sha((tmp_path / WHEEL).read_bytes()) in str(raised.value)
    assert release.github.releases[0].draft


def test_outside_immutable_releases_a_refused_upload_is_reported_not_fatal(
    tmp_path: Path,
) -> None:
    release = releasing(tmp_path, immutable=False)
    release.github.refuse_uploads = "GitHub refused the upload"

    steps = release.cut(publish=True)

    assert steps["assets"] is StepResult.SKIPPED
    assert not release.github.releases[0].draft
    assert any("Not attached" in warning for warning in release.said.warnings)


@pytest.mark.parametrize("immutable", [True, None])
def test_where_releases_may_be_immutable_a_refused_upload_keeps_the_draft(
    tmp_path: Path, immutable: bool | None
) -> None:
    release = releasing(tmp_path, immutable=immutable)
    release.github.refuse_uploads = "GitHub refused the upload"

    with pytest.raises(ReleaseError, match="stays a draft"):
        release.cut(publish=True)

    assert release.github.releases[0].draft


def test_a_published_immutable_release_is_never_touched(tmp_path: Path) -> None:
    release = releasing(tmp_path, immutable=True)
    release.cut()  # published by hand, without files: locked now
    assert release.github.releases[0].immutable

    steps = release.cut(publish=True)

    assert steps["assets"] is StepResult.SKIPPED
    assert attached(release) == []
    assert any("can never be attached" in warning for warning in release.said.warnings)


def test_assets_false_attaches_nothing(tmp_path: Path) -> None:
    release = releasing(tmp_path)

    steps = release.cut("assets = false\n", publish=True)

    assert "assets" not in steps
    assert attached(release) == []
    assert not release.github.releases[0].draft


def test_plan_attach_sends_each_missing_file_once() -> None:
    files = [AssetFile("a", sha(b"a"), b"a"), AssetFile("b", sha(b"b"), b"b")]
    have = [AttachedAsset(1, "a", "uploaded", sha(b"a"), 1)]

    plan = plan_attach(files, have)

    assert [file.name for file in plan.upload] == ["b"]
    assert plan.present == ("a",)
    assert not plan.done


def test_release_files_end_with_their_sums(tmp_path: Path) -> None:
    files = release_files(built(tmp_path))

    assert [file.name for file in files] == [WHEEL, SDIST, "SHA256SUMS"]


WORKFLOWS = {
    "init-ci's, on the tag": (
        'on:\n  push:\n    tags:\n      - "v*"\njobs:\n  p:\n    steps:\n'
        "      - run: poetry release cut --publish\n",
        (True, False, True),
    ),
    "the guide's, on the published release": (
        "name: Publish\non:\n  release:\n    types: [published]\njobs:\n  b:\n    steps:\n"
        "    - run: poetry publish --build\n",
        (False, True, False),
    ),
    "pypa's action on branches and tags": (
        "on:\n  push:\n    branches: [main]\n    tags: ['*']\njobs:\n  b:\n    steps:\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n",
        (True, False, False),
    ),
    "branches only": (
        "on:\n  push:\n    branches: [main]\njobs:\n  b:\n    steps:\n"
        "      - run: poetry publish\n",
        (False, False, False),
    ),
    "an inline list": (
        "on: [push, release]\njobs:\n  p:\n    steps:\n      - run: poetry publish\n",
        (True, True, False),
    ),
    "a command in a comment only": (
        'on:\n  push:\n    tags: ["v*"]\njobs:\n  p:\n    steps:\n'
        "      - run: poetry publish --build  # TODO: poetry release cut --publish\n",
        (True, False, False),
    ),
    "another project's tags": (
        'on:\n  push:\n    tags: ["cli-v*"]\njobs:\n  p:\n    steps:\n'
        "      - run: poetry release cut --publish\n",
        (False, False, True),
    ),
    "tags ignored": (
        "on:\n  push:\n    tags-ignore:\n      - 'v1.*'\njobs:\n  p:\n    steps:\n"
        "      - run: poetry release cut --publish\n",
        (False, False, True),
    ),
    "no GitHub release": (
        "on:\n  push:\n    tags:\n      - v*\njobs:\n  p:\n    steps:\n"
        "      - run: poetry release cut --publish --no-github-release\n",
        (True, False, False),
    ),
}


@pytest.mark.parametrize("case", WORKFLOWS, ids=list(WORKFLOWS))
def test_what_starts_a_publish_workflow(case: str) -> None:
    text, (on_tag, on_release, attaches) = WORKFLOWS[case]

    [found] = publish_workflows({".github/workflows/release.yml": text})

    assert (found.runs_on("v1.0.0"), found.on_release, found.attaches) == (
        on_tag,
        on_release,
        attaches,
    )


def test_a_workflow_that_uploads_nothing_is_not_one() -> None:
    assert publish_workflows({"ci.yml": "on: push\njobs:\n  t:\n    steps:\n  - run: make\n"}) == []


def test_cut_leaves_a_draft_for_the_workflow_on_the_tag() -> None:
    release = Release()
    release.git.workflows = {".github/workflows/release.yml": WORKFLOWS["init-ci's, on the tag"][0]}

    release.cut()

    assert release.github.releases[0].draft
    assert release.github.created[0]["draft"] is True


def test_cut_publishes_for_a_workflow_on_the_published_release() -> None:
    release = Release()
    text = WORKFLOWS["the guide's, on the published release"][0]
    release.git.workflows = {".github/workflows/publish.yml": text}

    release.cut()

    assert not release.github.releases[0].draft


def test_a_rehearsal_runs_before_anything_irreversible(tmp_path: Path) -> None:
    release = releasing(tmp_path)
    order: list[str] = []
    adapters = release.adapters()

    def rehearse(tagged: bool) -> str:
        order.append("rehearsed")
        return "on testpypi"

    adapters.rehearse = rehearse
    request = CutRequest(publish=True, rehearse="testpypi")

    plan = plan_cut(project("1.1.0"), request, adapters)
    reports = run_cut(plan, request, adapters)

    assert [report.name for report in reports][:2] == ["rehearsal", "tag"]
    assert order == ["rehearsed"]


def test_a_failed_rehearsal_leaves_no_tag(tmp_path: Path) -> None:
    release = releasing(tmp_path)
    adapters = release.adapters()

    def broken(tagged: bool) -> str:
        raise ReleaseError("The rehearsal on testpypi does not install", "fix it")

    adapters.rehearse = broken
    request = CutRequest(publish=True, rehearse="testpypi")
    plan = plan_cut(project("1.1.0"), request, adapters)

    with pytest.raises(ReleaseError, match="does not install"):
        run_cut(plan, request, adapters)

    assert "v1.1.0" not in release.git.tags
    assert release.github.releases == []
    assert release.publishing.uploads == 0


def test_rehearsing_on_the_real_repository_is_refused(tmp_path: Path) -> None:
    release = releasing(tmp_path)

    with pytest.raises(ConfigError, match="is the one the release goes to"):
        plan_cut(project("1.1.0"), CutRequest(publish=True, rehearse="pypi"), release.adapters())


@pytest.mark.parametrize(
    ("step", "makes_release", "uploads_itself"),
    [
        ("uses: ncipollo/release-action@v1", True, False),
        ("uses: 'softprops/action-gh-release@v2'", True, False),
        ('run: gh release create "$TAG" dist/*', True, False),
        ("run: poetry publish --build", False, True),
        ("uses: pypa/gh-action-pypi-publish@release/v1", False, True),
        ("run: poetry release cut --publish", False, False),
        ("run: make  # then gh release create, by hand", False, False),
    ],
)
def test_what_a_workflow_does_without_the_plugin(
    step: str, makes_release: bool, uploads_itself: bool
) -> None:
    text = f"on:\n  push:\n    tags: ['*.*.*']\njobs:\n  r:\n    steps:\n      - {step}\n"
    text = text.replace(
        "echo gh release create  # a comment is not read", "echo #gh release create"
    )

    found = publish_workflows({".github/workflows/release.yml": text})

    assert [(w.makes_release, w.uploads_itself) for w in found] == (
        [(makes_release, uploads_itself)]
        if makes_release or uploads_itself or "cut" in step
        else []
    )
    assert all(w.releases_by_itself("1.2.3") == (makes_release or uploads_itself) for w in found)


# Real workflows whose tag filters use GitHub's `+` (one or more of the character before),
# which fnmatch reads as a `+` itself: scrapy/scrapy's and scrapy/parsel's
# .github/workflows/publish.yml, as committed (trimmed to the trigger and the upload).
SCRAPY_PUBLISH = """\
name: Publish
on:
  push:
    tags:
      - '[0-9]+.[0-9]+.[0-9]+'
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - name: Publish to PyPI
        uses: pypa/gh-action-pypi-publish@v1.6.4
        with:
          password: ${{ secrets.PYPI_TOKEN }}
"""
PARSEL_PUBLISH = """\
name: Publish
on:
  push:
    tags:
      - v[0-9]+.[0-9]+.[0-9]+

jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
    - name: Publish to PyPI
      uses: pypa/gh-action-pypi-publish@cef221092ed1bacb1cc03d23a2d87d1d172e277b # v1.14.0
"""


@pytest.mark.parametrize(
    ("text", "tag", "other"),
    [(SCRAPY_PUBLISH, "2.13.3", "v2.13.3"), (PARSEL_PUBLISH, "v1.10.0", "v1.10.0rc1")],
    ids=["scrapy", "parsel"],
)
def test_a_tag_filter_is_read_as_github_reads_it(text: str, tag: str, other: str) -> None:
    [found] = publish_workflows({".github/workflows/publish.yml": text})

    assert found.releases_by_itself(tag)
    assert not found.runs_on(other)


@pytest.mark.parametrize(
    ("patterns", "runs"),
    [
        (["v[12].[0-9]+.[0-9]+"], {"v1.10.0": True, "v3.0.0": False, "v1.10.0rc1": False}),
        (["v*"], {"v1.10.0": True, "v1.10.0rc1": True, "v1/1.0": False}),
        (["v**"], {"v1/1.0": True}),
        (["v*", "!v*rc*"], {"v1.10.0": True, "v1.10.0rc1": False}),
        (["!v*rc*", "v*"], {"v1.10.0rc1": True}),
    ],
)
def test_github_filter_patterns(patterns: list[str], runs: dict[str, bool]) -> None:
    tags = "".join(f"\n      - '{pattern}'" for pattern in patterns)
    text = f"on:\n  push:\n    tags:{tags}\njobs:\n  p:\n    steps:\n      - run: twine upload\n"

    [found] = publish_workflows({".github/workflows/publish.yml": text})

    assert {tag: found.runs_on(tag) for tag in runs} == runs


def test_cut_publish_is_refused_before_the_tag_for_a_plus_filter_workflow() -> None:
    release = Release()
    release.git.workflows = {".github/workflows/publish.yml": PARSEL_PUBLISH}

    with pytest.raises(ReleaseError, match="uploads to the index when v1.1.0 is pushed"):
        release.cut(publish=True)

    assert "v1.1.0" not in release.git.tags


# python-attrs/attrs's .github/workflows/pypi-package.yml (0184a19f), trimmed: it runs on every
# tag push, but its jobs upload to PyPI only for a published release (`if:` on the event).
ATTRS = """\
on:
  push:
    branches: [main]
    tags: ["*"]
  release:
    types:
      - published
jobs:
  release-pypi:
    if: github.repository_owner == 'python-attrs' && github.event.action == 'published'
    steps:
      - name: Upload package to PyPI
        uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_a_workflow_that_also_waits_for_the_release_is_taken_to_upload_then() -> None:
    [found] = publish_workflows({".github/workflows/pypi-package.yml": ATTRS})

    assert found.runs_on("23.1.0")
    assert found.on_release
    assert not found.uploads_on_the_tag
    assert not found.releases_by_itself("23.1.0")  # cut --publish is not refused for it
