"""Every kind of version place: read, rewritten with only the version changed, refused when it
holds nothing; mentions judged; other tools' declarations read."""

from __future__ import annotations

import pytest

from poetry_release_plugin.core.other_tools import read_declarations
from poetry_release_plugin.core.version import parse_version
from poetry_release_plugin.core.version_places import (
    PlaceKind,
    PlaceSpec,
    classify_mentions,
    mentions,
    place_from_entry,
    read_place,
    write_place,
)
from poetry_release_plugin.errors import ProjectError

PLACES = [
    # (entry, file text, text after 3.1.1a0 -> 3.2.0)
    (
        "pkg/shared/version.py",
        '"""Exposes version constant to avoid circular dependencies."""\n\nVERSION = "3.1.1a0"\n',
        '"""Exposes version constant to avoid circular dependencies."""\n\nVERSION = "3.2.0"\n',
    ),
    (
        "pkg/__init__.py",
        'import sys\nif sys.version_info >= (3, 8):\n    __version__: str = "3.1.1a0"\n'
        "else:\n    __version__ = '3.1.1a0'\n",
        'import sys\nif sys.version_info >= (3, 8):\n    __version__: str = "3.2.0"\n'
        "else:\n    __version__ = '3.2.0'\n",
    ),
    (
        "pkg/__init__.py",
        '__version__ = VERSION = "3.1.1a0"\n',
        '__version__ = VERSION = "3.2.0"\n',
    ),
    (
        "pkg/__init__.py",
        'VERSION = "3.1.1a0"\n__version__ = VERSION\n',
        'VERSION = "3.2.0"\n__version__ = VERSION\n',
    ),
    (
        "rust/Cargo.toml:package.version",
        '[package]\nversion = "3.1.1a0"\n\n[dependencies.foo]\nversion = "3.1.1a0"\n',
        '[package]\nversion = "3.2.0"\n\n[dependencies.foo]\nversion = "3.1.1a0"\n',
    ),
    (
        "meta.toml:tool.x.version",
        "tool.x.version = \"3.1.1a0\"\nlit = { version = '3.1.1a0' }\n",
        "tool.x.version = \"3.2.0\"\nlit = { version = '3.1.1a0' }\n",
    ),
    (
        "docs/conf.py:release",
        "version = '3.1'\nrelease = '3.1.1a0'\n",
        "version = '3.1'\nrelease = '3.2.0'\n",
    ),
    (
        "pyproject.toml:tool.commitizen.version",
        '[tool.commitizen]\nversion = "3.1.1a0"  # kept\ntag_format = "v$version"\n',
        '[tool.commitizen]\nversion = "3.2.0"  # kept\ntag_format = "v$version"\n',
    ),
    (
        "CITATION.cff:version",
        "cff-version: 1.2.0\ntitle: pkg\nversion: 3.1.1a0\ndate-released: 2024-01-01\n",
        "cff-version: 1.2.0\ntitle: pkg\nversion: 3.2.0\ndate-released: 2024-01-01\n",
    ),
    (
        "chart/values.yaml:image.tag",
        "image:\n  repository: pkg\n  tag: 'v3.1.1a0' # pinned\nother:\n  tag: v3.1.1a0\n",
        "image:\n  repository: pkg\n  tag: 'v3.2.0' # pinned\nother:\n  tag: v3.1.1a0\n",
    ),
    (
        ".pre-commit-config.yaml:rev:.+Commitizen",
        "  - repo: https://github.com/x/y\n    rev: v3.1.1a0\n"
        "  - repo: https://github.com/commitizen-tools/commitizen\n"
        "    rev: v3.1.1a0 # automatically updated by Commitizen\n",
        "  - repo: https://github.com/x/y\n    rev: v3.1.1a0\n"
        "  - repo: https://github.com/commitizen-tools/commitizen\n"
        "    rev: v3.2.0 # automatically updated by Commitizen\n",
    ),
    (
        "Dockerfile",
        "FROM python\nRUN pip install pkg==3.1.1a0 other==13.1.1a0\n",
        "FROM python\nRUN pip install pkg==3.2.0 other==13.1.1a0\n",
    ),
    (
        {"path": "README.md", "search": "pip install pkg=={version}"},
        "pip install pkg==3.1.1a0\nSee 3.1.1a0 notes\n",
        "pip install pkg==3.2.0\nSee 3.1.1a0 notes\n",
    ),
    (
        {"path": "meta.json", "search": '{{"version": "{version}"}}'},
        '[{"version": "3.1.1a0"}, {"version": "3.1.1a0", "x": 1}]\n',
        '[{"version": "3.2.0"}, {"version": "3.1.1a0", "x": 1}]\n',
    ),
]


