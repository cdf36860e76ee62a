"""A python-semantic-release changelog, from real files: the entries' pull request and
commit in one parenthesis, wrapped at the file's width (100) with their continuation indented,
a blank line between entries, sentence case, the commit linked with its short hash in
backticks (`[`abc1234`](…/commit/<hash>)`), entries sorted by scope then text, and the bullets
of a commit's body that semantic-release writes below its entry not taken for entries.

The texts are the heads of bleak-retry-connector's CHANGELOG.md (a Poetry project of the
Bluetooth-Devices organisation, MIT, © J. Nick Koston), trimmed where said, and the sections
its maintainers' python-semantic-release wrote for 3.4.0 (its version 8 template), 4.6.2 and
4.6.3 (version 10). For 4.6.2 it also listed `### Documentation`, `### Refactoring` and
`### Testing`, which the file had never named: the plugin leaves those kinds out (its rule for
a kind of change the file does not show), so the test expects the section without them."""

from __future__ import annotations

from poetry_release_plugin.core.changelog import changelog_voice, promote_unreleased
from poetry_release_plugin.core.commits import Commit, EntryOrder, group_changes, render_sections

# CHANGELOG.md as its 4.6.2 release left it (9df7d9e), up to the next release's heading
AT_4_6_2 = """\
# CHANGELOG

<!-- version list -->

## v4.6.2 (2026-07-22)

### Bug Fixes

- **release**: Resume CHANGELOG updates after semantic-release v9 bump
  ([#306](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/306),
  [`30d7851`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/30d7851b2b5f06756021f981bbb422986eae792d))

### Chores

- Fix PyPI classifier from Pre-Alpha to Production/Stable
  ([#305](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/305),
  [`6e089ea`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/6e089ea2139d51fd59df44ffa7b5035d0d07b911))

- **ci**: Bump the github-actions group across 1 directory with 6 updates
  ([#308](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/308),
  [`d6ed953`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/d6ed953d5a1fc1e616d0b5cb5fe173013699d8f1))

- **deps**: Bump bleak from 2.1.1 to 3.0.2
  ([#273](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/273),
  [`c391abc`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/c391abcc451ffa56e551a651844e2bf61615b00c))

- **deps**: Bump bluetooth-adapters from 2.1.1 to 2.3.0
  ([#290](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/290),
  [`f926c9a`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/f926c9a9a0266bbfc26ddb0c5933050f102da0e5))

- **deps**: Bump dbus-fast from 4.3.0 to 5.0.13
  ([#291](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/291),
  [`21be400`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/21be400ceaabf751658af4553f14bdebe315ac0d))

- **deps**: Bump dbus-fast from 5.0.13 to 5.0.22
  ([#298](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/298),
  [`1aa1243`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/1aa1243457f2e6c663d75b25774da9d766786681))

- **pre-commit.ci**: Pre-commit autoupdate
  ([#294](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/294),
  [`859f414`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/859f414bd37ac2ec0c545ab97a1e962d327f8e1a))

- **pre-commit.ci**: Pre-commit autoupdate
  ([#289](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/289),
  [`416c8a9`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/416c8a9002073782bec9e59e65ca3b1b2a567b4b))

### Documentation

- Clarify cached_services parameter is effectively unused
  ([#292](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/292),
  [`fa41a1b`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/fa41a1b58e11f6bf3399e28d1d6597e4ef673adb))

- Document DISCONNECT_TIMEOUT in Constants section
  ([#284](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/284),
  [`6462cb6`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/6462cb6ab4503c7b2f7dfb66835c2b8f073eab5c))

- Mark ble_device_callback as deprecated and unused
  ([#287](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/287),
  [`edb1520`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/edb1520b2b6d0f3b8ff24a3a7309df5573d69107))

### Refactoring

- Inline _disconnect_devices wrapper
  ([#283](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/283),
  [`fd3d826`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/fd3d8261f9551b6a098b895846a2fa2ac549a9bd))

### Testing

- Conformance canary for private bleak internals
  ([#307](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/307),
  [`57d1e2e`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/57d1e2ebdb920c8ff6e7e32ed41b40c0f668d306))


## v3.10.0 (2025-04-01)
"""

