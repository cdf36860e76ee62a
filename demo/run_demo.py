"""A whole release of a sample project, for real, against local stand-ins.

What runs for real: the `poetry` executable with this plugin, git with a bare repository as the
remote, a package index (pypiserver) on 127.0.0.1 with a password for uploads, and pip. What is
a stand-in: GitHub's REST API (tests/github_standin.py, answering by GitHub's own schemas).
Nothing leaves this machine.

    make demo        (or: .venv/bin/python demo/run_demo.py)
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from github_standin import GitHubStandIn, Server  # noqa: E402
from support import PackageIndexServer, isolated_environment  # noqa: E402

WORK = Path(os.environ.get("DEMO_WORK", ROOT / "demo" / "work")).resolve()
SAMPLE = WORK / "arshai"
POETRY = str(Path(sys.executable).parent / "poetry")
INDEX_USER, INDEX_PASSWORD = "demo", "demo-upload-password"
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")

SAMPLE_FILES = {
    "pyproject.toml": """\
        [tool.poetry]
        name = "arshai"
        version = "0.2.2"
        description = "A sample project laid out like the deployment guide's"
        authors = ["Maintainer <maintainer@example.invalid>"]
        readme = "README.md"

        [tool.poetry.dependencies]
        python = ">=3.10"

        [tool.poetry-release]
        checks = ["pytest -q", "build"]
        index-url = "{index_url}"

        [build-system]
        requires = ["poetry-core>=2.0"]
        build-backend = "poetry.core.masonry.api"
        """,
    "README.md": "# arshai\n\nA sample project for the poetry-release-plugin demo.\n",
    "arshai/__init__.py": "from arshai._version import __version__, __version_info__\n",
    "arshai/_version.py": '__version__ = "0.2.2"\n__version_info__ = (0, 2, 2)\n',
    "tests/test_version.py": """\
        import arshai


        def test_version_info_matches_version():
            assert ".".join(map(str, arshai.__version_info__)) == arshai.__version__
        """,
    "CHANGELOG.md": """\
        # Changelog

        All notable changes to this project will be documented in this file.

        ## [Unreleased]

        ## [0.2.2] - 2026-10-01

        ### Fixed

        - Timeouts with external APIs.

        [unreleased]: https://github.com/nimunzn/arshai/compare/v0.2.2...HEAD
        [0.2.2]: https://github.com/nimunzn/arshai/compare/v0.2.1...v0.2.2
        """,
    ".gitignore": ".venv/\n__pycache__/\n.pytest_cache/\ndist/\n",
}


def banner(text: str) -> None:
    print(f"\n{BOLD}== {text}{RESET}", flush=True)


def show(argv: list[str], env: dict[str, str], *, cwd: Path = SAMPLE) -> None:
    """Run a command in the sample project, showing it and its real output; stop on failure."""
    shown = ["poetry", *argv[1:]] if argv[0] == POETRY else argv
    print(f"{BOLD}$ {shlex.join(shown)}{RESET}", flush=True)
    completed = subprocess.run(argv, cwd=cwd, env=env, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"demo: {shlex.join(shown)} exited {completed.returncode}")


def quiet(argv: list[str], env: dict[str, str], cwd: Path) -> None:
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


NEW_FEATURE = {
    "arshai/agents.py": 'def greet(name: str) -> str:\n    return f"Hello, {name}!"\n',
    "tests/test_agents.py": (
        "from arshai.agents import greet\n\n\n"
        "def test_greet():\n    assert greet('PyPI') == 'Hello, PyPI!'\n"
    ),
}
UNRELEASED_ENTRY = "## [Unreleased]\n\n### Added\n\n- Agents can greet people by name.\n"


def make_sample(index_url: str, env: dict[str, str], index_packages: Path) -> None:
    """The sample: 0.2.2 released (tag, index), then a feature committed and pushed."""
    SAMPLE.mkdir(parents=True)
    for path, text in SAMPLE_FILES.items():
        target = SAMPLE / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).replace("{index_url}", index_url))
    # First the project's environment, as `poetry install` would leave it, without the network: a
    # venv where the project is installed (a .pth to its root, as Poetry's editable install
    # writes) and pytest is available (this demo's own, through a second .pth). Made before any
    # `poetry` runs here, so Poetry never creates a venv of its own.
    venv = SAMPLE / ".venv"
    quiet([sys.executable, "-m", "venv", "--without-pip", str(venv)], env, WORK)
    site = (
        venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    )
    (site / "arshai.pth").write_text(f"{SAMPLE}\n")
    (site / "demo-tools.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n")
    pytest = venv / "bin" / "pytest"
    pytest.write_text(f"#!{venv / 'bin' / 'python'}\nimport sys, pytest\nsys.exit(pytest.main())\n")
    pytest.chmod(0o755)
    remote = WORK / "remote.git"
    quiet(["git", "init", "--quiet", "--bare", "--initial-branch", "main", str(remote)], env, WORK)
    for argv in (
        ["git", "init", "--quiet", "--initial-branch", "main"],
        ["git", "add", "--all"],
        ["git", "commit", "--quiet", "--message", "feat: the first agents"],
        ["git", "tag", "v0.2.2"],
        ["git", "remote", "add", "origin", str(remote)],
        ["git", "push", "--quiet", "origin", "main", "v0.2.2"],
        [POETRY, "build", "--output", str(index_packages)],  # 0.2.2 is on the index
    ):
        quiet(argv, env, SAMPLE)
    for path, text in NEW_FEATURE.items():
        (SAMPLE / path).write_text(text)
    changelog = SAMPLE / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## [Unreleased]\n", UNRELEASED_ENTRY))
    for argv in (
        ["git", "add", "--all"],
        ["git", "commit", "--quiet", "--message", "feat(agents): greet people by name"],
        ["git", "push", "--quiet", "origin", "main"],
    ):
        quiet(argv, env, SAMPLE)


def environment(home: Path) -> dict[str, str]:
    """No user configuration of Poetry, git or pip leaks in; colours stay on for a terminal."""
    env = isolated_environment(home)
    for name in ("NO_COLOR", "COLUMNS"):
        env.pop(name, None)
    return env


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    home = WORK / "home"
    home.mkdir(parents=True)
    env = environment(home)
    index = PackageIndexServer(WORK / "index-packages", INDEX_USER, INDEX_PASSWORD)
    standin = GitHubStandIn(owner="nimunzn", name="arshai", token="ghp_demoToken")
    with index, Server(standin) as github:  # both stop however the block ends, Ctrl-C too
        make_sample(index.url, env, index.packages)
        github.add_release("v0.2.2")  # released earlier
        env.update(
            {
                "GITHUB_API_URL": github.url,
                "GITHUB_REPOSITORY": "nimunzn/arshai",
                "GITHUB_TOKEN": github.token,
                "POETRY_REPOSITORIES_DEMO_URL": index.root_url,
                "POETRY_HTTP_BASIC_DEMO_USERNAME": INDEX_USER,
                "POETRY_HTTP_BASIC_DEMO_PASSWORD": INDEX_PASSWORD,
            }
        )
        print(f"{DIM}Sample project: {SAMPLE}")
        print(f"Package index (pypiserver): {index.url}")
        print(f"GitHub REST stand-in: {github.url}")
        print("(not GitHub: a local server answering by GitHub's schemas; nothing leaves")
        print(f"this machine){RESET}")

        banner("Where does the release stand?")
        show([POETRY, "release", "status"], env)
        banner("What would prepare write? The diff of --dry-run")
        show([POETRY, "release", "prepare", "minor", "--dry-run", "--no-checks"], env)
        banner("Prepare 0.3.0: version everywhere, changelog, checks, commit")
        show([POETRY, "release", "prepare", "minor"], env)
        show(["git", "log", "--oneline", "--decorate", "-2"], env)
        banner("Cut it: tag, atomic push, GitHub release, upload through Poetry")
        show([POETRY, "release", "cut", "--publish", "-r", "demo"], env)
        banner("Is it really out? Index, files, a clean install, GitHub")
        show([POETRY, "release", "verify", "--install", "--timeout", "60"], env)
        banner("And now?")
        show([POETRY, "release", "status"], env)
        banner("The GitHub release's body")
        release = github.release("v0.3.0")
        print(release["body"] if release else "(none)")
    remote = WORK / "remote.git"
    print(f"\n{BOLD}Done.{RESET} The sample project is in {SAMPLE} (its remote: {remote}).")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("demo: interrupted; the servers were stopped") from None
