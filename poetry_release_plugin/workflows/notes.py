"""Release notes of a version: its changelog section, else generated from the commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from poetry_release_plugin.core.changelog import changelog_voice, extract_section
from poetry_release_plugin.core.commits import (
    DEFAULT_VOICE,
    changes_only,
    group_changes,
    render_sections,
)
from poetry_release_plugin.core.release_state import release_tags
from poetry_release_plugin.core.rst_news import rst_section
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import ReleaseError
from poetry_release_plugin.workflows.history import (
    find_last_release,
    release_convention,
)

if TYPE_CHECKING:
    from poetry_release_plugin.adapters.git import Git
    from poetry_release_plugin.core.github_address import GitHubAddress
    from poetry_release_plugin.core.project import Project


@dataclass(frozen=True)
class ReleaseNotes:
    """What a GitHub release says: the changes, how to install, the full comparison."""

    name: str
    version: str
    tag: str
    previous_tag: str | None
    changes: str
    source: str  # "changelog" or "commits"
    compare_url: str | None

    @property
    def install_line(self) -> str:
        """The command that installs exactly this version."""
        return f"pip install {self.name}=={self.version}"

    def render(self) -> str:
        """The release body, in the deployment guide's shape."""
        parts = [
            self.changes or "No notable changes.",
            f"## Installation\n\n```bash\n{self.install_line}\n```",
        ]
        if self.compare_url:
            parts.append(f"## Full Changelog\n\n{self.compare_url}")
        return "\n\n".join(parts) + "\n"


def release_notes(
    project: Project, git: Git, version: str, address: GitHubAddress | None
) -> ReleaseNotes:
    """The notes of `version`: from the changelog if it has the section, else from the commits
    between its tag (or HEAD, before the tag exists) and the previous release (found by
    version, as prepare finds it)."""
    settings = project.settings
    tag = settings.tag_for(version)
    tagged = git.tag_commit(tag) is not None
    end = tag if tagged else "HEAD"
    tags = release_tags(git.tag_commits(), settings.tag_format)
    found = find_last_release(
        git, tags, parse_version(version), end=end, below=True, paths=project.history_paths
    )
    previous = found.tag
    if project.changelog is not None:
        section = extract_section(project.changelog.text, version)
    else:  # a towncrier project's NEWS.rst, in Markdown
        section = rst_section(project.news.text, version) if project.news else None
    if section:
        changes, source = section, "changelog"
    else:
        if not tagged and (version != project.version or not found.commits):
            raise _unknown_version(project, version, tag)
        commits = changes_only(found.commits, release_convention(project, git, previous))
        voice = changelog_voice(project.changelog.text) if project.changelog else DEFAULT_VOICE
        grouped = group_changes(commits, voice, project.settings.changelog_exclude)
        changes, source = render_sections(grouped), "commits"
    compare = None
    if address is not None:
        compare = (
            address.compare_url(previous.name, tag)
            if previous
            else f"{address.html_url}/commits/{tag}"
        )
    return ReleaseNotes(
        project.metadata.name,
        version,
        tag,
        previous.name if previous else None,
        changes,
        source,
        compare,
    )


def _unknown_version(project: Project, version: str, tag: str) -> ReleaseError:
    changelog = f"no section in {project.changelog.path}" if project.changelog else "no changelog"
    return ReleaseError(
        f"{project.metadata.name} {version} has no tag {tag}, {changelog} and no commits of "
        f"its own, so it has no release notes (the project's version is {project.version})",
        "give a version that was released or is being prepared "
        "(git tag --list shows the released ones)",
    )


def is_same_body(published: str | None, notes: str) -> bool:
    """Whether a release body already says `notes` (line endings and outer blanks aside)."""
    return (published or "").replace("\r\n", "\n").strip() == notes.replace("\r\n", "\n").strip()
