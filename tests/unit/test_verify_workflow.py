"""`verify`'s decisions through in-memory adapters and a fake clock: no test waits for real."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest
from fakes import MemoryGitHub

from poetry_release_plugin.adapters.github import GitHubRelease, WorkflowRun
from poetry_release_plugin.core.release_assets import AttachedAsset
from poetry_release_plugin.core.simple_api import (
    IndexFile,
    ProjectPage,
    ProjectStatus,
    describe_file,
)
from poetry_release_plugin.errors import IndexCredentialsRefused, PackageIndexError
from poetry_release_plugin.workflows.verify import (
    CheckRow,
    Outcome,
    VerifyAdapters,
    VerifyRequest,
    verify,
)

if TYPE_CHECKING:
    from pathlib import Path

FILES = ["widget_kit-1.1.0-py3-none-any.whl", "widget_kit-1.1.0.tar.gz"]


@dataclass
class Clock:
    """Time that passes only when the workflow sleeps."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class LateIndex:
    """An index that lists the release's files from `arrives_at` on (never, if None)."""

    url = "https://index.invalid/simple/"

    def __init__(
        self,
        clock: Clock,
        arrives_at: float | None,
        files: list[str],
        answer_seconds: float = 0.0,
    ) -> None:
        self.clock = clock
        self.arrives_at = arrives_at
        self.files = files
        self.answer_seconds = answer_seconds  # how long each answer takes
        self.asked = 0
        self.asked_at: list[tuple[float, float | None]] = []  # (when, the budget given)
        self.status = ProjectStatus()
        self.yanked: str | None = None  # every file yanked with this reason, or None

    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        self.asked += 1
        self.asked_at.append((self.clock.now, seconds))
        self.clock.now += self.answer_seconds
        if self.arrives_at is None or self.clock.now < self.arrives_at:
            early = [describe_file("widget_kit-1.0.0.tar.gz", "https://index.invalid/a", None)]
            return ProjectPage(early, self.status)
        files = [
            describe_file(
                name, f"https://index.invalid/{name}", digest_of(name), yanked=self.yanked
            )
            for name in self.files
        ]
        return ProjectPage(files, self.status)


def digest_of(name: str) -> str:
    """The sha256 the index lists for a file (made up from its name)."""
    return hashlib.sha256(name.encode()).hexdigest()


def released(
    *, draft: bool = False, assets: tuple[str, ...] = (*FILES, "SHA256SUMS")
) -> MemoryGitHub:
    github = MemoryGitHub()
    github.releases.append(
        GitHubRelease(1, "v1.1.0", "Release v1.1.0", draft, False, "https://x/v1.1.0", "notes")
    )
    github.attached[1] = [
        AttachedAsset(number, name, "uploaded", digest_of(name), 1)
        for number, name in enumerate(assets, start=1)
    ]
    github.contents["SHA256SUMS"] = "".join(f"{digest_of(n)}  {n}\n" for n in FILES).encode()
    return github


def run_verify(
    *,
    arrives_at: float | None = 0.0,
    files: list[str] = FILES,
    github: MemoryGitHub | None = None,
    timeout: float = 60.0,
    install: bool = False,
    clock: Clock | None = None,
    index: LateIndex | None = None,
) -> dict[str, CheckRow]:
    clock = clock or Clock()
    request = VerifyRequest(
        name="widget-kit",
        package="widget_kit",
        version="1.1.0",
        tag="v1.1.0",
        commit="c" * 40,
        timeout=timeout,
        install=install,
    )
    adapters = VerifyAdapters(
        index=index or LateIndex(clock, arrives_at, files),
        github=lambda: github,
        waiting=lambda line: None,
        install=lambda name, version, package, files: (
            True,
            f"{package}.__version__ == 1.1.0",
        ),
        sleep=clock.sleep,
        clock=lambda: clock.now,
    )
    return {row.name: row for row in verify(request, adapters)}


