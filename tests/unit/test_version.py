"""Version math: Poetry's own bump rules and `__version_info__`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poetry_release_plugin.core.version import (
    bump_version,
    ensure_forward,
    parse_version,
    version_info,
)
from poetry_release_plugin.errors import InvalidVersion, VersionNotGreater


# The examples of Poetry's own documentation of `poetry version`.
@pytest.mark.parametrize(
    ("current", "rule", "next_phase", "expected"),
    [
        ("1.3.0", "major", False, "2.0.0"),
        ("2.1.4", "minor", False, "2.2.0"),
        ("4.1.1", "patch", False, "4.1.2"),
        ("1.0.2", "premajor", False, "2.0.0a0"),
        ("1.0.2", "preminor", False, "1.1.0a0"),
        ("1.0.2", "prepatch", False, "1.0.3a0"),
        ("1.0.2", "prerelease", False, "1.0.3a0"),
        ("1.0.3a0", "prerelease", False, "1.0.3a1"),
        ("1.0.3b0", "prerelease", False, "1.0.3b1"),
        ("1.0.3a0", "prerelease", True, "1.0.3b0"),
    ],
)
def test_bump_rules_match_poetrys_documented_examples(
    current: str, rule: str, next_phase: bool, expected: str
) -> None:
    assert bump_version(current, rule, next_phase=next_phase).text == expected


def test_an_explicit_version_is_normalized_like_poetry_does() -> None:
    assert bump_version("1.0.0", "1.1.0-rc.1").text == "1.1.0rc1"


def test_an_invalid_explicit_version_is_quoted_in_the_error() -> None:
    with pytest.raises(InvalidVersion, match='"1.x"'):
        bump_version("1.0.0", "1.x")


@pytest.mark.parametrize(
    ("current", "new"), [("1.5.4", "1.5.4"), ("1.5.4", "1.5.3"), ("1.0.0", "1.0.0rc1")]
)
def test_a_version_that_does_not_move_forward_is_refused(current: str, new: str) -> None:
    with pytest.raises(
        VersionNotGreater, match=f"{new} is not greater than the current version {current}"
    ):
        ensure_forward(parse_version(current), parse_version(new))


@pytest.mark.parametrize(
    ("version", "info"),
    [
        ("1.5.5", (1, 5, 5)),
        ("2.0.0rc1", (2, 0, 0, "rc", 1)),
        ("1.0.0.post2", (1, 0, 0, "post", 2)),
        ("2.0.0a0", (2, 0, 0, "a", 0)),
        ("1.2", (1, 2, 0)),
        ("1.0.0.dev3", (1, 0, 0, "dev", 3)),
        ("1.0.0b2.post1.dev4", (1, 0, 0, "b", 2, "post", 1, "dev", 4)),
    ],
)
def test_version_info_as_the_design_defines_it(version: str, info: tuple[int | str, ...]) -> None:
    assert version_info(parse_version(version)) == info


versions = st.builds(
    lambda release, pre, post, dev: (
        ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
    ),
    st.lists(st.integers(0, 999), min_size=3, max_size=5),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 99)),
    st.none() | st.integers(0, 99),
    st.none() | st.integers(0, 99),
)


@given(versions)
def test_version_info_round_trips_to_the_same_version(text: str) -> None:
    info = version_info(parse_version(text))
    numbers = [str(part) for part in info if isinstance(part, int)]
    release_length = len(parse_version(text).release.to_string().split("."))
    rebuilt = ".".join(numbers[: max(3, release_length)])
    rest = list(info[max(3, release_length) :])
    for label, number in zip(rest[::2], rest[1::2], strict=True):
        rebuilt += f"{label}{number}" if label in ("a", "b", "rc") else f".{label}{number}"
    assert parse_version(rebuilt) == parse_version(text)


@given(
    versions,
    st.sampled_from(["major", "minor", "patch", "premajor", "preminor", "prepatch", "prerelease"]),
    st.booleans(),
)
def test_every_bump_equals_poetrys_own_version_command(
    text: str, rule: str, next_phase: bool
) -> None:
    # Poetry's `poetry version RULE` logic; this fails the day Poetry's rules change.
    from poetry.console.commands.version import VersionCommand

    if rule == "prerelease" and parse_version(text).pre is None and parse_version(text).dev:
        return  # Poetry itself fails (an assertion) on a dev release without a pre-release
    expected = VersionCommand().increment_version(text, rule, next_phase)
    assert bump_version(text, rule, next_phase=next_phase) == expected