# The section its release commit 5bde5e2 wrote for 4.6.3
SECTION_4_6_3 = """\
## v4.6.3 (2026-07-22)

### Bug Fixes

- Retry EOFError and BrokenPipeError in retry_bluetooth_connection_error
  ([#309](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/309),
  [`9beb5f8`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/9beb5f8c2ae8599f062917c4bbff349ec07e6edb))

### Chores

- **deps-dev**: Bump pytest from 9.0.3 to 9.1.1
  ([#301](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/301),
  [`9df7d9e`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/9df7d9e9d2911a7f5a2c60eb91ac03a2fdfdbf91))


"""

# CHANGELOG.md as its 3.3.0 release left it (74de12f), its newest seven releases
AT_3_3_0 = """\
# Changelog

<!--next-version-placeholder-->

## v3.3.0 (2023-10-25)

### Feature

* Handle services changed during connecting ([#108](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/108)) ([`1c65413`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/1c65413cad1e6c42d6bf2c0a8cdec82d9d9a7484))

## v3.2.1 (2023-09-14)

### Fix

* Correct fetching the global bluez manager when its not running ([#106](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/106)) ([`38c63a9`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/38c63a974dd05f7a1e42d647e3ca13884e9b4e62))

## v3.2.0 (2023-09-14)

### Feature

* Remove devices on cache clear to cleanup disk cache ([#103](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/103)) ([`349e0de`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/349e0deeb2bee443e82d23b816bbd7036a476718))

## v3.1.3 (2023-09-07)

### Fix

* Ensure timeouts work with py3.11 ([#102](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/102)) ([`4951aef`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/4951aefd9de0e22235dbbd64a15357e67f496d87))

## v3.1.2 (2023-09-03)

### Fix

* Increase bleak safety timeout to allow for longer disconnect timeout ([#101](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/101)) ([`39380a7`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/39380a744b9aed832b51ad20671af86b99186560))

## v3.1.1 (2023-07-25)

### Fix

* Check more often for a device to reappear after the adapter runs out of slots ([#100](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/100)) ([`4c9c9c0`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/4c9c9c0670c79d9425e26b761a20d588dd259a26))

"""

# The section its release commit 22dd090 wrote for 3.4.0
SECTION_3_4_0 = """\
## v3.4.0 (2024-01-01)

### Feature

* Add close_stale_connections_by_address ([#110](https://github.com/Bluetooth-Devices/bleak-retry-connector/issues/110)) ([`74de12f`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/74de12fb5a9269bce677cb76ae0f05daf1af343a))

"""

