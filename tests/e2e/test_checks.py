"""Pre-release checks during `prepare`: side by side, in the project's environment, undone on failure."""

from __future__ import annotations

import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import POETRY, guide_layout, interrupt, process_alive, processes_mentioning

if TYPE_CHECKING:
    from conftest import ProjectFactory
    from support import ReleaseProject

PYTHON = sys.executable


def python_check(name: str, code: str, timeout: float | None = None) -> str:
    """A `{ name, run }` check table running `python -c CODE`."""
    run = (
        shlex.join([PYTHON, "-c", code])
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
    )
    extra = f", timeout = {timeout}" if timeout is not None else ""
    return f'{{ name = "{name}", run = "{run}"{extra} }}'


def project_with_checks(make_project: ProjectFactory, *checks: str) -> ReleaseProject:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", f"[tool.poetry-release]\nchecks = [{', '.join(checks)}]\n"
    )
    return make_project(files)


def meeting_check(name: str, folder: Path, expected: int) -> str:
    """A check that passes only if `expected` checks are running at the same moment: each
    leaves a mark in `folder`, then waits (30 s at most) for the others' marks."""
    code = (
        "import pathlib, sys, time; "
        f"folder = pathlib.Path({str(folder)!r}); (folder / {name!r}).touch(); "
        "deadline = time.monotonic() + 30\n"
        f"while len(list(folder.iterdir())) < {expected}:\n"
        "    time.sleep(0.02)\n"
        "    if time.monotonic() > deadline: sys.exit('the other checks never ran beside me')"
    )
    return python_check(name, code)


def test_checks_run_side_by_side(make_project: ProjectFactory, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    project = project_with_checks(
        make_project, *(meeting_check(name, marks, 3) for name in ("first", "second", "third"))
    )

    result = project.poetry("release", "prepare", "patch", "--offline", "--json")

    assert result.code == 0, result.output
    checks = result.json()["checks"]
    assert [check["name"] for check in checks] == ["first", "second", "third"]
    assert all(check["ok"] for check in checks)


def test_a_check_sees_the_new_version(make_project: ProjectFactory) -> None:
    project = project_with_checks(
        make_project,
        python_check(
            "sees-version",
            "import arshai; assert arshai.__version__ == '1.5.5', arshai.__version__; "
            "assert arshai.__version_info__ == (1, 5, 5)",
        ),
    )

    result = project.poetry("release", "prepare", "patch", "--offline")

    assert result.code == 0, result.output
    assert "sees-version" in result.stdout
    assert project.git("log", "-1", "--format=%s") == "chore: bump version to 1.5.5"


def test_a_failing_check_shows_its_output_and_leaves_the_project_as_it_was(
    make_project: ProjectFactory,
) -> None:
    project = project_with_checks(
        make_project,
        python_check("passes", "print('fine')"),
        python_check("breaks", "print('CHECK-MARKER-42'); raise SystemExit(3)"),
    )
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline")

    assert result.code == 1, result.output
    assert "CHECK-MARKER-42" in result.output
    assert "exit code 3" in result.output
    assert "Check failed: breaks" in result.output
    assert "Traceback" not in result.output
    assert project.snapshot() == before


def test_skip_check_skips_the_named_check(make_project: ProjectFactory) -> None:
    project = project_with_checks(
        make_project,
        python_check("flaky", "raise SystemExit('FLAKY-RAN')"),
        python_check("steady", "print('ok')"),
    )

    result = project.poetry("release", "prepare", "patch", "--offline", "--skip-check", "flaky")

    assert result.code == 0, result.output
    assert "FLAKY-RAN" not in result.output
    assert "steady" in result.stdout


def test_skip_check_with_an_unknown_name_lists_the_known_ones(make_project: ProjectFactory) -> None:
    project = project_with_checks(make_project, python_check("steady", "print('ok')"))
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline", "--skip-check", "nope")

    assert result.code == 1
    assert "--skip-check nope" in result.output
    assert "the checks are: steady" in result.output
    assert project.snapshot() == before


def sleeper(pid_file: Path) -> str:
    """Code that writes its pid to `pid_file` (whole: the file appears with the pid in it, so
    nothing waiting for the file reads it empty), then sleeps far longer than any test runs."""
    partial = f"{pid_file}.partial"
    return (
        f"import os, time; open({partial!r}, 'w').write(str(os.getpid())); "
        f"os.replace({partial!r}, {str(pid_file)!r}); time.sleep(600)"
    )


def is_running(pid_file: Path) -> bool:
    """Whether a process running the `sleeper(pid_file)` code exists (found by its command line:
    a check timed out before its Python started never wrote the file)."""
    return bool(processes_mentioning(str(pid_file)))


@pytest.mark.faults
def test_a_check_over_its_timeout_fails(make_project: ProjectFactory, tmp_path: Path) -> None:
    pid_file = tmp_path / "slow.pid"
    project = project_with_checks(make_project, python_check("slow", sleeper(pid_file), timeout=1))
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline")

    assert result.code == 1, result.output
    assert "timed out after 1 s" in result.output
    assert not is_running(pid_file)
    assert project.snapshot() == before


@pytest.mark.faults
def test_fail_fast_stops_the_other_checks(make_project: ProjectFactory, tmp_path: Path) -> None:
    pid_file = tmp_path / "slow.pid"
    wait_for_pid = (
        f"import os, time; p = {str(pid_file)!r}\n"
        "while not os.path.exists(p): time.sleep(0.02)\n"
        "raise SystemExit(1)"
    )
    project = project_with_checks(
        make_project,
        python_check("slow", sleeper(pid_file)),
        python_check("breaks", wait_for_pid),
    )

    result = project.poetry("release", "prepare", "patch", "--offline", "--fail-fast")

    assert result.code == 1, result.output
    assert "stopped" in result.output
    assert not is_running(pid_file)


def _install_pytest_into_project_venv(project: ReleaseProject) -> None:
    """A project `.venv` as `poetry install` leaves it: the project installed (a .pth to its
    root, as Poetry's editable install writes) and pytest there (ours, through a second .pth)."""
    venv = project.root / ".venv"
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = venv / "lib" / version / "site-packages"
    (site_packages / "arshai.pth").write_text(f"{project.root}\n")
    (site_packages / "borrowed-tools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pytest_script = venv / "bin" / "pytest"
    pytest_script.write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys, pytest\nsys.exit(pytest.main())\n"
    )
    pytest_script.chmod(0o755)


def test_default_checks_run_the_projects_pytest_and_a_failing_test_stops_the_release(
    make_project: ProjectFactory,
) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["tests/test_arshai.py"] = (
        "import arshai\n\n\ndef test_version():\n    assert arshai.__version__ == '9.9.9', 'FAILING-TEST-MARKER'\n"
    )
    project = make_project(files)
    _install_pytest_into_project_venv(project)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline")

    assert result.code == 1, result.output
    assert "Checks: pytest, build" in result.output
    assert "FAILING-TEST-MARKER" in result.output
    assert project.snapshot() == before


def test_default_checks_pass_then_the_import_is_confirmed(make_project: ProjectFactory) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["tests/test_arshai.py"] = (
        "import arshai\n\n\ndef test_version():\n    assert arshai.__version__ == '1.5.5'\n"
    )
    project = make_project(files)
    _install_pytest_into_project_venv(project)

    result = project.poetry("release", "prepare", "patch", "--offline", "--json")

    assert result.code == 0, result.output
    assert [(c["name"], c["ok"]) for c in result.json()["checks"]] == [
        ("pytest", True),
        ("build", True),
    ]
    assert "arshai.__version__ == 1.5.5" in result.stderr
    assert not (project.root / "dist").exists()  # the build went to a temporary folder


def test_a_package_reporting_another_version_fails_the_release(
    make_project: ProjectFactory,
) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["arshai/__init__.py"] = '__version__ = "0.0.1"  # stale, not the version file\n'
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.poetry-release]\n", '[tool.poetry-release]\nversion-files = ["arshai/_version.py"]\n'
    )
    project = make_project(files)
    _install_pytest_into_project_venv(project)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline", "--no-checks")

    assert result.code == 1, result.output
    assert "import arshai reports arshai.__version__ = 0.0.1, not 1.5.5" in result.output
    assert project.snapshot() == before


