"""Issue 22, attacked again: what the third pass's fixes left open (real processes, loopback).

Each test is one finding of a fresh adversarial pass on the items of issue 22 and their
neighbours: a check that leaves its process group or forks anew faster than it is killed, a
push to a remote that never answers, identity tokens under names the rule did not know.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import TYPE_CHECKING

import pytest
from conftest import github_environment
from support import process_alive, widget_kit_files
from test_checks import project_with_checks, python_check
from test_cut import cut, prepared

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import LocalIndex, ProjectFactory
    from github_standin import GitHubStandIn

pytestmark = pytest.mark.faults

OFFLINE_PREPARE = ("release", "prepare", "patch", "--offline")


def pid_in(path: Path, seconds: float = 60) -> int:
    """The pid a process wrote to `path` (waited for, bounded)."""
    deadline = time.monotonic() + seconds
    while not (path.exists() and path.read_text().strip()):
        assert time.monotonic() < deadline, f"{path.name} was never written"
        time.sleep(0.05)
    return int(path.read_text())


def ends(pid: int, seconds: float = 5) -> bool:
    """Whether `pid` is gone within `seconds`; if not it is killed, so nothing is left behind."""
    deadline = time.monotonic() + seconds
    while process_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return False
        time.sleep(0.05)
    return True


# --- item 13's neighbours: a check's processes end with it, whatever they do -----------------


def test_a_timed_out_check_that_left_its_process_group_is_stopped(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    pid_file = tmp_path / "check.pid"
    leaves_group = (
        "import os, sys, time\n"
        "os.setpgid(0, 0)\n"  # out of the group the runner stops
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "time.sleep(120)\n"
    )
    project = project_with_checks(make_project, python_check("hangs", leaves_group, timeout=2))

    started = time.monotonic()
    result = project.poetry(*OFFLINE_PREPARE, timeout=120)

    assert result.code == 1, result.output
    assert "timed out after 2 s" in result.output
    assert time.monotonic() - started < 60
    assert ends(pid_in(pid_file)), "the timed-out check outlived prepare"


CHAIN = (  # ignores SIGTERM, leaves the session, and forks anew as fast as it can
    "import os, signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "os.setsid()\n"
    "open(sys.argv[1], 'w').write('started')\n"
    "end = time.monotonic() + 8\n"
    "while time.monotonic() < end:\n"
    "    if os.fork():\n"
    "        os._exit(0)\n"
    "open(sys.argv[2], 'w').write(str(os.getpid()))\n"
)


def test_a_daemon_that_ignores_sigterm_and_forks_anew_ends_with_its_check(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    started, survived = tmp_path / "started", tmp_path / "survived"
    check = (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', {CHAIN!r}, {str(started)!r}, "
        f"{str(survived)!r}])\n"
        f"while not __import__('os').path.exists({str(started)!r}): time.sleep(0.05)\n"
        "time.sleep(0.5)\n"
    )
    project = project_with_checks(make_project, python_check("forks", check))

    result = project.poetry(*OFFLINE_PREPARE, timeout=120)
    time.sleep(9)  # the chain's own end, had it survived

    assert result.code == 0, result.output
    assert started.exists()
    assert not survived.exists(), "the daemon outlived its check by forking anew"


# --- item 15's neighbour: cut's push is bounded, and says so ----------------------------------


def test_cuts_push_to_a_slow_remote_says_how_long_it_waits_at_most(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    project.git("config", "remote.origin.receivepack", "sleep 3; git-receive-pack")

    result = cut(project, github, "--no-github-release")

    assert result.code == 0, result.output
    assert "waiting for the remote (git push, at most 300 s)" in result.stderr
    assert "at most 0 s" not in result.output
    assert "v0.9.1" in project.remote_tags().split()


# --- item 3's neighbours: identity tokens under the other names CI systems give them ----------

IDENTITY_TOKENS = {
    "ID_TOKEN_1": "gitlab-docs-name-ADVERSARY-1",  # GitLab's own id_tokens example
    "ID_TOKEN": "gitlab-plain-name-ADVERSARY-2",
    "CIRCLE_OIDC_TOKEN": "circleci-ADVERSARY-3",
    "CIRCLE_OIDC_TOKEN_V2": "circleci-v2-ADVERSARY-4",
    "BITBUCKET_STEP_OIDC_TOKEN": "bitbucket-ADVERSARY-5",
}


def test_identity_tokens_under_other_ci_names_reach_no_check(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    seen = tmp_path / "seen.json"
    names = sorted(IDENTITY_TOKENS)
    looks = (
        "import json, os\n"
        f"open({str(seen)!r}, 'w').write(json.dumps({{n: n in os.environ for n in {names!r}}}))\n"
    )
    project = project_with_checks(make_project, python_check("looks", looks))

    result = project.poetry(*OFFLINE_PREPARE, extra_env=IDENTITY_TOKENS)

    assert result.code == 0, result.output
    assert json.loads(seen.read_text()) == dict.fromkeys(names, False)


RELEASE_CREDENTIALS = {
    "GITHUB_TOKEN": "github-ADVERSARY-6",
    "POETRY_PYPI_TOKEN_PYPI": "pypi-token-ADVERSARY-7",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "actions-ADVERSARY-8",
    "PYPI_ID_TOKEN": "gitlab-ADVERSARY-9",
}


def test_the_projects_towncrier_gets_no_release_credentials(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    from test_towncrier import make_towncrier_project

    project = make_towncrier_project(make_project)
    seen = tmp_path / "towncrier-saw.json"
    towncrier = project.root / ".venv" / "bin" / "towncrier"
    names = sorted(RELEASE_CREDENTIALS)
    towncrier.write_text(  # the project's own code, as a towncrier template or plugin runs
        f"#!{project.root / '.venv' / 'bin' / 'python'}\n"
        "import json, os, sys\n"
        f"open({str(seen)!r}, 'w').write(json.dumps({{n: n in os.environ for n in {names!r}}}))\n"
        "from towncrier._shell import cli\n"
        "sys.exit(cli())\n"
    )

    result = project.poetry(
        "release", "prepare", "minor", "--offline", "--no-checks", extra_env=RELEASE_CREDENTIALS
    )

    assert result.code == 0, result.output
    assert json.loads(seen.read_text()) == dict.fromkeys(names, False)


def test_the_build_cut_publish_runs_gets_no_release_credentials(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex, tmp_path: Path
) -> None:
    project = prepared(make_project)
    seen, hooks = tmp_path / "build-saw.json", tmp_path / "hooks"
    hooks.mkdir()
    names = sorted(RELEASE_CREDENTIALS)
    (hooks / "sitecustomize.py").write_text(  # stands for the project's build script
        "import atexit, json, os, sys\n"
        "def record():\n"
        "    if 'build' in sys.argv and '--output' in sys.argv:\n"
        f"        open({str(seen)!r}, 'w').write(json.dumps("
        f"{{n: n in os.environ for n in {names!r}}}))\n"
        "atexit.register(record)\n"
    )
    environment = {
        **github_environment(github),
        **index.poetry_environment("demo"),
        **RELEASE_CREDENTIALS,
        "GITHUB_TOKEN": github.token,
        "PYTHONPATH": str(hooks),
    }

    result = project.poetry("release", "cut", "--publish", "-r", "demo", extra_env=environment)

    assert result.code == 0, result.output
    assert json.loads(seen.read_text()) == dict.fromkeys(names, False)


# --- item 16's neighbours: odd GitHub JSON on the other endpoints, one clear message each -----

RAW_ERRORS = ("object has no attribute", "not iterable", "InternalError", "Traceback")


@pytest.mark.parametrize(
    ("method", "route", "status", "body", "message"),
    [
        ("GET", r"/releases$", 200, "text", "not a release"),
        ("GET", r"/releases$", 200, [1, {"tag_name": "v0.9.1"}], "not a release"),
        ("GET", r"/actions/runs$", 200, {"workflow_runs": "x"}, "not a list of workflow runs"),
        ("GET", r"/actions/runs$", 200, [1, 2], "not a list of workflow runs"),
        ("GET", r"/actions/runs$", 403, {"message": "no", "errors": 5}, "may not"),
    ],
)
def test_odd_github_json_on_the_lists_status_and_verify_read_gives_one_message(
    make_project: ProjectFactory,
    github: GitHubStandIn,
    method: str,
    route: str,
    status: int,
    body: object,
    message: str,
) -> None:
    project = prepared(make_project)
    assert cut(project, github).code == 0
    github.releases.clear()  # the release is looked for in the list, page by page
    github.fail(method, route, status, body=body, times=20)
    environment = github_environment(github)

    runs = [
        project.poetry("release", "status", "--json", extra_env=environment),
        project.poetry("release", "verify", "--timeout", "1", extra_env=environment),
    ]

    for result in runs:
        assert not any(raw in result.output for raw in RAW_ERRORS), result.output
    assert any(message in result.output for result in runs), [r.output for r in runs]


def test_an_escape_sequence_in_githubs_answer_is_shown_not_acted_on(
    make_project: ProjectFactory, github: GitHubStandIn
) -> None:
    project = prepared(make_project)
    retitle_and_erase = "\x1b]0;pwned\x07\x1b[2K\rReleased"
    github.fail(
        "GET",
        r"^/repos/acme/widget-kit$",
        403,
        body={"message": f"Forbidden {retitle_and_erase}", "documentation_url": "x"},
        times=10,
    )

    result = cut(project, github)

    assert result.code == 1, result.output
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert r"Forbidden \x1b]0;pwned\x07\x1b[2K" in result.output  # shown, to be read


def test_a_committed_poetry_toml_pointing_testpypi_elsewhere_is_said_before_anything_is_sent(
    make_project: ProjectFactory, github: GitHubStandIn, index: LocalIndex
) -> None:
    # Poetry's own `poetry publish -r testpypi` follows the project's poetry.toml: so does cut,
    # but it names the file and where the token goes, before the credentials check.
    files = widget_kit_files()
    files["poetry.toml"] = f'[repositories.testpypi]\nurl = "{index.root_url}"\n'
    project = make_project(files, tags=("v0.9.0",))
    assert project.poetry("release", "prepare", "patch", "--offline", "--no-checks").code == 0
    env = {**github_environment(github), "POETRY_PYPI_TOKEN_TESTPYPI": "pypi-TESTPYPI-5c1e"}

    result = project.poetry(
        "release", "cut", "--publish", "-r", "testpypi", "--dry-run", extra_env=env
    )

    assert result.code == 0, result.output
    assert (
        f"poetry.toml in the project sets repositories.testpypi.url = {index.root_url}: the "
        "release and the credentials for testpypi go there"
    ) in result.output
    assert "pypi-TESTPYPI-5c1e" not in result.output
