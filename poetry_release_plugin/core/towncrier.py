"""Whether a project keeps its changelog with towncrier (news fragments rendered into a news
file at each release), read from its configuration. Values in, values out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

# towncrier reads towncrier.toml first, then pyproject.toml; both hold [tool.towncrier]
TOWNCRIER_FILES = ("towncrier.toml", "pyproject.toml")
DEFAULT_NEWS_FILE = "NEWS.rst"
INSTALL_HINT = "poetry add --group dev towncrier"


@dataclass(frozen=True)
class TowncrierConfig:
    """A project's towncrier settings that the release needs to know."""

    source: str  # the file holding [tool.towncrier]
    filename: str  # the news file the sections go into
    directory: str | None  # where the fragments are (None: inside the package)

    @property
    def markdown(self) -> bool:
        """Whether the news file is Markdown (its sections then read like a changelog's)."""
        return self.filename.lower().endswith((".md", ".markdown"))

    def describe(self) -> str:
        """Where the notes come from, in the user's words."""
        fragments = f"{self.directory}/" if self.directory else "the package's newsfragments/"
        return (
            f"towncrier ([tool.towncrier] in {self.source}): fragments in {fragments} "
            f"into {self.filename}"
        )


def towncrier_config(documents: Mapping[str, Mapping[str, Any]]) -> TowncrierConfig | None:
    """The towncrier configuration among parsed TOML files (by file name), the one towncrier
    itself would read; None when the project does not use towncrier."""
    for name in TOWNCRIER_FILES:
        table = documents.get(name, {}).get("tool", {}).get("towncrier")
        if isinstance(table, dict):
            filename = table.get("filename", DEFAULT_NEWS_FILE)
            directory = table.get("directory")
            return TowncrierConfig(
                name,
                filename if isinstance(filename, str) else DEFAULT_NEWS_FILE,
                directory.strip("/") if isinstance(directory, str) else None,
            )
    return None
