"""Side-by-side figures for RESULTS.md: medians of several interleaved runs, one machine, one run.

1. Plugin load: `poetry --version` with the plugin vs the same Poetry in a venv without it.
2. The same patch decision on the same scratch repository (guide-shaped, a `fix:` since the
   tag): `poetry release prepare patch --dry-run --no-checks --offline`, `poetry version patch
   --dry-run`, `cz bump --dry-run --yes --increment PATCH`, `bump-my-version bump patch
   --dry-run`, `semantic-release --noop version --patch` (the three tools installed into their
   own venv by this script).
3. Checks: three checks of 1 s each, wall time of `prepare` vs the sum of the checks' times.
4. A long history: benchmarks/history.py (10,000 commits, a 5 MB changelog).
5. Every place the version lives: benchmarks/places.py (10,000 tracked files searched).

    .venv/bin/python benchmarks/compare.py [--runs 11] > benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from history import as_installed, environment
from plugin_load import ensure_baseline, measure, poetry_version

HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent / ".venv-bench" / "tools"
TOOL_PACKAGES = ("commitizen", "bump-my-version", "python-semantic-release")
POETRY = str(Path(sys.executable).parent / "poetry")

PYPROJECT = """\
[tool.poetry]
name = "arshai"
version = "1.5.4"
description = "benchmark"
authors = ["A <a@example.invalid>"]

[tool.poetry-release]
changelog = false
checks = [
  {{ name = "one", run = "{python} -c 'import time; time.sleep(1)'" }},
  {{ name = "two", run = "{python} -c 'import time; time.sleep(1)'" }},
  {{ name = "three", run = "{python} -c 'import time; time.sleep(1)'" }},
]

[tool.commitizen]
name = "cz_conventional_commits"
version_provider = "poetry"
tag_format = "v$version"
version_files = ["arshai/_version.py:__version__"]

[tool.bumpversion]
current_version = "1.5.4"
commit = false
tag = false

[[tool.bumpversion.files]]
filename = "arshai/_version.py"

[[tool.bumpversion.files]]
filename = "pyproject.toml"
search = 'version = "{{current_version}}"'
replace = 'version = "{{new_version}}"'

[tool.semantic_release]
version_toml = ["pyproject.toml:tool.poetry.version"]
version_variables = ["arshai/_version.py:__version__"]
tag_format = "v{{version}}"

[tool.semantic_release.branches.main]
match = "main"