@pytest.mark.faults
def test_ctrl_c_during_a_long_check_restores_everything(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    seen = tmp_path / "check-saw"  # the check writes its pid and the version it sees, then waits
    project = project_with_checks(
        make_project,
        python_check(
            "long",
            "import arshai, os, time; "
            f"open({str(seen)!r}, 'w').write(f'{{os.getpid()}} {{arshai.__version__}}'); time.sleep(600)",
        ),
    )
    before = project.snapshot()

    code, output = interrupt(
        [POETRY, "release", "prepare", "patch", "--offline"],
        project.root,
        project.env,
        lambda: seen.exists() and bool(seen.read_text()),
    )
    check_pid, version_seen = seen.read_text().split()

    assert version_seen == "1.5.5"  # the files were written when Ctrl-C came
    assert code != 0, output
    assert "Interrupted while the checks ran" in output
    assert project.snapshot() == before
    assert not process_alive(int(check_pid)), "the check's process outlived prepare"
    left = list(Path(project.env["TMPDIR"]).glob("poetry-release-*"))
    assert left == []  # no check logs left behind where no one is shown them


def test_install_check_installs_the_wheel_into_a_clean_venv(make_project: ProjectFactory) -> None:
    project = project_with_checks(make_project, '"install"')

    result = project.poetry("release", "prepare", "patch", "--offline", "-v")

    assert result.code == 0, result.output
    assert "arshai.__version__ == 1.5.5" in result.stdout


def test_install_check_catches_a_file_missing_from_the_wheel(make_project: ProjectFactory) -> None:
    files = guide_layout("http://127.0.0.1:9/simple/")
    files["arshai/__init__.py"] = (
        "from arshai import helpers\nfrom arshai._version import __version__\n"
    )
    files["arshai/helpers.py"] = "HELP = True\n"
    files["pyproject.toml"] = (
        files["pyproject.toml"]
        .replace("readme = ", 'exclude = ["arshai/helpers.py"]\nreadme = ')
        .replace("[tool.poetry-release]\n", '[tool.poetry-release]\nchecks = ["install"]\n')
    )
    project = make_project(files)
    before = project.snapshot()

    result = project.poetry("release", "prepare", "patch", "--offline")

    assert result.code == 1, result.output
    assert "import arshai failed in a clean venv" in result.output
    assert project.snapshot() == before
