"""The plugin's errors: each says what is wrong and how to fix it, and prints nothing itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

from poetry_release_plugin.core.redaction import printable, redact


class ReleaseError(Exception):
    """An expected failure: the command prints its message and exits 1, without a traceback.

    Its message never holds a secret: URL credentials and known tokens are redacted here."""

    def __init__(self, what: str, fix: str = "") -> None:
        what, fix = printable(redact(what)), printable(redact(fix))
        self.what = what
        self.fix = fix
        super().__init__(f"{what}: {fix}" if fix else what)


class ConfigError(ReleaseError):
    """`[tool.poetry-release]` or the project's metadata is wrong."""


class NotOnGitHub(ConfigError):
    """The remote is on a host that is not GitHub, and no GitHub API was configured for it."""

    def __init__(self, remote: str, host: str) -> None:
        self.remote = remote
        self.host = host
        super().__init__(
            f"The remote {remote} is on {host}, which is not GitHub, so no GitHub token is "
            "sent there",
            f'for a GitHub Enterprise server set github-api-url = "https://{host}/api/v3" in '
            f"[tool.poetry-release] (or GITHUB_API_URL, or GH_HOST={host}); for another forge, "
            "set github-release = false (cut: --no-github-release)",
        )


class ProjectError(ReleaseError):
    """The project's files cannot be read or rewritten as they are."""


class GitError(ReleaseError):
    """A git command failed or the repository is not in a releasable state."""


class PushRejected(GitError):
    """The remote refused the atomic push; `reason` says why, in the user's words."""

    def __init__(self, what: str, fix: str, *, reason: str, remote_message: str) -> None:
        self.reason = reason  # "remote moved", "hook rejected", "permission denied" or "refused"
        self.remote_message = remote_message
        super().__init__(what, fix)


class PublishError(ReleaseError):
    """Building, checking the credentials for, or uploading to the package index failed."""


class TrustedPublishingError(PublishError):
    """Minting a short-lived upload token from the job's OIDC identity failed."""


class PackageIndexError(ReleaseError):
    """The package index refused or could not answer."""


class GitHubError(ReleaseError):
    """GitHub refused a request or could not be reached."""


class NoGitHubToken(GitHubError):
    """A step that writes to GitHub found no token for its API's host; `instead` is the
    option that does without GitHub, if the command has one."""

    def __init__(self, host: str, instead: str = "") -> None:
        self.host = host
        login = f"run gh auth login --hostname {host}"
        super().__init__(
            f"No GitHub token: GITHUB_TOKEN and GH_TOKEN are unset and gh is not logged in to "
            f"{host}",
            "export GITHUB_TOKEN with a token that may create releases (contents: write), "
            + (f"{login}, or use {instead}" if instead else f"or {login}"),
        )


class HttpUnavailable(ReleaseError):
    """No usable answer after the retries: the server is down, unreachable or overloaded."""

    def __init__(self, url: str, reason: str, response: httpx.Response | None = None) -> None:
        self.url = url
        self.reason = reason
        self.response = response
        super().__init__(f"{url} did not answer usefully ({reason})", "try again later")


class IndexCredentialsRefused(PackageIndexError):
    """The index answered 401/403: the repository's credentials are missing or wrong."""


class DeadlineExceeded(Exception):
    """Network work gave no result in time (internal: adapters turn it into their own error)."""


class BuildFailed(ReleaseError):
    """`poetry build` failed; `output` is what it printed."""

    def __init__(self, output: str) -> None:
        self.output = output
        super().__init__("poetry build failed", "fix the build, then run the command again")


@dataclass(frozen=True)
class FileVersion:
    """A file and the version it holds, for mismatch reports."""

    path: str
    version: str


class VersionMismatch(ReleaseError):
    """The files that hold the version do not agree."""

    def __init__(self, files: list[FileVersion]) -> None:
        self.files = files
        held = ", ".join(f"{f.path} holds {f.version}" for f in files)
        super().__init__(
            f"The version files disagree: {held}",
            "make them agree (edit the odd one out), then run the command again",
        )


