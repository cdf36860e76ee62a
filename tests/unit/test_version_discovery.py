"""Where real projects keep their version: found in namespace, nested and src packages, never in
vendored code; a module that reads the installed metadata means there is no version file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from poetry_release_plugin.adapters.project_files import load_project
from poetry_release_plugin.core.sources import find_version_assignments, write_version_file
from poetry_release_plugin.core.version import ensure_public_index_accepts, parse_version
from poetry_release_plugin.errors import ProjectError, RejectedByIndex

if TYPE_CHECKING:
    from pathlib import Path


def layout(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def pyproject(name: str, version: str, packages: str = "", extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "{version}"\n\n[tool.poetry]\n{packages}{extra}'


def test_a_namespace_package_finds_its_own_version_above_vendored_ones(tmp_path: Path) -> None:
    root = layout(
        tmp_path,
        {
            "pyproject.toml": pyproject(
                "poetry-core", "2.3.2", 'packages = [{ include = "poetry", from = "src" }]\n'
            ),
            "src/poetry/core/__init__.py": 'import sys\n\n__version__ = "2.3.2"\n',
            "src/poetry/core/_vendor/lark/__init__.py": '__version__ = "1.2.2"\n',
            "src/poetry/core/_vendor/packaging/__init__.py": '__version__ = "25.0"\n',
            "src/poetry/core/version/__init__.py": "",
        },
    )

    project = load_project(root)

    assert list(project.files) == ["src/poetry/core/__init__.py"]
    assert project.version_reader.module == "poetry.core"
    assert project.version_reader.describe() == "poetry.core.__version__"


def test_excluded_and_vendor_folders_are_never_searched(tmp_path: Path) -> None:
    root = layout(
        tmp_path,
        {
            "pyproject.toml": pyproject(
                "acme", "1.0.0", 'packages = [{ include = "acme" }]\n', 'exclude = ["acme/gen"]\n'
            ),
            "acme/gen/__init__.py": '__version__ = "9.9"\n',
            "acme/third_party/x/__init__.py": '__version__ = "8.8"\n',
            "acme/widgets/_version.py": '__version__ = "1.0.0"\n',
        },
    )

    project = load_project(root)

    assert list(project.files) == ["acme/widgets/_version.py"]
    assert project.version_reader.module == "acme.widgets"


def test_a_version_read_from_metadata_means_no_version_file(tmp_path: Path) -> None:
    root = layout(
        tmp_path,
        {
            "pyproject.toml": pyproject(
                "poetry-plugin-export",
                "1.10.0",
                'packages = [{ include = "poetry_plugin_export", from = "src" }]\n',
            ),
            "src/poetry_plugin_export/__init__.py": (
                "from importlib import metadata\n\n"
                '__version__ = metadata.version("poetry-plugin-export")\n'
            ),
            "src/poetry_plugin_export/sub/__init__.py": '__version__ = "0.0.1"\n',
        },
    )

    project = load_project(root)

    assert project.places == ()
    assert project.version_reader.module is None
    assert project.version_reader.describe() == (
        'importlib.metadata.version("poetry-plugin-export")'
    )


def test_every_assignment_of_the_same_version_is_rewritten() -> None:
    text = 'if True:\n    __version__ = "1.0.0"\nelse:\n    __version__ = \'1.0.0\'\n__version__ = "1.0.0"\n'
    rewritten = write_version_file(text, "v.py", parse_version("1.1.0"))
    assert rewritten == text.replace("1.0.0", "1.1.0")


def test_assignments_of_different_values_are_refused_naming_the_lines() -> None:
    text = '__version__ = "1.0.0"\ntry:\n    __version__ = get()\nexcept Exception:\n    pass\n'
    with pytest.raises(ProjectError, match=r"v.py assigns __version__ more than once.*lines 1, 3"):
        find_version_assignments(text, "v.py")


def test_an_epoch_cannot_go_into_version_info_and_is_refused_clearly() -> None:
    text = '__version__ = "1.0.0"\n__version_info__ = (1, 0, 0)\n'
    with pytest.raises(ProjectError, match=r"v.py holds __version_info__, .* epoch of 1!2.0"):
        write_version_file(text, "v.py", parse_version("1!2.0"))
    assert write_version_file('__version__ = "1.0.0"\n', "v.py", parse_version("1!2.0")) == (
        '__version__ = "1!2.0"\n'
    )


@pytest.mark.parametrize(
    ("version", "repository", "refused"),
    [("1.0+local", "pypi", True), ("1.0+local", "testpypi", True), ("1.0+local", "corp", False)],
)
def test_a_local_version_is_refused_for_the_public_indexes(
    version: str, repository: str, refused: bool
) -> None:
    if refused:
        with pytest.raises(RejectedByIndex, match=rf"{repository} refuses"):
            ensure_public_index_accepts(parse_version(version), repository)
    else:
        ensure_public_index_accepts(parse_version(version), repository)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("widget-kit", True),
        ("Widget_Kit.2", True),
        ("a", True),
        ("café-kit", False),  # Poetry's own check lets non-ASCII letters through
        ("-widget", False),
        ("widget-", False),
        ("widget kit", False),
        ("widget!", False),
        ("٣kit", False),  # a non-ASCII digit
    ],
)
def test_a_name_outside_the_pypa_rules_is_refused_for_the_public_indexes(
    name: str, valid: bool
) -> None:
    version = parse_version("1.0.0")
    ensure_public_index_accepts(version, "corp", name)  # another index: its own rules
    if valid:
        ensure_public_index_accepts(version, "pypi", name)
        return
    with pytest.raises(RejectedByIndex, match="is not a valid project name, which pypi refuses"):
        ensure_public_index_accepts(version, "pypi", name)


def test_a_refused_name_comes_with_a_name_that_would_do() -> None:
    with pytest.raises(RejectedByIndex) as caught:
        ensure_public_index_accepts(parse_version("1.0.0"), "testpypi", "café kit!")
    assert "'cafe-kit'" in caught.value.fix


@pytest.mark.parametrize(
    ("requires", "refusal"),
    [
        ('">=99"', "This project requires Poetry >=99"),
        ('"not a version"', "is not a version constraint"),
        ('""', None),  # as Poetry: an empty requires-poetry requires nothing
        ('">=2.1"', None),
    ],
)
def test_requires_poetry_is_checked_as_poetry_checks_it(
    tmp_path: Path, requires: str, refusal: str | None
) -> None:
    extra = f"requires-poetry = {requires}\n"
    root = layout(tmp_path, {"pyproject.toml": pyproject("widget", "1.0.0", extra=extra)})

    if refusal is None:
        assert str(load_project(root).version) == "1.0.0"
    else:
        with pytest.raises(ProjectError, match=refusal):
            load_project(root)
