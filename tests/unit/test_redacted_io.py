"""The console's outputs and log lines, passed through the one redaction."""

from __future__ import annotations

import logging

from cleo.io.inputs.string_input import StringInput
from cleo.io.io import IO
from cleo.io.outputs.buffered_output import BufferedOutput
from poetry.console.logging.io_handler import IOHandler

from poetry_release_plugin.console.redacted_io import log_lines_through, redacted_io
from poetry_release_plugin.core.redaction import remember_secret

SECRET = "unit-Secret-0f1e2d3c"


def buffered_io() -> tuple[IO, BufferedOutput, BufferedOutput]:
    stdout, stderr = BufferedOutput(), BufferedOutput()
    return IO(StringInput(""), stdout, stderr), stdout, stderr


def test_lines_and_sections_hide_known_secrets_and_url_credentials() -> None:
    remember_secret(SECRET)
    io, stdout, _ = buffered_io()
    safe, _ = redacted_io(io, json_mode=False)

    safe.write_line(f"token {SECRET} at https://user:pw@host/simple/")
    safe.output.section().write_line(f"live {SECRET}")

    assert stdout.fetch() == "token *** at https://***@host/simple/\nlive ***\n"


def test_json_mode_keeps_stdout_for_the_json_alone() -> None:
    io, stdout, stderr = buffered_io()
    safe, json_output = redacted_io(io, json_mode=True)

    safe.write_line("human text")
    json_output.write_line("{}")

    assert (stdout.fetch(), stderr.fetch()) == ("{}\n", "human text\n")


def test_log_lines_go_through_the_command_io_while_it_runs() -> None:
    io, original_stdout, _ = buffered_io()
    root = logging.getLogger()
    poetry_handler = IOHandler(io)
    root.addHandler(poetry_handler)
    level = root.level
    root.setLevel(logging.INFO)
    command_io, stdout, stderr = buffered_io()
    safe, _ = redacted_io(command_io, json_mode=True)
    try:
        with log_lines_through(safe):
            logging.getLogger("httpx").info("HTTP Request: GET https://u:%s@h/ 200", "pw")
        logging.getLogger("httpx").info("after")
    finally:
        root.removeHandler(poetry_handler)
        root.setLevel(level)

    assert stdout.fetch() == ""
    assert "HTTP Request: GET https://***@h/ 200" in stderr.fetch()
    assert original_stdout.fetch().strip() == "after"


def test_an_index_password_written_as_a_number_is_remembered_not_a_crash() -> None:
    from poetry.config.config import Config

    from poetry_release_plugin.console.base import _remember_poetry_credentials
    from poetry_release_plugin.core.redaction import redact

    config = Config()
    config.merge({"http-basic": {"corp": {"username": "bob", "password": 86753091234}}})

    _remember_poetry_credentials(config)

    assert redact("pip said 86753091234") == "pip said ***"


def test_a_warning_shows_the_control_characters_it_quotes_and_does_not_act_on_them() -> None:
    from cleo.io.outputs.buffered_output import BufferedOutput

    from poetry_release_plugin.console.base import ConsoleReporter

    output = BufferedOutput()
    ConsoleReporter(output).warning("GitHub said: \x1b]0;pwned\x07 \x1b[2K gone")

    shown = output.fetch()
    assert "Warning: GitHub said: \\x1b]0;pwned\\x07 \\x1b[2K gone" in shown
    assert "\x1b" not in shown
    assert "\x07" not in shown