def test_a_release_that_is_out_passes_every_check() -> None:
    rows = run_verify(github=released(), install=True)

    assert {name: row.outcome for name, row in rows.items()} == {
        "index": Outcome.OK,
        "files": Outcome.OK,
        "install": Outcome.OK,
        "github": Outcome.OK,
        "assets": Outcome.OK,
        "workflow": Outcome.SKIPPED,  # no runs for the commit: a note, not a failure
    }


def test_a_late_upload_is_found_by_polling_until_it_lands() -> None:
    clock = Clock()

    rows = run_verify(arrives_at=25.0, clock=clock, github=released())

    assert rows["index"].outcome is Outcome.OK
    assert 25.0 <= clock.now < 60.0
    assert max(clock.slept) <= 10.0  # the backoff is capped


def test_a_version_that_never_arrives_fails_at_the_timeout() -> None:
    clock = Clock()

    rows = run_verify(arrives_at=None, timeout=30.0, clock=clock, github=released())

    assert rows["index"].outcome is Outcome.FAILED
    assert "after 30 s" in rows["index"].detail
    assert rows["files"].outcome is Outcome.SKIPPED
    assert clock.now <= 30.0


def test_a_failed_publish_workflow_ends_the_wait_at_once() -> None:
    clock = Clock()
    github = released()
    github.runs.append(
        WorkflowRun(9, "Release", "release", "completed", "failure", "https://x/runs/9")
    )

    rows = run_verify(arrives_at=None, timeout=600.0, clock=clock, github=github)

    assert rows["index"].outcome is Outcome.FAILED
    assert "https://x/runs/9" in rows["index"].detail
    assert clock.now < 600.0
    assert rows["workflow"].outcome is Outcome.FAILED


def test_a_release_without_its_sdist_fails_on_files() -> None:
    rows = run_verify(files=FILES[:1], github=released())

    assert rows["files"].outcome is Outcome.FAILED
    assert "no sdist" in rows["files"].detail


def test_a_draft_github_release_is_not_out() -> None:
    rows = run_verify(github=released(draft=True))

    assert rows["github"].outcome is Outcome.FAILED
    assert "draft" in rows["github"].detail


def test_without_a_token_github_is_skipped_not_failed() -> None:
    rows = run_verify(github=None)

    assert rows["github"].outcome is Outcome.SKIPPED
    assert rows["index"].outcome is Outcome.OK


def test_install_is_only_tried_when_asked_and_the_version_is_there() -> None:
    assert run_verify(install=False)["install"].outcome is Outcome.SKIPPED
    assert run_verify(install=True, arrives_at=None, timeout=1)["install"].outcome is (
        Outcome.SKIPPED
    )


def test_a_dist_folder_is_compared_by_sha256(tmp_path: Path) -> None:
    clock = Clock()
    request = VerifyRequest(
        "widget-kit",
        "widget_kit",
        "1.1.0",
        "v1.1.0",
        None,
        dist_dir=tmp_path,
        dist_files={FILES[0]: "0" * 64},
        github=False,
    )
    index = LateIndex(clock, 0.0, FILES)
    adapters = VerifyAdapters(
        index=index,
        github=lambda: None,
        waiting=lambda line: None,
        install=lambda *args: (True, ""),
        sleep=clock.sleep,
        clock=lambda: clock.now,
    )

    rows = {row.name: row for row in verify(request, adapters)}

    assert rows["files"].outcome is Outcome.FAILED
    assert f"{FILES[0]} differs from the index's (sha256 {'0' * 64} here" in rows["files"].detail


@pytest.mark.parametrize("arrives_at", [0.0, 0.7, 12.3, 59.9, 299.0])
def test_an_upload_is_noticed_within_three_seconds_of_landing(arrives_at: float) -> None:
    clock = Clock()
    index = LateIndex(clock, arrives_at, FILES, answer_seconds=0.05)

    rows = run_verify(clock=clock, index=index, timeout=600.0)

    assert rows["index"].outcome is Outcome.OK
    assert clock.now - arrives_at <= 3.0
    times = [when for when, _ in index.asked_at]
    assert all(later - earlier <= 2.0 for earlier, later in pairwise(times))


