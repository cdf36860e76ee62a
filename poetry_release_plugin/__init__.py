"""poetry-release-plugin: a Python project's whole release as `poetry release` commands."""

from __future__ import annotations

from poetry_release_plugin._version import __version__, __version_info__

__all__ = ["__version__", "__version_info__"]