class UnknownVersionPlaces(ReleaseError):
    """The current version is mentioned where no place, no version-ignore entry and no rule
    says what to do with it."""

    def __init__(
        self, version: str, mentions: list[tuple[str, str]], entries: list[str] | None = None
    ) -> None:
        self.mentions = mentions
        shown = "; ".join(f"{where}: {text}" for where, text in mentions[:10])
        more = f" (and {len(mentions) - 10} more)" if len(mentions) > 10 else ""
        listed = ", ".join(f'"{entry}"' for entry in dict.fromkeys(entries or ()))
        example = (
            f"here: {listed}"
            if listed
            else 'for example "docs/conf.py:release", "README.md" or { path = "README.md", '
            'search = "pkg=={version}" }'
        )
        super().__init__(
            f"{version} is also written where prepare would leave it behind: {shown}{more}",
            f"add each to [tool.poetry-release] version-files (to write the new version there, "
            f"{example}), or to version-ignore (to leave it as it is, for example "
            '"docs/history.md"), then run prepare again',
        )


class InvalidVersion(ReleaseError):
    """A requested version is not PEP 440."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f'"{text}" is neither a bump rule nor a valid PEP 440 version',
            "use one of major, minor, patch, premajor, preminor, prepatch, prerelease, "
            "or a version such as 1.2.3 or 2.0.0rc1",
        )


class VersionNotGreater(ReleaseError):
    """The requested version would not move forward."""

    def __init__(self, current: str, new: str) -> None:
        self.current = current
        self.new = new
        super().__init__(
            f"The new version {new} is not greater than the current version {current}",
            "choose a higher version (a release never goes backwards)",
        )


class TagExists(ReleaseError):
    """The release tag is already taken."""

    def __init__(self, tag: str, where: str) -> None:
        self.tag = tag
        self.where = where
        super().__init__(
            f"Tag {tag} already exists {where}",
            "that version was released already: choose a higher version, "
            "or delete the tag if it was made by mistake",
        )


class VersionOnIndex(ReleaseError):
    """The package index already has the version."""

    def __init__(
        self,
        name: str,
        version: str,
        index_url: str,
        *,
        yanked: list[str] | None = None,
        instead: str | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self.index_url = index_url
        self.yanked = yanked
        why = ""
        if yanked is not None:
            reason = f" ({'; '.join(yanked)})" if yanked else ""
            why = f", yanked{reason}: a yanked version stays on the index and is never taken again"
        suggestion = f": poetry release prepare {instead}" if instead else ""
        super().__init__(
            f"{name} {version} is already on the index {index_url}{why}",
            f"an index never takes a version twice: choose a higher version{suggestion}",
        )


@dataclass
class CheckFailure:
    """A pre-release check that did not pass."""

    name: str
    reason: str


def restored_note(kept: tuple[str, ...] = ()) -> str:
    """What a rollback did: every file restored, or which ones were left as someone edited them."""
    if not kept:
        return "every file was restored and nothing was committed"
    it, was, it_is = (
        ("it", "it was", "it is") if len(kept) == 1 else ("them", "they were", "they are")
    )
    return (
        f"{', '.join(kept)} changed since prepare wrote {it}, so {was} left as {it_is} "
        "(the other files were restored; nothing was committed)"
    )


class ChecksFailed(ReleaseError):
    """One or more pre-release checks failed; the release was undone."""

    def __init__(self, failures: list[CheckFailure], kept: tuple[str, ...] = ()) -> None:
        self.failures = failures
        self.kept = kept
        names = ", ".join(f.name for f in failures)
        super().__init__(
            f"Check failed: {names}; {restored_note(kept)}",
            "fix the problem shown above and run prepare again "
            "(or skip a check with --skip-check NAME)",
        )


class Interrupted(ReleaseError):
    """The user pressed Ctrl-C (or the process was terminated)."""

    def __init__(self, stage: str, kept: tuple[str, ...] = ()) -> None:
        self.stage = stage
        self.kept = kept
        super().__init__(f"Interrupted {stage}; {restored_note(kept)}")


class RollbackIncomplete(ReleaseError):
    """A step failed and the rollback left files someone edited meanwhile."""

    def __init__(self, cause: ReleaseError, kept: tuple[str, ...]) -> None:
        self.cause = cause
        self.kept = kept
        super().__init__(f"{cause.what}; {restored_note(kept)}", cause.fix)


class ReleaseBusy(ReleaseError):
    """Another `prepare` or `cut` holds the repository's release lock."""

    def __init__(self, pid: int | None, command: str, started: str) -> None:
        self.pid = pid
        who = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"Another poetry release {command} is running in this repository "
            f"({who}, started {started})",
            "wait for it to finish"
            + (f" or stop it (kill {pid})" if pid is not None else "")
            + ", then run again",
        )


