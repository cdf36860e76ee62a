"""Rewriting pyproject.toml and version files: only the version changes, every other byte stays."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poetry_release_plugin.core.sources import (
    assigns_version_at_runtime,
    declared_paths,
    decode_python,
    decode_text,
    find_version_assignments,
    read_metadata,
    write_pyproject_version,
    write_version_file,
)
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.errors import ProjectError, VersionMismatch


def test_pyproject_keeps_layout_comments_and_crlf() -> None:
    text = "[tool.poetry]\r\nname = \"x\"\r\nversion   =   '1.5.4'   # the version\r\n\r\n# end\r\n"
    assert write_pyproject_version(text, "1.5.5") == text.replace("1.5.4", "1.5.5")


@pytest.mark.parametrize(
    "chain",
    ["+".join(["1"] * 200_000), "a" + ".b" * 200_000, "f" + "()" * 200_000, "a" + "[0]" * 200_000],
    ids=["sum", "attributes", "calls", "subscripts"],
)
def test_a_chain_too_deep_for_python_is_refused_without_crashing(chain: str) -> None:
    # Python 3.10's ast.parse crashes the process on these (no depth check); 3.11+ raises.
    text = f'x = {chain}\n__version__ = "1.0.0"\n'

    with pytest.raises(ProjectError, match="pkg/__init__.py is too deeply nested"):
        find_version_assignments(text, "pkg/__init__.py")
    assert assigns_version_at_runtime(text) is False


def test_pyproject_updates_both_tables_when_both_hold_the_version() -> None:
    text = '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.poetry]\nversion = "1.0.0"\n'
    assert write_pyproject_version(text, "1.1.0") == text.replace("1.0.0", "1.1.0")


def test_pyproject_with_two_different_versions_is_a_mismatch() -> None:
    text = '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.poetry]\nversion = "1.0.1"\n'
    with pytest.raises(
        VersionMismatch, match=r"\[project\] holds 1.0.0.*\[tool.poetry\] holds 1.0.1"
    ):
        read_metadata(text)


def test_unparseable_pyproject_says_so() -> None:
    with pytest.raises(ProjectError, match="pyproject.toml is not valid TOML"):
        read_metadata("[project\nname = 'x'\n")


toml_comment = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"), max_size=30
    )
    .map(lambda text: f"# {text}")
    .filter(lambda comment: "0.9.0" not in comment)  # one holding 0.9.0 is another mention
)


@given(
    before=st.lists(toml_comment, max_size=4),
    after=st.lists(toml_comment, max_size=4),
    newline=st.sampled_from(["\n", "\r\n"]),
    quote=st.sampled_from(['"', "'"]),
    spacing=st.sampled_from([" = ", "=", "   =   "]),
)
def test_pyproject_rewrite_changes_only_the_version(
    before: list[str], after: list[str], newline: str, quote: str, spacing: str
) -> None:
    lines = ["[project]", 'name = "demo"', *before, f"version{spacing}{quote}0.9.0{quote}", *after]
    text = newline.join(lines) + newline
    assert write_pyproject_version(text, "0.10.0") == text.replace("0.9.0", "0.10.0")


def test_version_file_keeps_single_quotes_annotation_and_comment() -> None:
    text = "__version__: str = '0.9.0'  # keep me\n__version_info__ = (0, 9, 0)\n"
    assert write_version_file(text, "v.py", parse_version("0.10.0")) == (
        "__version__: str = '0.10.0'  # keep me\n__version_info__ = (0, 10, 0)\n"
    )


def test_version_info_strings_follow_the_files_quote_style() -> None:
    text = "__version__ = '1.0.0'\n__version_info__ = (1, 0, 0)\n"
    result = write_version_file(text, "v.py", parse_version("2.0.0rc1"))
    assert "__version_info__ = (2, 0, 0, 'rc', 1)" in result


def test_computed_version_info_is_left_alone() -> None:
    text = (
        '__version__ = "1.0.0"\n__version_info__ = tuple(int(p) for p in __version__.split("."))\n'
    )
    result = write_version_file(text, "v.py", parse_version("1.0.1"))
    assert result == text.replace('"1.0.0"', '"1.0.1"')


def test_file_computing_its_version_has_no_literal() -> None:
    text = 'from importlib.metadata import version\n__version__ = version("x")\n'
    assert find_version_assignments(text, "v.py") is None
    with pytest.raises(ProjectError, match="v.py does not assign __version__ a string literal"):
        write_version_file(text, "v.py", parse_version("1.0.1"))


def test_non_ascii_text_before_the_version_on_the_same_line_is_kept() -> None:
    text = 'émoji = "ü"; __version__ = "1.0.0"  # ü\n'
    assert write_version_file(text, "v.py", parse_version("1.0.1")) == text.replace(
        "1.0.0", "1.0.1"
    )


python_line = st.one_of(
    toml_comment,
    st.from_regex(r"v_[a-z_]{0,8} = [1-9][0-9]{0,3}", fullmatch=True),
    st.just(""),
    st.just('"""A docstring\nover two lines."""'),
)


@given(
    before=st.lists(python_line, max_size=5),
    after=st.lists(python_line, max_size=5),
    newline=st.sampled_from(["\n", "\r\n"]),
    quote=st.sampled_from(['"', "'"]),
)
def test_version_file_rewrite_keeps_every_other_byte(
    before: list[str], after: list[str], newline: str, quote: str
) -> None:
    version_line = f"__version__ = {quote}1.5.4{quote}"
    info_line = "__version_info__ = (1, 5, 4)"
    text = newline.join([*before, version_line, info_line, *after]) + newline
    result = write_version_file(text, "v.py", parse_version("1.5.5"))
    expected = text.replace(version_line, version_line.replace("1.5.4", "1.5.5")).replace(
        info_line, "__version_info__ = (1, 5, 5)"
    )
    assert result == expected


def test_declared_paths_lists_packages_includes_and_the_readme() -> None:
    text = (
        '[project]\nname = "pkga"\nversion = "1.0.0"\nreadme = "../README.md"\n\n'
        '[tool.poetry]\npackages = [{ include = "pkga" }, { include = "shared", from = "../libs" }]\n'
        'include = ["../LICENSE", { path = "data" }]\n'
    )

    assert declared_paths(text) == (
        "pkga",
        "../libs/shared",
        "../LICENSE",
        "data",
        "../README.md",
    )


# --- Encodings (issue 14, item 9) -------------------------------------------------------------

LATIN1 = '# -*- coding: latin-1 -*-\n# Zo\xe9\n__version__ = "1.5.4"\n'.encode("latin-1")


def test_a_latin1_coding_line_is_read_and_written_back_in_latin1() -> None:
    text, encoding = decode_python(LATIN1, "pkg/_version.py")

    written = write_version_file(text, "pkg/_version.py", parse_version("1.5.5"))

    assert encoding.encode(written, "pkg/_version.py") == LATIN1.replace(b"1.5.4", b"1.5.5")


def test_a_bom_is_kept_out_of_the_text_and_written_back() -> None:
    data = b'\xef\xbb\xbf__version__ = "1.0"\n'
    text, encoding = decode_python(data, "v.py")
    assert text.startswith("__version__")
    assert find_version_assignments(text, "v.py") is not None
    assert encoding.encode(text, "v.py") == data
    changelog, markdown = decode_text(b"\xef\xbb\xbf# Changelog\n", "CHANGELOG.md")
    assert (changelog, markdown.encode(changelog, "CHANGELOG.md")) == (
        "# Changelog\n",
        b"\xef\xbb\xbf# Changelog\n",
    )


def test_an_undecodable_file_is_an_error_naming_it() -> None:
    with pytest.raises(ProjectError, match=r"pkg/v.py is not valid utf-8: byte 0xe9 at offset 4"):
        decode_python(b"# Zo\xe9\n", "pkg/v.py")
    with pytest.raises(ProjectError, match=r"CHANGELOG.md is not valid utf-8"):
        decode_text(b"caf\xe9", "CHANGELOG.md")
    with pytest.raises(ProjectError, match=r"v.py declares an encoding Python cannot use"):
        decode_python(b"# coding: no-such-codec\n", "v.py")


def test_a_character_the_files_encoding_lacks_is_an_error_naming_it() -> None:
    _, encoding = decode_python(LATIN1, "v.py")
    with pytest.raises(ProjectError, match=r"v.py is stored as iso-8859-1, which cannot hold '€'"):
        encoding.encode("€", "v.py")


def test_property_tests_have_no_deadline_so_a_loaded_machine_cannot_fail_them() -> None:
    import hypothesis

    assert hypothesis.settings().deadline is None