@pytest.mark.parametrize(("entry", "before", "after"), PLACES)
def test_each_kind_of_place_is_read_and_rewritten_alone(
    entry: object, before: str, after: str
) -> None:
    spec = place_from_entry(entry)

    reading = read_place(spec, before, "3.1.1a0")

    assert reading.version == "3.1.1a0"
    assert write_place(spec, before, reading.version, parse_version("3.2.0")) == after
    written = read_place(spec, after, "3.2.0")
    assert written.version == "3.2.0"
    assert written.lines == reading.lines


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        ("pkg/version.py", 'API = "3.1.1a0"\n'),
        ("pyproject.toml:tool.commitizen.version", "[tool.commitizen]\nname = 'cz'\n"),
        ("CITATION.cff:version", "title: x\n"),
        (".pre-commit-config.yaml:rev:.+Commitizen", "rev: v1.0.0\n"),
        ("README.md", "pip install pkg\n"),
        ({"path": "README.md", "search": "pkg=={version}"}, "pkg>=3.1.1a0\n"),
    ],
)
def test_a_place_holding_no_version_is_refused_naming_it(entry: object, text: str) -> None:
    spec = place_from_entry(entry)

    with pytest.raises(ProjectError) as raised:
        read_place(spec, text, "3.1.1a0")

    assert spec.path in raised.value.what
    assert "holds no version" in raised.value.what


def test_a_place_holding_an_older_version_reads_it_so_a_disagreement_shows() -> None:
    spec = place_from_entry(".pre-commit-config.yaml:rev:.+Commitizen")

    reading = read_place(spec, "    rev: v3.0.0 # updated by Commitizen\n", "3.1.1a0")

    assert reading.version == "3.0.0"


def test_mentions_are_whole_versions_only() -> None:
    text = (
        "1.2.3\nv1.2.3\npkg-1.2.3.tar.gz\n1.2.30\n11.2.3\n1.2.3.4\n1.2.3a1\ndev1.2.3\n1.2.3+x\n"
        "1.2.3.post1\n1.2.3-rc1\n1.2.3.dev2\n1.2.3-2\n"
    )

    assert [line for line, _s, _e in mentions(text, "1.2.3")] == [1, 2, 3]


def test_mentions_are_judged_written_ignored_skipped_or_unknown() -> None:
    found = [
        ("pyproject.toml", 3, 'version = "3.0.0"'),
        ("pyproject.toml", 64, 'pre-commit = "^3.0.0"'),
        ("rust/Cargo.toml", 3, 'version = "3.0.0"'),
        ("docs/api.rst", 9, ".. versionadded:: 3.0.0"),
        ("tests/test_x.py", 1, 'assert parse("3.0.0")'),
        ("src/pkg/_vendor/x/__init__.py", 1, '__version__ = "3.0.0"'),
        ("docs/index.md", 4, "pip install pendulum==3.0.0"),
        ("docs/old.md", 4, "pip install pendulum==3.0.0"),
        ("docs/index.md", 5, "pip install pendulum==3.0.01"),
        ("README.md", 1, "Needs other>=3.0.0; install with pip install pendulum==3.0.0"),
        ("README.md", 7, "got it"),
    ]

    judged = classify_mentions(
        found,
        "3.0.0",
        {"pyproject.toml": {3: "version tables"}},
        ("docs/old.md",),
        "pendulum",
    )

    assert [(m.where(), m.verdict) for m in judged] == [
        ("pyproject.toml:3", "written"),
        ("pyproject.toml:64", "skipped"),
        ("rust/Cargo.toml:3", "unknown"),
        ("docs/api.rst:9", "skipped"),
        ("tests/test_x.py:1", "skipped"),
        ("src/pkg/_vendor/x/__init__.py:1", "skipped"),
        ("docs/index.md:4", "unknown"),
        ("docs/old.md:4", "ignored"),
        ("README.md:1", "unknown"),  # the second mention on the line is the project's
    ]
    assert judged[1].reason == "a requirement of pre-commit"