class NothingToRelease(ReleaseError):
    """No commit since the last release calls for a new version."""

    def __init__(self, since: str | None, untagged: str | None = None) -> None:
        self.since = since
        where = since or "the first commit"
        super().__init__(
            f"Nothing to release since {where}: no feat, fix, perf or breaking commit",
            f"release {untagged} as the files hold it (poetry release prepare {untagged}), "
            "commit releasable changes, or give a rule (patch, minor, ...)"
            if untagged
            else "commit releasable changes first, or give a rule (patch, minor, ...) explicitly",
        )


class ShallowClone(ReleaseError):
    """A shallow clone lacks the history that decides something, and may not fetch it."""

    def __init__(self, purpose: str, reason: str) -> None:
        self.purpose = purpose
        self.reason = reason
        super().__init__(
            f"This is a shallow clone, so the commits and tags that decide {purpose} are "
            f"missing, and {reason}",
            "fetch them (git fetch --unshallow --tags), or run without --offline; in GitHub "
            "Actions, check out with fetch-depth: 0 (actions/checkout)",
        )


class AlreadyReleased(ReleaseError):
    """The version is released already somewhere: a tag, a GitHub release, the index."""

    def __init__(self, version: str, places: list[str]) -> None:
        self.version = version
        self.places = places
        super().__init__(
            f"{version} is released already ({'; '.join(places)}); nothing was tagged, "
            "pushed or created",
            "run poetry release prepare to make the next version",
        )


class VersionBelowRelease(ReleaseError):
    """The version is not above the highest release tag in HEAD's history."""

    def __init__(self, version: str, tag: str, *, fix: str = "") -> None:
        self.version = version
        self.tag = tag
        super().__init__(
            f"{version} is not above {tag}, the highest release tag in this branch's history, "
            "so nothing was changed",
            fix
            or f"run poetry release prepare with a version above {tag} "
            "(poetry release prepare X.Y.Z)",
        )


class NotReleaseCommit(ReleaseError):
    """HEAD is not the commit that set the version."""

    def __init__(
        self, version: str, commit: str, subject: str, past: int, *, prepared: bool = False
    ) -> None:
        self.version = version
        self.commit = commit
        self.past = past
        super().__init__(
            f"HEAD is {past} commit(s) past the commit that set {version} "
            f"({commit[:10]} {subject}); cut tags only that commit, so nothing was tagged",
            f"run poetry release prepare: it prepares {version} again with what came since"
            if prepared
            else "run poetry release prepare to release what came since",
        )


class RejectedByIndex(ReleaseError):
    """The index would refuse the release's files: a local version or a name a public index
    refuses, a project archived or quarantined there (PEP 792), a release closed to new files.
    Raised before anything irreversible."""

    @classmethod
    def local_version(cls, version: str, repository: str) -> RejectedByIndex:
        """A PEP 440 local version (`1.0+local`) bound for PyPI or TestPyPI."""
        return cls(
            f"{version} is a local version (the part after +), which {repository} refuses",
            "release a public version (without +...), or publish to another repository (-r)",
        )

    @classmethod
    def invalid_name(cls, name: str, repository: str) -> RejectedByIndex:
        """A project name that is not a valid distribution name (PyPA name rules)."""
        return cls(
            f"{name!r} is not a valid project name, which {repository} refuses: a name is "
            "ASCII letters and digits, with '.', '-' or '_' only between them",
            "rename the project in pyproject.toml (for example "
            f"{_suggested_name(name)!r}), or publish to another repository (-r)",
        )


def _suggested_name(name: str) -> str:
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("._-")
    return cleaned or "my-project"
