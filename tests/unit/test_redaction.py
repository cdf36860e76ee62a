"""The one redaction: URL credentials, token shapes and known secrets never reach the user."""

from __future__ import annotations

import pytest

from poetry_release_plugin.core.redaction import (
    MASK,
    Redactor,
    is_release_credential,
    url_password,
    without_release_credentials,
)

TOKEN = "tok-Recognisable-0123456789"
PASSWORD = "pw-Recognisable-S3cret"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://user:pw@host/simple/", "https://***@host/simple/"),
        ("already on https://u:p%40ss@host:8080/x", "already on https://***@host:8080/x"),
        ("(https://u:p@ss@host/simple/)", "(https://***@host/simple/)"),
        ("git+ssh://git@host/o/r.git", "git+ssh://***@host/o/r.git"),
        (
            "Creating new session for user:pw-9f@127.0.0.1:8080",
            "Creating new session for user:***@127.0.0.1:8080",
        ),
        ("git@github.com:owner/repo.git", "git@github.com:owner/repo.git"),
        ("https://x-access-token:abc@github.com/o/r", "https://***@github.com/o/r"),
        ('{"url": "https://u:p@h/"}', '{"url": "https://***@h/"}'),
        ("Authorization: Bearer abc.def", "Authorization: Bearer ***"),
        ("headers={'authorization': 'token xyz'}", "headers={'authorization': 'token ***'}"),
        ("got ghp_" + "A" * 36 + " back", "got *** back"),
        ("pypi-" + "B" * 40, "***"),
        ("https://host/simple/ and mail@example.org", "https://host/simple/ and mail@example.org"),
    ],
)
def test_credentials_are_hidden_by_their_shape(text: str, shown: str) -> None:
    assert Redactor().text(text) == shown
    # the same at the end of a long text (a dry run's diff of a changelog of megabytes)
    filler = "- Fixed thing number 7 in a module (a1b2c3d)\n" * 2_000
    assert Redactor().text(filler + text) == filler + shown


def test_a_header_name_written_with_unicode_look_alikes_is_still_hidden() -> None:
    dotless = "AUTHOR\u0131ZATION"  # a dotless i, which matches i when case is ignored
    assert Redactor().text(f"{dotless}: Bearer abc.def") == f"{dotless}: Bearer ***"


def test_known_secrets_are_hidden_as_written_and_as_url_encoded() -> None:
    redactor = Redactor([TOKEN, "p@ss word!x"])
    text = f"{TOKEN} then p%40ss%20word%21x and p@ss word!x"
    assert redactor.text(text) == f"{MASK} then {MASK} and {MASK}"


def test_secrets_from_the_environment_are_remembered_by_name_and_url() -> None:
    redactor = Redactor()
    redactor.remember_environment(
        {
            "GITHUB_TOKEN": TOKEN,
            "POETRY_HTTP_BASIC_LOCAL_PASSWORD": PASSWORD,
            "POETRY_HTTP_BASIC_LOCAL_USERNAME": "uploader",
            "POETRY_REPOSITORIES_LOCAL_URL": "https://uploader:url-Secret-99@host/",
            "SHORT_TOKEN": "abc",
            "HOME": "/home/someone",
            "GITHUB_PAT": "pat-Secret-1234",
            "SIGNING_KEY": "key-Secret-5678",
            "SSH_AUTH_SOCK": "/tmp/ssh-agent.sock",
        }
    )
    text = f"{TOKEN} {PASSWORD} url-Secret-99 uploader abc /home/someone"
    assert redactor.text(text) == f"{MASK} {MASK} {MASK} uploader abc /home/someone"
    assert redactor.text("pat-Secret-1234 key-Secret-5678 /tmp/ssh-agent.sock") == (
        f"{MASK} {MASK} /tmp/ssh-agent.sock"
    )


def test_json_like_values_are_redacted_throughout() -> None:
    redactor = Redactor([TOKEN])
    payload = {"ok": False, "error": TOKEN, "checks": [{"detail": "https://u:p@h/"}], "n": 1}
    assert redactor.value(payload) == {
        "ok": False,
        "error": MASK,
        "checks": [{"detail": "https://***@h/"}],
        "n": 1,
    }


def test_url_password_is_decoded() -> None:
    assert url_password("https://user:p%40ss@host/") == "p@ss"
    assert url_password("https://user@host/") is None
    assert url_password("not a url") is None


def test_release_credentials_are_left_out_unless_named() -> None:
    variables = {
        "GITHUB_TOKEN": "1",
        "GH_TOKEN": "2",
        "POETRY_HTTP_BASIC_LOCAL_PASSWORD": "3",
        "POETRY_PYPI_TOKEN_PYPI": "4",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "5",
        "PATH": "/bin",
        "DATABASE_PASSWORD": "6",
    }
    kept = without_release_credentials(variables, keep=["GH_TOKEN"])
    assert kept == {"GH_TOKEN": "2", "PATH": "/bin", "DATABASE_PASSWORD": "6"}
    assert is_release_credential("POETRY_PYPI_TOKEN_TESTPYPI")
    assert not is_release_credential("MY_GITHUB_TOKEN_NOTE")


@pytest.mark.parametrize(
    ("name", "credential"),
    [
        ("GITHUB_TOKEN", True),
        ("GH_TOKEN", True),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", True),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", True),
        ("ACTIONS_RUNTIME_TOKEN", True),
        ("PYPI_ID_TOKEN", True),
        ("TESTPYPI_ID_TOKEN", True),
        ("SIGSTORE_ID_TOKEN", True),
        ("VAULT_ID_TOKEN", True),
        ("ID_TOKEN", True),
        ("ID_TOKEN_1", True),  # GitLab's documented example of id_tokens
        ("VAULT_ID_TOKEN_2", True),
        ("CIRCLE_OIDC_TOKEN", True),
        ("CIRCLE_OIDC_TOKEN_V2", True),
        ("BITBUCKET_STEP_OIDC_TOKEN", True),
        ("CI_JOB_JWT", True),
        ("CI_JOB_JWT_V2", True),
        ("POETRY_PYPI_TOKEN_PYPI", True),
        ("POETRY_HTTP_BASIC_DEMO_PASSWORD", True),
        ("TWINE_PASSWORD", True),
        ("ID_TOKEN_NOTE", False),
        ("CI_JOB_ID", False),
        ("GITHUB_REPOSITORY", False),
        ("PATH", False),
    ],
)
def test_one_rule_keeps_every_release_credential_and_identity_token_from_checks(
    name: str, credential: bool
) -> None:
    assert is_release_credential(name) is credential
    assert (name in without_release_credentials({name: "x"})) is not credential


def test_control_characters_in_a_message_are_shown_not_acted_on() -> None:
    from poetry_release_plugin.core.redaction import printable
    from poetry_release_plugin.errors import ReleaseError

    error = ReleaseError("GitHub said \x1b]0;pwned\x07\x1b[2K\rdone\r\n\x9b2J", "fix\tit")

    assert error.what == "GitHub said \\x1b]0;pwned\\x07\\x1b[2K\ndone\n\\x9b2J"
    assert error.fix == "fix\tit"
    assert printable("line one\nline two") == "line one\nline two"