def test_other_tools_declarations_become_places_and_templates() -> None:
    pyproject = {
        "tool": {
            "commitizen": {
                "version": "4.10.1",
                "tag_format": "v$version",
                "bump_message": "bump: version $current_version → $new_version",
                "version_files": [
                    "pyproject.toml:version",
                    "commitizen/__version__.py",
                    ".pre-commit-config.yaml:rev:.+Commitizen",
                ],
            },
            "semantic_release": {"version_variables": ["src/pkg/__init__.py:__version__"]},
        }
    }
    bumpversion = {
        "tool": {
            "bumpversion": {
                "current_version": "4.10.1",
                "files": [
                    {
                        "filename": "README.md",
                        "search": "pkg=={current_version}",
                        "replace": "pkg=={new_version}",
                    }
                ],
            }
        }
    }

    declared = read_declarations({"pyproject.toml": pyproject, ".bumpversion.toml": bumpversion})

    assert [(p.path, p.kind, p.pattern) for p in declared.places] == [
        ("pyproject.toml", PlaceKind.TOML, "tool.commitizen.version"),
        ("commitizen/__version__.py", PlaceKind.PYTHON, ""),
        (".pre-commit-config.yaml", PlaceKind.LINES, "rev:.+Commitizen"),
        ("src/pkg/__init__.py", PlaceKind.PYTHON, "__version__"),
        (".bumpversion.toml", PlaceKind.TOML, "current_version"),
        ("README.md", PlaceKind.SEARCH, "pkg=={current_version}"),
    ]
    assert declared.tag_format == "v{version}"
    assert declared.tag_format_source == "[tool.commitizen] tag_format"
    assert declared.commit_message == "bump: version {previous_version} → {version}"
    search = declared.places[-1]
    assert write_place(search, "pkg==4.10.1\n", "4.10.1", parse_version("4.11.0")) == (
        "pkg==4.11.0\n"
    )


def test_an_unknown_placeholder_in_a_search_is_refused() -> None:
    spec = PlaceSpec("README.md", PlaceKind.SEARCH, "pkg=={major}")

    with pytest.raises(ProjectError, match=r"uses \{major\}, which is not known"):
        read_place(spec, "pkg==1\n", "1.0.0")


@pytest.mark.parametrize(
    ("version", "semver"),
    [
        ("3.2.0", "3.2.0"),
        ("3.2.0.dev0", "3.2.0-dev0"),
        ("1.0a1", "1.0.0-a1"),
        ("2.0.0rc1", "2.0.0-rc1"),
        ("1.0.0.post2", "1.0.0-post2"),
        ("1.0.0a1.dev2", "1.0.0-a1.dev2"),
        ("1.0.0+local.7", "1.0.0+local.7"),
    ],
)
def test_cargo_gets_a_semver_spelling_that_reads_back_as_the_same_version(
    version: str, semver: str
) -> None:
    spec = place_from_entry("rust/Cargo.toml:package.version")
    text = '[package]\nname = "_pendulum"\nversion = "3.1.0"\n'

    written = write_place(spec, text, "3.1.0", parse_version(version))

    assert written == text.replace("3.1.0", semver)
    assert parse_version(read_place(spec, written, version).version) == parse_version(version)
    assert [line for line, _s, _e in mentions(written, version)] == [3]


def test_an_epoch_has_no_semver_spelling_and_is_refused_for_cargo() -> None:
    spec = place_from_entry("Cargo.toml:package.version")

    with pytest.raises(ProjectError, match="1!2.0 has no SemVer spelling"):
        write_place(spec, '[package]\nversion = "1.0.0"\n', "1.0.0", parse_version("1!2.0"))


def test_a_search_or_replace_without_the_version_is_refused_when_read() -> None:
    with pytest.raises(ProjectError, match=r"'pkg' \(for README.md\) has no \{version\}"):
        place_from_entry({"path": "README.md", "search": "pkg=={version}", "replace": "pkg"})


def test_one_file_is_one_path_and_paths_stay_in_the_project() -> None:
    assert place_from_entry("./x.txt:^a").path == "x.txt"
    assert place_from_entry("docs/../README.md").path == "README.md"
    with pytest.raises(ProjectError, match="not a path relative to the project's folder"):
        place_from_entry("/etc/version.txt")


def test_other_tools_entries_that_are_no_version_place_or_malformed_are_passed_over() -> None:
    declared = read_declarations(
        {
            "pyproject.toml": {
                "tool": {
                    "bumpversion": {
                        "current_version": "1.0.0",
                        "files": [
                            {"filename": "CHANGELOG.md", "search": "## [Unreleased]"},
                            {"filename": "gone.txt", "ignore_missing_file": True},
                        ],
                    },
                    "poetry_bumpversion": {"file": ["pkg/__init__.py"], "replacements": "x"},
                    "commitizen": {"version_files": "README.md"},
                }
            }
        }
    )

    assert [(p.path, p.optional) for p in declared.places] == [
        ("README.md", False),
        ("pyproject.toml", False),
        ("gone.txt", True),
    ]


