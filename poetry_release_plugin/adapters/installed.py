"""What this Poetry and this plugin are, as a CI job would install them again."""

from __future__ import annotations

import json
from importlib import metadata


def poetry_requirement() -> str:
    """Poetry at the version running now."""
    from poetry.__version__ import __version__

    return f"poetry=={__version__}"


def plugin_requirement() -> str:
    """The plugin as the job installs it: the version running now, or the Git URL and commit
    it was installed from; unpinned only for a local, unreleased copy."""
    try:
        distribution = metadata.distribution("poetry-release-plugin")
    except metadata.PackageNotFoundError:
        return "poetry-release-plugin"
    direct = distribution.read_text("direct_url.json")
    if direct:
        found = json.loads(direct)
        vcs = found.get("vcs_info") if isinstance(found, dict) else None
        if isinstance(vcs, dict) and vcs.get("commit_id") and str(found.get("url", "")):
            return f"git+{found['url']}@{vcs['commit_id']}"
    version = distribution.version
    return "poetry-release-plugin" if version == "0.0.0" else f"poetry-release-plugin=={version}"