# CHANGELOG.md as 4.6.1 left it (fa41a1b: its last section v3.10.0, the releases in between
# never written), trimmed: the first entries of v3.10.0, a dependabot body's bullets, the
# last entries, v3.8.1's first two and a run of v3.7.0's dependency bumps
AT_4_6_1 = """\
# CHANGELOG

<!-- version list -->

## v3.10.0 (2025-04-01)

### Chores

- Update dependabot.yml to increase GHA update frequency
  ([`53b72a1`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/53b72a18b7f889519eca49a9f5fb43199d56cb9b))

- Update deps ([#152](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/152),
  [`c4b0050`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/c4b0050678e01f2e92a92a419d8fd08f2f972045))

dependabot does not yet support new pyproject.toml format

- **ci**: Bump the github-actions group across 1 directory with 8 updates
  ([#150](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/150),
  [`1f67cb0`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/1f67cb0df49102ddd64c9d19ee44f33d1ecffc5d))

--- updated-dependencies: - dependency-name: actions/checkout dependency-type: direct:production

update-type: version-update:semver-major

dependency-group: github-actions

- dependency-name: actions/setup-python dependency-type: direct:production

- dependency-name: pre-commit/action dependency-type: direct:production

- dependency-name: wagoid/commitlint-github-action dependency-type: direct:production

- dependency-name: codecov/codecov-action dependency-type: direct:production

- dependency-name: python-semantic-release/python-semantic-release dependency-type:
  direct:production

- dependency-name: browniebroke/hacktoberfest-labeler-action dependency-type: direct:production

update-type: version-update:semver-minor

- dependency-name: tiangolo/issue-manager dependency-type: direct:production

dependency-group: github-actions ...

Signed-off-by: dependabot[bot] <support@github.com>

* chore: update pyproject

* chore: adjust actions

---------

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

Co-authored-by: J. Nick Koston <nick@koston.org>

- **pre-commit.ci**: Pre-commit autoupdate
  ([#149](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/149),
  [`b71c2d6`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/b71c2d6f9a2fe8758a77da50a4e061e14106cd83))

Co-authored-by: pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>

- **pre-commit.ci**: Pre-commit autoupdate
  ([#151](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/151),
  [`ace8adf`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/ace8adf7c33317406bca6fbe210643beabadfe67))

updates: - [github.com/commitizen-tools/commitizen: v4.2.2 →
  v4.4.1](https://github.com/commitizen-tools/commitizen/compare/v4.2.2...v4.4.1) -
  [github.com/PyCQA/isort: 6.0.0 → 6.0.1](https://github.com/PyCQA/isort/compare/6.0.0...6.0.1) -
  [github.com/PyCQA/flake8: 7.1.2 → 7.2.0](https://github.com/PyCQA/flake8/compare/7.1.2...7.2.0)

Co-authored-by: pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>

### Features

- Switch to trusted publishing
  ([#153](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/153),
  [`4b8510c`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/4b8510c6fac4b0d640afbb8152f72ab383cd1dfd))


## v3.9.0 (2025-02-20)
## v3.8.1 (2025-02-04)

### Bug Fixes

- Update poetry to v2 ([#144](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/144),
  [`9b45308`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/9b45308e6055c4a42c50228b2e21b20e2adfd604))

### Chores

- **deps**: Bump bluetooth-adapters from 0.21.0 to 0.21.1
  ([#139](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/139),
  [`d6a5e37`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/d6a5e37f639a644ca6beed7a707e521f30f59757))

## v3.7.0 (2025-01-18)

### Chores

- Create dependabot.yml
  ([`bece8dd`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/bece8dd77ef736a24a8b4ede66472ded83bc5759))

- **deps**: Bump aiohttp from 3.9.1 to 3.10.11
  ([#135](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/135),
  [`f713f8a`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/f713f8a8bd458e7cdea31f9982f20e008cccd073))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **deps**: Bump bluetooth-adapters from 0.16.2 to 0.20.2
  ([#128](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/128),
  [`c5f661d`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/c5f661d1d1e976bd66e42edc06b0633e42f1835d))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **deps**: Bump dbus-fast from 2.21.0 to 2.30.2
  ([#129](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/129),
  [`717149c`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/717149c289394b24b756a5e19cb024130ecee2a5))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **deps**: Bump idna from 3.6 to 3.7
  ([#134](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/134),
  [`8afeaca`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/8afeacabe79580958fdbade047bc1b9a00144324))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **deps-dev**: Bump pytest from 7.4.4 to 8.3.4
  ([#131](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/131),
  [`9b5b266`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/9b5b266027e5b7eb523d438d72e5e9e7dbe89a3f))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **deps-dev**: Bump pytest-asyncio from 0.19.0 to 0.23.8
  ([#130](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/130),
  [`1506d86`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/1506d866c80fe0dd6f246fd4e8599ed79cfb7c0d))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **deps-dev**: Bump pytest-cov from 3.0.0 to 6.0.0
  ([#132](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/132),
  [`50a2912`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/50a291211532a186d8a1df8c7406e5185e9b4999))

Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>

- **pre-commit.ci**: Pre-commit autoupdate

### Features

- Add support for getting callbacks on slot allocation change
  ([#133](https://github.com/Bluetooth-Devices/bleak-retry-connector/pull/133),
  [`ae21ecb`](https://github.com/Bluetooth-Devices/bleak-retry-connector/commit/ae21ecb8524555dceafbbe47fb5d3b62efd51f1a))


"""

# The section its release commit 0a9b330 wrote for 4.6.2 (the head as 4.6.2 left it), its
# last three subsections left out
SECTION_4_6_2 = AT_4_6_2.split("<!-- version list -->\n\n")[1].split("### Documentation")[0] + "\n"


