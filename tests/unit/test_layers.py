"""The layers hold: the pure core imports no I/O or console machinery, the plugin stays light."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import poetry_release_plugin.core

CORE_MODULES = sorted(
    f"poetry_release_plugin.core.{module.name}"
    for module in pkgutil.iter_modules(poetry_release_plugin.core.__path__)
)
# I/O, HTTP and console machinery: none of it belongs in the pure core.
FORBIDDEN = (
    "cleo",
    "httpx",
    "httpcore",
    "requests",
    "subprocess",
    "poetry.console",
    "poetry.utils",
)


def modules_after_import(module: str) -> list[str]:
    """sys.modules of a fresh interpreter after importing `module`."""
    script = f"import importlib, json, sys; importlib.import_module({module!r}); print(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded: list[str] = json.loads(completed.stdout)
    return loaded


@pytest.mark.parametrize("module", CORE_MODULES)
def test_a_core_module_imports_no_io_or_console_code(module: str) -> None:
    loaded = modules_after_import(module)
    offending = [
        name for name in loaded if any(name == f or name.startswith(f"{f}.") for f in FORBIDDEN)
    ]
    assert offending == []


def test_the_core_has_modules_to_check() -> None:
    assert "poetry_release_plugin.core.version" in CORE_MODULES


def test_credentials_never_show_their_secret_in_repr() -> None:
    from poetry_release_plugin.adapters.publisher import Credentials

    assert "hunter2-secret" not in repr(Credentials("token", "hunter2-secret"))


WORKFLOWS = Path(poetry_release_plugin.__file__).parent / "workflows"
# Calls that touch files, folders, processes or the network: adapters make them, not workflows.
RAW_IO_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "write_bytes",
    "iterdir",
    "glob",
    "rglob",
    "is_file",
    "is_dir",
    "exists",
    "mkdir",
    "unlink",
    "rmdir",
    "TemporaryDirectory",
    "mkstemp",
    "Popen",
    "urlopen",
}
RAW_IO_MODULES = {"subprocess", "httpx", "tempfile", "shutil", "socket", "urllib.request"}


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.py")), ids=lambda p: p.name)
def test_a_workflow_does_no_raw_file_or_network_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
    }
    assert imported & RAW_IO_MODULES == set()
    assert calls & RAW_IO_CALLS == set()


PACKAGE = Path(poetry_release_plugin.__file__).parent
# What Poetry's plugins use: the rest of Poetry is reached through adapters/poetry_api.py only.
POETRY_PLUGIN_API = (
    "poetry.__version__",
    "poetry.config.config",
    "poetry.console.application",
    "poetry.console.commands.command",
    "poetry.core",
    "poetry.factory",
    "poetry.plugins",
    "poetry.poetry",
)


def poetry_imports(path: Path) -> set[str]:
    """The Poetry modules a source file imports (at any depth, type-checking blocks too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "poetry" or name.startswith("poetry.")}


def test_poetry_internals_are_reached_through_poetry_api_only() -> None:
    outside = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "poetry_api.py"
        for name in poetry_imports(path)
        if not any(name == api or name.startswith(f"{api}.") for api in POETRY_PLUGIN_API)
    }

    assert outside == set()
    assert "poetry.publishing.uploader" in poetry_imports(PACKAGE / "adapters" / "poetry_api.py")
