"""A long history: 10,000 Conventional Commits since the last tag and a 5 MB changelog.

Measures (medians of several runs) the one `git log` call plus parsing and the bump decision,
and the whole `poetry release prepare --dry-run` (changelog generated from the commits),
beside `poetry version patch --dry-run` on the same repository.

    .venv/bin/python benchmarks/history.py [--commits 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from poetry_release_plugin.adapters.git import Git
from poetry_release_plugin.core.commits import bump_rule, group_changes, render_sections

if TYPE_CHECKING:
    from collections.abc import Callable

TYPES = ("feat", "fix", "docs", "chore", "perf", "refactor", "test")


def as_installed() -> None:
    """The plugin's modules compiled to bytecode, as a regular install leaves them (an
    editable one, under PYTHONDONTWRITEBYTECODE, would compile them again on every run)."""
    import poetry_release_plugin

    compileall.compile_dir(Path(poetry_release_plugin.__file__).parent, quiet=1)


def environment(home: Path) -> dict[str, str]:
    """No user configuration of Poetry or git; a fixed author for commits; bytecode kept."""
    skipped = ("POETRY_", "GIT_", "PYTHONDONTWRITEBYTECODE")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(skipped)},
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "POETRY_CONFIG_DIR": str(home / "config"),
        "POETRY_CACHE_DIR": str(home / "cache"),
    }


def big_changelog(megabytes: float) -> str:
    """A Keep a Changelog file of about this size, Unreleased empty."""
    parts = ["# Changelog\n\n## [Unreleased]\n\n"]
    size, minor = 0, 9999
    while size < megabytes * 1_000_000:
        section = f"## [0.{minor}.0] - 2025-01-01\n\n### Fixed\n\n" + "".join(
            f"- Fixed thing number {n} in a module with a long enough name.\n" for n in range(40)
        )
        parts.append(section + "\n")
        size += len(section)
        minor -= 1
    return "".join(parts)


def make_repository(root: Path, commits: int, env: dict[str, str]) -> None:
    """A project whose last tag is followed by `commits` commits (one `git fast-import`)."""
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "1.0.0"\nrequires-python = ">=3.10"\n'
    )
    (root / "bench").mkdir()
    (root / "bench" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (root / "CHANGELOG.md").write_text(big_changelog(5))

    # The start commit is older than the commits after it, as in a real history (git's
    # `tag --merged` walks by commit date, so a newer parent would hide the tag).
    dated = {**env, "GIT_AUTHOR_DATE": "1699999999 +0000", "GIT_COMMITTER_DATE": "1699999999 +0000"}

    def run(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=dated, check=True)

    run("init", "--quiet", "--initial-branch", "main")
    run("add", "--all")
    run("commit", "--quiet", "--message", "chore: start")
    run("tag", "v1.0.0")
    stream = []
    for number in range(commits):
        message = f"{TYPES[number % len(TYPES)]}(area{number % 13}): change number {number}\n"
        data = message.encode()
        stream.append(
            b"commit refs/heads/main\n"
            + f"committer Bench <bench@example.invalid> {1_700_000_000 + number} +0000\n".encode()
            + f"data {len(data)}\n".encode()
            + data
            + (b"from refs/heads/main^0\n" if number == 0 else b"")
            + b"\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet", "--force"],
        cwd=root,
        env=env,
        input=b"".join(stream),
        check=True,
    )
    run("reset", "--quiet", "--hard", "main")


def median_seconds(action: Callable[[], None], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def poetry_command(root: Path, env: dict[str, str]) -> Callable[..., None]:
    """Run `poetry ARGS` (this environment's) in `root`, its output dropped; fail on error."""
    poetry = str(Path(sys.executable).parent / "poetry")

    def command(*argv: str) -> None:
        subprocess.run(
            [poetry, *argv],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return command


def interleaved_medians(
    commands: dict[str, tuple[str, ...]], command: Callable[..., None], runs: int
) -> dict[str, float]:
    """Each command's median time over `runs` rounds, the commands interleaved so that a busy
    moment of the machine hurts every command alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            started = time.perf_counter()
            command(*argv)
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    as_installed()
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        env = environment(home)
        root = home / "project"
        make_repository(root, args.commits, env)
        os.environ.update({k: v for k, v in env.items() if k.startswith("GIT_")})

        def parse() -> None:
            commits = Git(root).log("v1.0.0..HEAD")  # a new Git: it keeps what it read
            assert len(commits) == args.commits
            bump_rule(commits, major=1, major_on_zero=False)
            render_sections(group_changes(commits))

        command = poetry_command(root, env)

        parse_time = median_seconds(parse, args.runs)
        commands = {
            "release prepare patch --dry-run": (
                "release",
                "prepare",
                "patch",
                "--dry-run",
                "--offline",
                "--no-checks",
            ),
            "release prepare --dry-run (commits decide)": (
                "release",
                "prepare",
                "--dry-run",
                "--offline",
                "--no-checks",
            ),
            "poetry version patch --dry-run": ("version", "patch", "--dry-run"),
        }
        medians = interleaved_medians(commands, command, args.runs)
    baseline = medians["poetry version patch --dry-run"]
    size = len(big_changelog(5)) / 1e6
    print(
        f"# {args.commits} commits since the last tag, a {size:.1f} MB changelog, "
        f"{args.runs} interleaved runs, medians"
    )
    print(f"{'git log + parse + bump + notes':44} {parse_time * 1000:8.1f} ms")
    for name, seconds in medians.items():
        print(f"{name:44} {seconds * 1000:8.1f} ms  {seconds / baseline:5.2f}x")


if __name__ == "__main__":
    main()
