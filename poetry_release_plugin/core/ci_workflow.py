"""The CI definitions `poetry release init-ci` writes: a GitHub Actions workflow (or a GitLab CI
pipeline) that publishes with trusted publishing, then verifies the release is out."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from poetry_release_plugin.errors import ConfigError

GITHUB_WORKFLOW_PATH = ".github/workflows/release.yml"
GITLAB_PIPELINE_PATH = ".gitlab-ci.yml"

# The actions the workflow uses, pinned by commit (a tag can be moved; a commit cannot), with
# the release each commit is. Checked against the actions' own repositories for this release
# of the plugin: both run on node24.
ACTIONS = {
    "checkout": ("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "setup-python": (
        "actions/setup-python",
        "5fda3b95a4ea91299a34e894583c3862153e4b97",
        "v7.0.0",
    ),
}
# What a name put in the workflow may be: an environment, a Poetry repository, a folder part.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")


def safe_name(value: str, what: str) -> str:
    """`value` if it can go into YAML and a shell command as it is; refused otherwise."""
    if not _SAFE_NAME.match(value):
        raise ConfigError(
            f"{what} {value!r} cannot go into the CI definition: only letters, digits, `.`, "
            "`_` and `-` are allowed",
            f"give a {what} of those characters",
        )
    return value


def tag_glob(tag_format: str) -> str:
    """The push-tag filter of a tag format: `v{version}` -> `v*`, `{version}` -> `[0-9]*`,
    `pkga-v{version}` -> `pkga-v*`."""
    glob = tag_format.replace("{version}", "*")
    return "[0-9]" + glob if glob.startswith("*") else glob


def _uses(action: str) -> str:
    name, commit, release = ACTIONS[action]
    return f"{name}@{commit}  # {release}"


@dataclass(frozen=True)
class CiSettings:
    """What the CI definition depends on."""

    repository: str  # the Poetry repository to publish to
    audience: str  # the index's OIDC audience: pypi, or testpypi
    environment: str  # the deployment environment the publisher is bound to
    tag_pattern: str  # the release tags, as a glob: v*
    python: str = "3.12"
    folder: str = ""  # the project's folder in the repository ("" at its root)
    poetry: str = "poetry"  # what pipx installs: Poetry as the one running init-ci
    plugin: str = "poetry-release-plugin"  # what `poetry self add` installs
    rehearse: str | None = None  # the repository the upload is rehearsed on first

    def __post_init__(self) -> None:
        safe_name(self.repository, "repository")
        if self.rehearse is not None:
            safe_name(self.rehearse, "rehearsal repository")
            if self.rehearse == self.repository:
                raise ConfigError(
                    f"The rehearsal repository {self.rehearse} is the one the release goes to",
                    "rehearse on another repository (testpypi), or drop --rehearse",
                )
        safe_name(self.environment, "environment")
        if self.folder and (not _SAFE_PATH.match(self.folder) or ".." in self.folder.split("/")):
            raise ConfigError(
                f"The project's folder {self.folder!r} cannot go into the CI definition",
                "rename the folder to letters, digits, `.`, `_`, `-` and `/`",
            )


def _repository_option(settings: CiSettings) -> str:
    return "" if settings.repository == "pypi" else f" -r {settings.repository}"


def _rehearse_option(settings: CiSettings) -> str:
    return "" if settings.rehearse is None else f" --rehearse={settings.rehearse}"


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(value)


def github_workflow(settings: CiSettings) -> str:
    """`.github/workflows/release.yml` (`release-<name>.yml` for a project in a folder)."""
    repository = _repository_option(settings)
    folder = (
        f"\n    defaults:\n      run:\n        working-directory: {_quoted(settings.folder)}"
        if settings.folder
        else ""
    )
    return f"""\
# Written by `poetry release init-ci`. On a pushed release tag, this job runs the same `cut`,
# which finds the tag pushed and the draft release `cut` left, uploads with trusted publishing
# (a short-lived token minted from the job's OIDC identity: no token is stored anywhere),
# attaches the uploaded files to the draft and only then publishes it (a published release in
# a repository with immutable releases can never get files); then `verify` proves the release
# installs from the index. Register this workflow as the project's trusted publisher on the
# index first (init-ci printed the values).
name: Release

on:
  push:
    tags:
      - {_quoted(settings.tag_pattern)}

permissions:
  contents: read

concurrency:
  group: release-${{{{ github.ref }}}}  # a tag and its release: one run after the other
  cancel-in-progress: false

jobs:
  publish:
    name: Publish and verify
    runs-on: ubuntu-latest
    environment:
      name: {_quoted(settings.environment)}
    permissions:
      contents: write  # create the GitHub release, attach its files, publish it
      id-token: write  # trusted publishing: the identity the index trusts
      actions: read  # verify watches this workflow's runs{folder}
    steps:
      - uses: {_uses("checkout")}
        with:
          fetch-depth: 0  # the whole history and tags: the notes and checks need them
          persist-credentials: false  # the job's token is given to the steps that need it
      - uses: {_uses("setup-python")}
        with:
          python-version: {_quoted(settings.python)}
      - name: Install Poetry and poetry-release-plugin
        run: |
          pipx install {_quoted(settings.poetry)}
          poetry self add {_quoted(settings.plugin)}
      - name: Publish
        run: poetry release cut --publish{repository}{_rehearse_option(settings)}
        env:
          GITHUB_TOKEN: ${{{{ github.token }}}}
      - name: Verify
        run: poetry release verify --install --timeout 900{repository}
        env:
          GITHUB_TOKEN: ${{{{ github.token }}}}