def test_version_ignore_regexes_are_checked_and_match_the_whole_line() -> None:
    from poetry_release_plugin.config import parse_settings
    from poetry_release_plugin.core.version_places import ignore_matches
    from poetry_release_plugin.errors import ConfigError

    with pytest.raises(ConfigError, match=r"'\(unclosed' is not a regular expression"):
        parse_settings({"version-ignore": ["docs/a.md:(unclosed"]})
    assert ignore_matches("**/README.md", "README.md", "x 1.0")
    assert ignore_matches("pkg/__init__.py:^\\s+VERSION", "pkg/__init__.py", '    VERSION = "1"')
    assert not ignore_matches("docs/*.md", "README.md", "x 1.0")


def test_bump2version_ini_and_commitizen_json_are_read_like_their_toml_tables() -> None:
    from poetry_release_plugin.core.other_tools import bumpversion_ini, cz_json_document

    ini = bumpversion_ini(
        "[bumpversion]\ncurrent_version = 1.2.3\ncommit = True\n\n"
        "[bumpversion:file:src/pkg/__init__.py]\n\n"
        "[bumpversion:file:README.md]\nsearch = pkg=={current_version}\n"
    )
    cz = cz_json_document('{"commitizen": {"version": "1.2.3", "tag_format": "$version"}}')
    assert ini is not None
    assert cz is not None

    declared = read_declarations({".bumpversion.cfg": ini, ".cz.json": cz})

    assert [(p.path, p.kind, p.pattern) for p in declared.places] == [
        (".bumpversion.cfg", PlaceKind.LINES, r"^current_version\s*="),
        ("src/pkg/__init__.py", PlaceKind.SEARCH, "{current_version}"),
        ("README.md", PlaceKind.SEARCH, "pkg=={current_version}"),
        (".cz.json", PlaceKind.LINES, r'^\s*"version"\s*:'),
    ]
    assert declared.tag_format == "{version}"
    cfg = "[bumpversion]\ncurrent_version = 1.2.3\n"
    assert write_place(declared.places[0], cfg, "1.2.3", parse_version("1.3.0")) == (
        "[bumpversion]\ncurrent_version = 1.3.0\n"
    )
    assert bumpversion_ini("[metadata]\nname = x\n") is None


def test_release_please_s_manifest_holds_the_root_package_s_version() -> None:
    """micropy-cli's `.release-please-manifest.json` (tests/fixtures/micropy-cli-release-please):
    its `"."` line is written; a manifest of other packages only is no place of this one."""
    from poetry_release_plugin.core.other_tools import release_please_manifest

    text = '{\n    ".": "4.2.1"\n}\n'
    manifest = release_please_manifest(text)
    assert manifest is not None

    declared = read_declarations({".release-please-manifest.json": manifest})

    assert [(p.path, p.kind, p.source) for p in declared.places] == [
        (".release-please-manifest.json", PlaceKind.LINES, "release-please")
    ]
    assert write_place(declared.places[0], text, "4.2.1", parse_version("4.2.2")) == (
        '{\n    ".": "4.2.2"\n}\n'
    )
    assert release_please_manifest('{"packages/a": "1.0.0"}') is None
    assert release_please_manifest("not json") is None


def test_a_module_nested_past_what_python_parses_is_one_clear_refusal() -> None:
    text = "x = " + "+".join(["1"] * 200_000) + '\n__version__ = "1.0.0"\n'

    with pytest.raises(ProjectError, match="pkg/__init__.py is too deeply nested"):
        read_place(place_from_entry("pkg/__init__.py"), text, "1.0.0")


@pytest.mark.parametrize(
    ("path", "text", "line", "entry"),
    [
        (
            "rust/Cargo.toml",
            '[package]\nname = "_pendulum"\nversion = "3.0.0"\n',
            3,
            "rust/Cargo.toml:package.version",
        ),
        ("a.toml", 'top = "3.0.0"\n', 1, "a.toml:top"),
        ("a.toml", '[tool . x] # the x\nv . w = "3.0.0"\n', 2, "a.toml:tool.x.v.w"),
        ("a.toml", '[[bin]]\nversion = "3.0.0"\n', 2, "a.toml"),
        ("docs/conf.py", 'release: str = "3.0.0"\n', 1, "docs/conf.py:release"),
        ("docs/conf.py", 'if x == "3.0.0":\n    pass\n', 1, "docs/conf.py"),
        ("README.md", "pip install pkg==3.0.0\n", 1, "README.md"),
        ("README.md", "short\n", 7, "README.md"),
    ],
)
def test_an_unknown_mention_is_given_the_entry_that_would_write_it(
    path: str, text: str, line: int, entry: str
) -> None:
    from poetry_release_plugin.core.version_places import suggested_entry

    assert suggested_entry(path, line, text) == entry
