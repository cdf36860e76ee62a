"""What the plugin costs every `poetry` command: `poetry --version` with and without it.

The baseline is the same Poetry in a venv without the plugin (not `--no-plugins`, which also
skips Poetry's own plugin machinery). Runs alternate between the two, several times; medians.

    .venv/bin/python benchmarks/plugin_load.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from history import as_installed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = ROOT / ".venv-bench" / "baseline"


def poetry_version() -> str:
    """The Poetry version installed beside the plugin."""
    from importlib.metadata import version

    return version("poetry")


def ensure_baseline() -> Path:
    """A venv with the same Poetry and no plugin (created once, then reused)."""
    poetry = BASELINE / "bin" / "poetry"
    if not poetry.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BASELINE)], check=True)
        subprocess.run(
            [
                str(BASELINE / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"poetry=={poetry_version()}",
            ],
            check=True,
        )
    return poetry


def time_command(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds of each command, runs interleaved so drift hits all alike."""
    for argv in commands.values():
        time_command(argv, env)  # warm the file cache
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(time_command(argv, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    as_installed()
    with tempfile.TemporaryDirectory() as home:
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "POETRY_CONFIG_DIR": home,
            "POETRY_CACHE_DIR": home,
        }
        with_plugin = str(Path(sys.executable).parent / "poetry")
        medians = measure(
            {
                "without plugin": [str(ensure_baseline()), "--version"],
                "with plugin": [with_plugin, "--version"],
            },
            args.runs,
            env,
        )
    ratio = medians["with plugin"] / medians["without plugin"]
    print(f"# poetry --version, Poetry {poetry_version()}, {args.runs} runs each, medians")
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for name, seconds in medians.items():
        print(f"{name:>15}: {seconds * 1000:7.1f} ms")
    print(f"{'ratio':>15}: {ratio:7.3f}")


if __name__ == "__main__":
    main()