def test_no_request_may_outlive_the_timeout() -> None:
    clock = Clock()
    index = LateIndex(clock, None, FILES, answer_seconds=0.05)

    rows = run_verify(clock=clock, index=index, timeout=5.0)

    assert rows["index"].outcome is Outcome.FAILED
    assert all(when + (budget or 0) <= 5.0 + 1e-9 for when, budget in index.asked_at)
    assert clock.now <= 5.0 + index.answer_seconds


class RefusingIndex(LateIndex):
    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        super().project_page(project, seconds=seconds)
        raise IndexCredentialsRefused(
            "The index refused the credentials for repository private", "fix them"
        )


class SilentIndex(LateIndex):
    def project_page(self, project: str, *, seconds: float | None = None) -> ProjectPage | None:
        super().project_page(project, seconds=seconds)
        raise PackageIndexError("The index gave no complete answer within 5 s")


def test_refused_credentials_end_the_wait_at_once() -> None:
    clock = Clock()
    index = RefusingIndex(clock, 0.0, FILES)

    rows = run_verify(clock=clock, index=index)

    assert rows["index"].outcome is Outcome.FAILED
    assert "refused the credentials for repository private" in rows["index"].detail
    assert index.asked == 1


def test_an_index_that_does_not_answer_is_asked_again_until_the_timeout() -> None:
    clock = Clock()
    index = SilentIndex(clock, 0.0, FILES)

    rows = run_verify(clock=clock, index=index, timeout=20.0)

    assert rows["index"].outcome is Outcome.FAILED
    assert "no complete answer" in rows["index"].detail
    assert index.asked > 1


def test_the_install_gets_the_versions_files_with_their_hashes() -> None:
    clock = Clock()
    given: list[list[IndexFile]] = []

    def install(
        name: str, version: str, package: str | None, files: list[IndexFile]
    ) -> tuple[bool, str]:
        given.append(files)
        return True, "installed"

    request = VerifyRequest(
        "widget-kit", "widget_kit", "1.1.0", "v1.1.0", None, timeout=10, install=True
    )
    adapters = VerifyAdapters(
        index=LateIndex(clock, 0.0, FILES),
        github=lambda: None,
        waiting=lambda line: None,
        install=install,
        sleep=clock.sleep,
        clock=lambda: clock.now,
    )

    rows = {row.name: row for row in verify(request, adapters)}

    assert rows["install"].outcome is Outcome.OK
    assert [f.filename for f in given[0]] == FILES  # not widget_kit-1.0.0.tar.gz


def test_a_release_missing_a_file_of_the_index_fails_the_assets_check() -> None:
    rows = run_verify(github=released(assets=(FILES[0], "SHA256SUMS")))

    assert rows["assets"].outcome is Outcome.FAILED
    assert f"{FILES[1]} is not attached" in rows["assets"].detail


def test_an_asset_with_other_bytes_than_the_index_fails_naming_both_digests() -> None:
    github = released()
    github.attached[1][0] = AttachedAsset(1, FILES[0], "uploaded", "0" * 64, 1)

    rows = run_verify(github=github)

    assert rows["assets"].outcome is Outcome.FAILED
    assert "0" * 64 in rows["assets"].detail
    assert digest_of(FILES[0]) in rows["assets"].detail


def test_a_release_without_its_sums_fails_the_assets_check() -> None:
    rows = run_verify(github=released(assets=tuple(FILES)))

    assert rows["assets"].outcome is Outcome.FAILED
    assert "no SHA256SUMS" in rows["assets"].detail