"""


def gitlab_pipeline(settings: CiSettings) -> str:
    """`.gitlab-ci.yml`."""
    variable = "".join(c if c.isalnum() else "_" for c in settings.audience.upper())
    repository = _repository_option(settings)
    rehearsal_token = (
        '\n    TESTPYPI_ID_TOKEN:\n      aud: "testpypi"'
        if settings.rehearse == "testpypi" and settings.audience != "testpypi"
        else ""
    )
    return f"""\
# Written by `poetry release init-ci --gitlab`. On a release tag, this job uploads the release
# with trusted publishing (the job's id_token is exchanged for a short-lived upload token: no
# token is stored anywhere), then verifies it installs from the index. Register this project,
# this file and the environment as a trusted publisher first.
publish:
  image: python:{settings.python}
  stage: deploy
  rules:
    - if: $CI_COMMIT_TAG
  environment:
    name: {_quoted(settings.environment)}
  id_tokens:
    {variable}_ID_TOKEN:
      aud: {_quoted(settings.audience)}{rehearsal_token}
  variables:
    GIT_DEPTH: "0"
  script:{f"{chr(10)}    - cd {_quoted(settings.folder)}" if settings.folder else ""}
    - pip install pipx
    - pipx install {_quoted(settings.poetry)}
    - export PATH="$HOME/.local/bin:$PATH"
    - poetry self add {_quoted(settings.plugin)}
    - poetry release cut --publish --no-github-release{repository}{_rehearse_option(settings)}
    - poetry release verify --install --no-github --timeout 900{repository}
"""


@dataclass(frozen=True)
class PublishWorkflow:
    """A committed GitHub Actions workflow that uploads the release or makes its GitHub
    release, and what starts it."""

    path: str
    on_tags: tuple[str, ...] | None  # the tag filters a push runs it for (None: every tag)
    tags_ignored: tuple[str, ...]
    on_release: bool  # a published release starts it
    attaches: bool  # it runs `poetry release cut --publish` with the GitHub release
    uploads_itself: bool = False  # it uploads by other means (`poetry publish`, twine, ...)
    makes_release: bool = False  # it creates the GitHub release itself (a release action, gh)

    def runs_on(self, tag: str) -> bool:
        """Whether pushing `tag` starts it."""
        if self.on_tags is not None and not _filter_matches(self.on_tags, tag):
            return False
        return not any(_glob_matches(pattern, tag) for pattern in self.tags_ignored)

    def publishes_the_draft(self, tag: str) -> bool:
        """Whether a draft left by `cut` for `tag` is finished by this workflow's run on it."""
        return self.attaches and self.runs_on(tag)

    def releases_by_itself(self, tag: str) -> bool:
        """Whether pushing `tag` starts this workflow and it makes the GitHub release or
        uploads without the plugin, so `cut` must leave that to it."""
        return (self.makes_release or self.uploads_on_the_tag) and self.runs_on(tag)

    @property
    def uploads_on_the_tag(self) -> bool:
        """Whether its own upload runs when a tag is pushed: one that also waits for a
        published release is taken to upload then (attrs' gates its upload to that event)."""
        return self.uploads_itself and not self.on_release

    @property
    def what_it_does(self) -> str:
        """What it does without the plugin, for messages."""
        parts = ["creates the GitHub release"] if self.makes_release else []
        parts += ["uploads to the index"] if self.uploads_on_the_tag else []
        return " and ".join(parts)


_UPLOADS = r"poetry\s+publish\b|pypa/gh-action-pypi-publish|twine\s+upload|uv\s+publish"
_PUBLISHES = re.compile(_UPLOADS + r"|poetry\s+release\s+cut\b[^\n]*--publish")
_UPLOADS_ITSELF = re.compile(_UPLOADS)
# Steps that create a GitHub release: the common actions, and the GitHub CLI.
_MAKES_RELEASE = re.compile(
    r"uses:\s*[\"']?(?:ncipollo/release-action|softprops/action-gh-release"
    r"|actions/create-release|marvinpinto/action-automatic-releases)@"
    r"|\bgh\s+release\s+create\b"
)
_CUT = re.compile(r"poetry\s+release\s+cut\b[^\n]*")
_ON_KEY = re.compile(r"""^(?:on|"on"|'on'|true)\s*:\s*(?P<inline>.*?)\s*$""")