# The commits since 4.6.1, newest first
COMMITS_4_6_2 = (
    (
        "fa41a1b58e11f6bf3399e28d1d6597e4ef673adb",
        "docs: clarify cached_services parameter is effectively unused (#292)",
    ),
    (
        "57d1e2ebdb920c8ff6e7e32ed41b40c0f668d306",
        "test: conformance canary for private bleak internals (#307)",
    ),
    (
        "1aa1243457f2e6c663d75b25774da9d766786681",
        "chore(deps): bump dbus-fast from 5.0.13 to 5.0.22 (#298)",
    ),
    (
        "30d7851b2b5f06756021f981bbb422986eae792d",
        "fix(release): resume CHANGELOG updates after semantic-release v9 bump (#306)",
    ),
    (
        "6e089ea2139d51fd59df44ffa7b5035d0d07b911",
        "chore: fix PyPI classifier from Pre-Alpha to Production/Stable (#305)",
    ),
    (
        "d6ed953d5a1fc1e616d0b5cb5fe173013699d8f1",
        "chore(ci): bump the github-actions group across 1 directory with 6 updates (#308)",
    ),
    (
        "859f414bd37ac2ec0c545ab97a1e962d327f8e1a",
        "chore(pre-commit.ci): pre-commit autoupdate (#294)",
    ),
    (
        "6462cb6ab4503c7b2f7dfb66835c2b8f073eab5c",
        "docs: document DISCONNECT_TIMEOUT in Constants section (#284)",
    ),
    (
        "f926c9a9a0266bbfc26ddb0c5933050f102da0e5",
        "chore(deps): bump bluetooth-adapters from 2.1.1 to 2.3.0 (#290)",
    ),
    (
        "416c8a9002073782bec9e59e65ca3b1b2a567b4b",
        "chore(pre-commit.ci): pre-commit autoupdate (#289)",
    ),
    (
        "21be400ceaabf751658af4553f14bdebe315ac0d",
        "chore(deps): bump dbus-fast from 4.3.0 to 5.0.13 (#291)",
    ),
    (
        "c391abcc451ffa56e551a651844e2bf61615b00c",
        "chore(deps): bump bleak from 2.1.1 to 3.0.2 (#273)",
    ),
    (
        "edb1520b2b6d0f3b8ff24a3a7309df5573d69107",
        "docs: mark ble_device_callback as deprecated and unused (#287)",
    ),
    (
        "fd3d8261f9551b6a098b895846a2fa2ac549a9bd",
        "refactor: inline _disconnect_devices wrapper (#283)",
    ),
)


def prepared(text: str, version: str, previous: str, *commits: tuple[str, str]) -> str:
    section = render_sections(
        group_changes([Commit(sha, subject) for sha, subject in commits], changelog_voice(text))
    )
    return promote_unreleased(
        text, version, "2026-12-07", generated=section, tag=f"v{version}", previous_tag=previous
    )


def test_pull_request_and_commit_share_a_parenthesis_wrapped_at_the_files_width() -> None:
    result = prepared(
        AT_4_6_2,
        "4.6.3",
        "v4.6.2",
        (
            "9df7d9e9d2911a7f5a2c60eb91ac03a2fdfdbf91",
            "chore(deps-dev): bump pytest from 9.0.3 to 9.1.1 (#301)",
        ),
        (
            "9beb5f8c2ae8599f062917c4bbff349ec07e6edb",
            "fix: retry EOFError and BrokenPipeError in retry_bluetooth_connection_error (#309)",
        ),
    )

    expected = SECTION_4_6_3.replace("2026-07-22", "2026-12-07")
    assert result == AT_4_6_2.replace("## v4.6.2", expected + "## v4.6.2", 1)


def test_version_8_entries_link_their_commit_in_backticks_and_begin_with_a_capital() -> None:
    result = prepared(
        AT_3_3_0,
        "3.4.0",
        "v3.3.0",
        (
            "74de12fb5a9269bce677cb76ae0f05daf1af343a",
            "feat: add close_stale_connections_by_address (#110)",
        ),
        ("c6fac48a1dd240f0921d3e98736b8f08fad3428f", "chore: add python 3.12 to the CI (#104)"),
    )

    expected = SECTION_3_4_0.replace("2024-01-01", "2026-12-07")
    assert result == AT_3_3_0.replace("## v3.3.0", expected + "## v3.3.0", 1)


def test_a_commits_body_bullets_are_not_entries_and_entries_sort_by_scope_then_text() -> None:
    voice = changelog_voice(AT_4_6_1)

    assert (voice.order, voice.wrap, voice.indent, voice.between_entries, voice.pull_joined) == (
        EntryOrder.SCOPE_AND_TEXT,
        100,
        "  ",
        1,
        True,
    )
    result = prepared(
        AT_4_6_1,
        "4.6.2",
        "v4.6.1",
        *COMMITS_4_6_2,
    )
    assert result == AT_4_6_1.replace(
        "## v3.10.0", SECTION_4_6_2.replace("2026-07-22", "2026-12-07") + "## v3.10.0", 1
    )