def provenance_run(publisher_now: dict[str, str] | None) -> CheckRow:
    """verify --provenance of 1.1.0, whose predecessor 1.0.0 came from acme/widget-kit."""
    clock = Clock()
    before = {"kind": "GitHub", "repository": "acme/widget-kit", "workflow": "release.yml"}

    def provenance(version: str, filename: str) -> object:
        publisher = before if version == "1.0.0" else publisher_now
        if publisher is None:
            return None
        return {"attestation_bundles": [{"publisher": publisher, "attestations": []}]}

    request = VerifyRequest(
        "widget-kit",
        "widget_kit",
        "1.1.0",
        "v1.1.0",
        None,
        github=False,
        provenance=True,
        publisher_repository="acme/widget-kit",
    )
    adapters = VerifyAdapters(
        index=LateIndex(clock, 0.0, [*FILES, "widget_kit-1.0.0.tar.gz"]),
        github=lambda: None,
        waiting=lambda line: None,
        install=lambda *args: (True, ""),
        provenance=provenance,
        sleep=clock.sleep,
        clock=lambda: clock.now,
    )
    return {row.name: row for row in verify(request, adapters)}["provenance"]


def test_provenance_lost_against_the_release_before_is_reported() -> None:
    row = provenance_run(None)

    assert row.outcome is Outcome.FAILED
    assert "provenance lost: 1.0.0 was published by acme/widget-kit (release.yml)" in row.detail


def test_a_publisher_changed_against_the_release_before_is_reported() -> None:
    row = provenance_run({"kind": "GitHub", "repository": "mallory/widget-kit"})

    assert row.outcome is Outcome.FAILED
    assert (
        "publisher changed: 1.0.0 was published by acme/widget-kit (release.yml), "
        "1.1.0 by mallory/widget-kit" in row.detail
    )


def test_a_yanked_release_fails_the_index_check_with_its_reason() -> None:
    clock = Clock()
    index = LateIndex(clock, 0.0, FILES)
    index.yanked = "broken metadata"

    rows = run_verify(clock=clock, index=index)

    assert rows["index"].outcome is Outcome.FAILED
    assert rows["index"].detail.startswith("1.1.0 was yanked (broken metadata) on the index")
    assert "unless pinned (==1.1.0)" in rows["index"].detail
    assert index.asked == 1  # it is there: no waiting


def test_a_quarantined_project_fails_at_once() -> None:
    clock = Clock()
    index = LateIndex(clock, None, [])
    index.status = ProjectStatus("quarantined", "malware")

    rows = run_verify(clock=clock, index=index, timeout=600)

    assert rows["index"].outcome is Outcome.FAILED
    assert "is quarantined on https://index.invalid/simple/ (malware)" in rows["index"].detail
    assert index.asked == 1


def test_a_deprecated_project_is_named_in_the_index_row() -> None:
    clock = Clock()
    index = LateIndex(clock, 0.0, FILES)
    index.status = ProjectStatus("deprecated")

    rows = run_verify(clock=clock, index=index)

    assert rows["index"].outcome is Outcome.OK
    assert rows["index"].detail.endswith("; the project is deprecated on the index")


def test_sums_that_say_other_digests_than_the_index_fail_the_assets_check() -> None:
    github = released()
    github.contents["SHA256SUMS"] = f"{'0' * 64}  {FILES[0]}\n".encode()

    rows = run_verify(github=github)

    assert rows["assets"].outcome is Outcome.FAILED
    assert f"SHA256SUMS gives {FILES[0]} sha256 {'0' * 64}" in rows["assets"].detail
    assert f"SHA256SUMS gives {FILES[1]} sha256 none" in rows["assets"].detail


def test_an_unfinished_sums_upload_fails_the_assets_check() -> None:
    github = released()
    github.attached[1][-1] = AttachedAsset(3, "SHA256SUMS", "starter", None, 0)

    rows = run_verify(github=github)

    assert rows["assets"].outcome is Outcome.FAILED
    assert "SHA256SUMS is an unfinished upload" in rows["assets"].detail