[build-system]
requires = ["poetry-core>=2.0"]
build-backend = "poetry.core.masonry.api"
"""


def ensure_tools() -> dict[str, str]:
    """commitizen, bump-my-version and python-semantic-release in their own venv; versions."""
    if not (TOOLS / "bin" / "cz").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
        subprocess.run(
            [str(TOOLS / "bin" / "python"), "-m", "pip", "install", "--quiet", *TOOL_PACKAGES],
            check=True,
        )
    listed = subprocess.run(
        [str(TOOLS / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {p["name"]: p["version"] for p in json.loads(listed) if p["name"] in TOOL_PACKAGES}


def scratch_repository(root: Path, env: dict[str, str]) -> None:
    """arshai 1.5.4 tagged, one `fix:` since, a bare `origin`; configured for every tool."""
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT.format(python=sys.executable))
    (root / "arshai").mkdir()
    (root / "arshai" / "__init__.py").write_text("")
    (root / "arshai" / "_version.py").write_text(
        '__version__ = "1.5.4"\n__version_info__ = (1, 5, 4)\n'
    )
    remote = root.parent / "remote.git"

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)

    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], env=env, check=True)
    git("init", "-q", "-b", "main")
    git("add", "--all")
    git("commit", "-q", "-m", "chore: start")
    git("tag", "v1.5.4")
    (root / "notes.txt").write_text("fixed\n")
    git("add", "--all")
    git("commit", "-q", "-m", "fix: a bug")
    git("remote", "add", "origin", str(remote))
    git("push", "-q", "origin", "main", "v1.5.4")


def check_concurrency(root: Path, env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall seconds of `prepare` with three 1 s checks, and of the checks' sum."""
    import time

    walls, sums = [], []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(
            [POETRY, "release", "prepare", "patch", "--offline", "--no-commit", "--json"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        walls.append(time.perf_counter() - started)
        sums.append(sum(check["seconds"] for check in json.loads(completed.stdout)["checks"]))
        subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, env=env, check=True)
    walls.sort()
    sums.sort()
    return walls[len(walls) // 2], sums[len(sums) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    versions = ensure_tools()
    as_installed()
    bin_dir = TOOLS / "bin"
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        env = environment(home)
        root = home / "arshai"
        scratch_repository(root, env)
        os.chdir(root)
        load = measure(
            {
                "poetry --version (no plugin)": [str(ensure_baseline()), "--version"],
                "poetry --version (plugin)": [POETRY, "--version"],
            },
            args.runs,
            env,
        )
        decision = measure(
            {
                "poetry release prepare patch --dry-run": [
                    POETRY,
                    "release",
                    "prepare",
                    "patch",
                    "--dry-run",
                    "--no-checks",
                    "--offline",
                ],
                "poetry version patch --dry-run": [POETRY, "version", "patch", "--dry-run"],
                "cz bump --dry-run --yes --increment PATCH": [
                    str(bin_dir / "cz"),
                    "bump",
                    "--dry-run",
                    "--yes",
                    "--increment",
                    "PATCH",
                ],
                "bump-my-version bump patch --dry-run": [
                    str(bin_dir / "bump-my-version"),
                    "bump",
                    "patch",
                    "--dry-run",
                ],
                "semantic-release --noop version --patch": [
                    str(bin_dir / "semantic-release"),
                    "--noop",
                    "version",
                    "--patch",
                ],
            },
            args.runs,
            env,
        )
        wall, summed = check_concurrency(root, env, max(3, args.runs // 3))
    history, places = (
        subprocess.run(
            [sys.executable, str(HERE / script), "--runs", "7"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for script in ("history.py", "places.py")
    )
    report(args.runs, versions, load, decision, wall, summed, history + "\n" + places)


def report(
    runs: int,
    versions: dict[str, str],
    load: dict[str, float],
    decision: dict[str, float],
    wall: float,
    summed: float,
    history: str,
) -> None:
    baseline = decision["poetry version patch --dry-run"]
    ours = decision["poetry release prepare patch --dry-run"]
    print("# Benchmark results\n")
    print(
        f"Measured {datetime.date.today().isoformat()} by `benchmarks/compare.py` on "
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Poetry {poetry_version()}; "
        + ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
        + f". Medians of {runs} interleaved runs, all in one run of the script.\n"
    )
    print("## Plugin load (every `poetry` command pays it)\n")
    print("| command | median | ratio |\n|---|---|---|")
    no_plugin = load["poetry --version (no plugin)"]
    for name, seconds in load.items():
        print(f"| `{name}` | {seconds * 1000:.0f} ms | {seconds / no_plugin:.3f} |")
    print("\n## The same patch decision on the same repository\n")
    print("| command | median | vs `poetry version` |\n|---|---|---|")
    for name, seconds in decision.items():
        print(f"| `{name}` | {seconds * 1000:.0f} ms | {seconds / baseline:.2f}x |")
    print(f"\n`prepare --dry-run` / `poetry version --dry-run`: **{ours / baseline:.2f}x**.")
    print("\n## Checks run side by side\n")
    print(
        f"Three checks of 1 s each: the whole `prepare` (start-up, writes and all) took "
        f"{wall:.2f} s of wall time, while the checks' own times add up to {summed:.2f} s."
    )
    print("\n## A long history, a large tree\n\n```text\n" + history.strip() + "\n```")
    print("\n## Reading these figures\n")
    print(
        "- `prepare --dry-run` costs about what `poetry version --dry-run` costs: both are "
        f"dominated by Poetry's own start-up ({no_plugin * 1000:.0f} ms for `poetry --version` "
        "here, most of it Poetry's plugin manager importing its installer, dulwich and "
        "virtualenv, paid whether or not a plugin is installed)."
    )
    others = {name: seconds for name, seconds in decision.items() if not name.startswith("poetry")}
    slower = [
        f"{name.split()[0]} by {(ours - t) * 1000:.0f} ms" for name, t in others.items() if t < ours
    ]
    faster = [name.split()[0] for name, t in others.items() if t >= ours]
    print(
        "- Tools that are not Poetry commands start without that cost; being a Poetry command is "
        "what gives this plugin Poetry's repositories, credentials, publisher and environments. "
        f"Here the plugin is slower than {', '.join(slower) or 'none of them'}"
        f" and faster than {', '.join(faster) or 'none of them'}."
    )


if __name__ == "__main__":
    main()
