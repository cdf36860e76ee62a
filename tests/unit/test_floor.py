"""The Poetry floor in `dependencies` is the one CI runs the whole release on."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def test_the_makefile_floor_is_the_lowest_poetry_the_dependencies_allow() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    floors = [Version(v) for v in re.findall(r'^\s*"poetry>=([^,"]+)', pyproject, re.MULTILINE)]
    makefile = (ROOT / "Makefile").read_text()
    tested = re.search(r"^POETRY_FLOOR := (\S+)$", makefile, re.MULTILINE)

    assert tested is not None
    assert floors == [Version(tested.group(1))]
    assert "make test-floor" in (ROOT / ".ci" / "run").read_text()
