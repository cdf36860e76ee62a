"""`make demo`'s script releases its sample project end to end and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "demo" / "run_demo.py"


def test_the_demo_releases_its_sample_end_to_end(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POETRY_", "GITHUB_", "GH_"))}
    env["DEMO_WORK"] = str(tmp_path / "work")

    completed = subprocess.run(
        [sys.executable, str(DEMO)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Committed" in output
    assert "+## [0.3.0] - " in output  # the dry run's diff shows the changelog promotion
    assert "not GitHub: a local server answering by GitHub's schemas" in output
    assert "chore: bump version to 0.3.0" in output
    assert "push: done (main and v0.3.0 to origin)" in output
    assert "publish: done (arshai-0.3.0.tar.gz, arshai-0.3.0-py3-none-any.whl to demo)" in output
    assert "arshai.__version__ == 0.3.0" in output
    assert "0.3.0 is out." in output
    assert "Next: nothing: the release is out" in output
    assert f"The sample project is in {tmp_path / 'work' / 'arshai'}" in output
