"""The plugin's version, kept in step with pyproject.toml by the plugin itself."""

from __future__ import annotations

__version__ = "0.1.0"
__version_info__ = (0, 1, 0)
