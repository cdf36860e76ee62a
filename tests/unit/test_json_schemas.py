"""The JSON Schemas of every command's --json output: valid schemas, and the error types they
list are exactly the plugin's (a stable, documented set)."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import fastjsonschema
import pytest

import poetry_release_plugin
from poetry_release_plugin.errors import ReleaseError

SCHEMAS = Path(poetry_release_plugin.__file__).parent / "schemas"
COMMANDS = ("status", "prepare", "cut", "verify", "notes", "init-ci", "recover")


def _error_classes() -> set[str]:
    for module in pkgutil.walk_packages(poetry_release_plugin.__path__, "poetry_release_plugin."):
        importlib.import_module(module.name)
    found, pending = set(), [ReleaseError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending += cls.__subclasses__()
    return found


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_a_schema_that_takes_its_error_shape(command: str) -> None:
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text())
    validate = fastjsonschema.compile(schema)

    validate({"ok": False, "error": "what; how to fix it", "error_type": "ConfigError"})
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validate({"ok": False, "error": "x", "error_type": "KeyError"})  # not one of ours


def test_the_error_types_are_the_plugins_own_and_no_other() -> None:
    listed = {
        frozenset(json.loads((SCHEMAS / f"{c}.schema.json").read_text())["definitions"][
            "error_type"]["enum"])
        for c in COMMANDS
    }  # fmt: skip

    assert listed == {frozenset(_error_classes() | {"UsageError", "Interrupted", "InternalError"})}
