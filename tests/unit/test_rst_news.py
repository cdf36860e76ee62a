"""A release's section of a reStructuredText news file, in Markdown."""

from __future__ import annotations

from poetry_release_plugin.core.rst_news import rst_section

NEWS = """=========
Changelog
=========

.. towncrier release notes start

v2.0.0 (2024-02-01)
===================

Features
--------

- ``--fast`` mode, see `the docs <https://example.org/fast>`__. (#12)

Deprecations
~~~~~~~~~~~~

- Old flags.

v1.10.0 (2024-01-01)
====================

- First.
"""


def test_the_section_ends_at_the_next_title_of_its_level_and_is_markdown() -> None:
    assert rst_section(NEWS, "2.0.0") == (
        "### Features\n\n- `--fast` mode, see [the docs](https://example.org/fast). (#12)\n\n"
        "#### Deprecations\n\n- Old flags."
    )
    assert rst_section(NEWS, "1.10") == "- First."


def test_a_version_no_title_names_has_no_section() -> None:
    assert rst_section(NEWS, "1.0.0") is None
    assert rst_section(NEWS, "not a version") is None
