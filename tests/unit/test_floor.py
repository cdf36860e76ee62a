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


def test_the_matrix_is_the_newest_patch_of_each_allowed_minor() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from packaging.requirements import Requirement
    from poetry_matrix import allowed_range, newest_per_minor

    listed = ["2.5.1", "2.5.0", "2.4.3", "2.4.0", "2.3.0rc1", "2.2.1", "2.1.0", "2.0.1", "1.8.5"]

    assert newest_per_minor(listed, Requirement("poetry>=2.1,<3")) == [
        "2.1.0",
        "2.2.1",
        "2.4.3",
        "2.5.1",
    ]
    assert str(allowed_range().specifier) == "<3,>=2.1"


def test_make_test_pythons_starts_at_the_lowest_python_requires_python_allows() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    floor = re.search(r'^requires-python = ">=(\d+\.\d+)', pyproject, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    oldest = re.search(r"^PYTHON_OLDEST := .*/bin/python(\d+\.\d+)\)\)$", makefile, re.MULTILINE)

    assert floor is not None
    assert oldest is not None
    assert oldest.group(1) == floor.group(1)
