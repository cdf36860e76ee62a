"""Conventional Commits 1.0.0: parsing, the bump each message implies, grouping."""

from __future__ import annotations

import pytest

from poetry_release_plugin.core.commits import (
    Commit,
    bump_rule,
    changes_only,
    group_changes,
    message_template,
    names_version,
    parse_message,
    release_commit_matcher,
    release_subject_matcher,
    render_sections,
)

# Every example of the Conventional Commits 1.0.0 specification, with the bump it implies.
SPEC_EXAMPLES = [
    (
        "feat: allow provided config object to extend other configs\n\n"
        "BREAKING CHANGE: `extends` key in config file is now used for extending other config files",
        "major",
    ),
    ("feat!: send an email to the customer when a product is shipped", "major"),
    ("feat(api)!: send an email to the customer when a product is shipped", "major"),
    (
        "chore!: drop support for Node 6\n\n"
        "BREAKING CHANGE: use JavaScript features not available in Node 6.",
        "major",
    ),
    ("docs: correct spelling of CHANGELOG", None),
    ("feat(lang): add Polish language", "minor"),
    (
        "fix: prevent racing of requests\n\n"
        "Introduce a request id and a reference to latest request. Dismiss\n"
        "incoming responses other than from latest request.\n\n"
        "Remove timeouts which were used to mitigate the racing issue but are\n"
        "obsolete now.\n\n"
        "Reviewed-by: Z\n"
        "Refs: #123",
        "patch",
    ),
    ("revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868", None),
]


@pytest.mark.parametrize(("message", "rule"), SPEC_EXAMPLES)
def test_each_specification_example_gives_the_bump_it_implies(
    message: str, rule: str | None
) -> None:
    assert bump_rule([Commit("a" * 40, message)], major=1, major_on_zero=False) == rule


def test_footers_body_and_scope_are_parsed() -> None:
    parsed = parse_message(SPEC_EXAMPLES[6][0])
    assert parsed is not None
    assert parsed.type == "fix"
    assert parsed.scope is None
    assert parsed.body.startswith("Introduce a request id")
    assert parsed.body.endswith("obsolete now.")
    assert parsed.footers == (("Reviewed-by", "Z"), ("Refs", "#123"))


def test_breaking_change_synonym_and_case_insensitive_types() -> None:
    assert bump_rule([Commit("a", "FEAT: shout")], major=1, major_on_zero=False) == "minor"
    assert bump_rule([Commit("a", "Fix: calm")], major=1, major_on_zero=False) == "patch"
    synonym = "refactor: rename\n\nBREAKING-CHANGE: the old name is gone"
    assert bump_rule([Commit("a", synonym)], major=1, major_on_zero=False) == "major"


def test_breaking_change_below_one_is_minor_unless_major_on_zero() -> None:
    commits = [Commit("a", "feat!: drop python 3.8")]
    assert bump_rule(commits, major=0, major_on_zero=False) == "minor"
    assert bump_rule(commits, major=0, major_on_zero=True) == "major"


def test_the_highest_bump_wins() -> None:
    commits = [Commit("a", "fix: x"), Commit("b", "feat: y"), Commit("c", "docs: z")]
    assert bump_rule(commits, major=1, major_on_zero=False) == "minor"


@pytest.mark.parametrize(
    "message",
    [
        "Update README",
        "feat:missing space",
        "feat : space before colon",
        "(scope): no type",
        "feat(: x",
    ],
)
def test_messages_off_the_spec_are_not_conventional(message: str) -> None:
    assert parse_message(message) is None


def test_grouping_follows_the_guides_sections_and_skips_the_rest() -> None:
    commits = [
        Commit("1" * 40, "feat: add widgets"),
        Commit("2" * 40, "fix(core): stop the wobble"),
        Commit("3" * 40, "docs: fix a typo"),
        Commit("4" * 40, "feat!: drop python 3.8"),
        Commit("5" * 40, "build(deps): bump httpx to 0.28"),
        Commit("6" * 40, "perf: faster parsing"),
        Commit("7" * 40, "Tidy up the code"),
        Commit("8" * 40, "Merge branch 'x'", parents=2),
        Commit("9" * 40, "chore: bump version to 0.9.0"),
        Commit("a" * 40, "ci: cache pip"),
    ]
    text = render_sections(
        group_changes(
            changes_only(commits, release_subject_matcher("chore: bump version to {version}"))
        )
    )
    assert text == (
        "### Breaking Changes\n\n- **BREAKING:** drop python 3.8 (4444444)\n\n"
        "### New Features\n\n- add widgets (1111111)\n\n"
        "### Bug Fixes\n\n- **core:** stop the wobble (2222222)\n\n"
        "### Improvements\n\n- faster parsing (6666666)\n\n"
        "### Dependencies\n\n- bump httpx to 0.28 (5555555)\n\n"
        "### Other Changes\n\n- Tidy up the code (7777777)"
    )


def test_breaking_footer_text_is_shown_with_the_description() -> None:
    commits = [
        Commit("b" * 40, "feat(api): new auth\n\nBREAKING CHANGE: tokens from 1.x no longer work")
    ]
    text = render_sections(group_changes(commits))
    assert "- **BREAKING:** **api:** new auth: tokens from 1.x no longer work (bbbbbbb)" in text


@pytest.mark.parametrize(
    ("subject", "version", "previous", "template"),
    [
        (
            "bump: version 4.0.0 → 4.1.0",
            "4.1.0",
            "4.0.0",
            "bump: version {previous_version} → {version}",
        ),
        ("chore: bump version to 1.5.5", "1.5.5", "1.5.4", "chore: bump version to {version}"),
        ("Bump version to 3.0.0b1 (#756)", "3.0.0b1", "3.0.0a1", "Bump version to {version}"),
        ("release: v2.0.0", "2.0.0", None, "release: v{version}"),
        ("Release 1.10.0 {docs}", "1.10.0", "1.9.0", "Release {version} {{docs}}"),
        ("chore: version bump", "2.39.1", "2.39.0", None),
        ("release 1.10.0", "1.1.0", None, None),  # 1.1.0 is not 1.10.0
    ],
)
def test_a_release_commits_template_is_read_from_its_subject(
    subject: str, version: str, previous: str | None, template: str | None
) -> None:
    assert message_template(subject, version, previous) == template


@pytest.mark.parametrize(
    ("template", "subject", "matches"),
    [
        ("bump: version {previous_version} → {version}", "bump: version 4.0.0 → 4.1.0", True),
        ("bump: version {previous_version} → {version}", "bump: version 4.1.0", False),
        ("chore({name}): release {tag}", "chore(widget-kit): release v1.0.0", True),
        ("chore: bump version to {version}", "chore: bump version to 1.0.1 (#12)", False),
        ("Release {{stable}} {version}", "Release {stable} 2.0.0", True),
    ],
)
def test_release_commits_are_told_by_their_template_with_any_placeholders(
    template: str, subject: str, matches: bool
) -> None:
    assert bool(release_commit_matcher(template).match(subject)) is matches


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("Release 3.0.0 (#780)", True),
        ("chore: release v3.0.0", True),
        ("Bump version to 3.0.0.", True),
        ("Release 13.0.0", False),
        ("Release 3.0.0b1", False),
        ("Release 3.0.0.1", False),
        ("Release 3.0.01", False),
    ],
)
def test_a_message_names_a_version_only_as_a_whole(message: str, named: bool) -> None:
    assert names_version(message, "3.0.0") is named