def publish_workflows(files: dict[str, str]) -> list[PublishWorkflow]:
    """The workflows among `files` (path: text) that upload a release or make its GitHub
    release, with their triggers (comments are not read)."""
    found = []
    for path, raw in sorted(files.items()):
        text = "\n".join(_without_comment(line) for line in raw.splitlines())
        if not _PUBLISHES.search(text) and not _MAKES_RELEASE.search(text):
            continue
        events = _trigger_events(text)
        push, release = events.get("push"), events.get("release")
        filters = _filters(push or [])
        if push is None:
            on_tags: tuple[str, ...] | None = ()  # no push: no tag starts it
        elif "tags" in filters:
            on_tags = filters["tags"]
        elif "branches" in filters or "branches-ignore" in filters:
            on_tags = () if "tags-ignore" not in filters else None
        else:
            on_tags = None
        cuts = [line for line in _CUT.findall(text) if "--publish" in line]
        found.append(
            PublishWorkflow(
                path,
                on_tags=on_tags,
                tags_ignored=filters.get("tags-ignore", ()),
                on_release=release is not None
                and (
                    not any(line.startswith("types") for line in release)
                    or bool(re.search(r"\b(published|released|created)\b", " ".join(release)))
                ),
                attaches=any(
                    "--no-github-release" not in line and "--draft" not in line for line in cuts
                ),
                uploads_itself=_UPLOADS_ITSELF.search(text) is not None,
                makes_release=_MAKES_RELEASE.search(text) is not None,
            )
        )
    return found


def _filter_matches(patterns: tuple[str, ...], name: str) -> bool:
    """Whether a `tags:` filter takes `name`, as GitHub reads one: in order, a `!pattern`
    taking back what the patterns before it took."""
    taken = False
    for pattern in patterns:
        if pattern.startswith("!"):
            taken = taken and not _glob_matches(pattern[1:], name)
        else:
            taken = taken or _glob_matches(pattern, name)
    return taken


def _glob_matches(pattern: str, name: str) -> bool:
    """Whether `name` matches one GitHub filter pattern."""
    return _glob_regex(pattern).fullmatch(name) is not None


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A GitHub filter pattern as a regular expression, as GitHub's filter pattern cheat sheet
    has it: `*` any run of characters but `/`, `**` any run, `?` and `+` zero-or-one and
    one-or-more of the character before, `[0-9a-z]` one character listed, `\\` the next
    character itself. Not fnmatch's: there `+` is itself, and `v[0-9]+.[0-9]+.[0-9]+` matches
    no version tag."""
    parts: list[str] = []
    repeatable = False  # whether `?` or `+` here applies to the last part
    index = 0
    while index < len(pattern):
        character, repeat = pattern[index], False
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 1
        elif character == "*":
            parts.append("[^/]*")
        elif character in "?+" and repeatable:
            parts[-1] = f"(?:{parts[-1]}){character}"
        elif character == "[" and "]" in pattern[index + 2 :]:
            end = pattern.index("]", index + 2)
            listed = pattern[index + 1 : end]
            parts.append("[" + "".join(c if c == "-" else re.escape(c) for c in listed) + "]")
            index, repeat = end, True
        elif character == "\\" and index + 1 < len(pattern):
            index += 1
            parts.append(re.escape(pattern[index]))
            repeat = True
        else:
            parts.append(re.escape(character))
            repeat = True
        repeatable = repeat
        index += 1
    return re.compile("".join(parts))


def _without_comment(line: str) -> str:
    """A YAML line without its comment (a `#` at the start or after a space, outside quotes)."""
    quote = ""
    for position, character in enumerate(line):
        if quote:
            quote = "" if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position].rstrip()
    return line


def _trigger_events(text: str) -> dict[str, list[str]]:
    """The events of a workflow's top-level `on:` (name: the lines of its settings, stripped)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _ON_KEY.match(line)
        if match is None:
            continue
        inline = match["inline"].strip()
        if inline:
            return {name: [] for name in re.findall(r"[A-Za-z_]+", inline)}
        events: dict[str, list[str]] = {}
        event_indent: int | None = None
        current = ""
        for child in lines[index + 1 :]:
            stripped = child.strip()
            if not stripped:
                continue
            indent = len(child) - len(child.lstrip())
            if indent == 0:
                break
            if event_indent is None:
                event_indent = indent
            if indent == event_indent:
                if stripped.startswith("- "):  # on:\n  - push\n  - release
                    events[stripped[2:].strip()] = []
                    continue
                current = stripped.split(":", 1)[0].strip().strip("'\"")
                rest = stripped.split(":", 1)[1].strip() if ":" in stripped else ""
                events[current] = [rest] if rest else []
            elif current:
                events[current].append(stripped)
        return events
    return {}


def _filters(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """A push event's filters (`tags`, `tags-ignore`, `branches`, ...) and their patterns."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        if line.startswith("-") and current:
            found[current].append(_unquoted(line[1:]))
            continue
        key, _, rest = line.partition(":")
        current = key.strip().strip("'\"")
        found[current] = []
        rest = rest.strip()
        if rest.startswith("["):
            found[current] = [_unquoted(item) for item in rest.strip("[]").split(",") if item]
        elif rest:
            found[current] = [_unquoted(rest)]
    return {key: tuple(value) for key, value in found.items()}


def _unquoted(text: str) -> str:
    return text.strip().strip("'\"")
