"""One redaction for everything the plugin prints: URL credentials, tokens and passwords.

Two kinds of secret are hidden. By shape: the user and password of any URL
(`https://***@host/`), an `Authorization:` header's value, and the well-known token formats of
GitHub and PyPI. By value: every secret the release knows of (its GitHub token, Poetry's index
passwords and tokens, secret-named environment variables), wherever it shows up. The console
writes every line through `redact`, so a message built anywhere is safe to print.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

MASK = "***"
# Shorter values are hidden only where their shape gives them away (a URL's password): hiding
# every "admin" or "1234" in the output would garble it without protecting much.
MIN_SECRET_LENGTH = 6

_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#\"'<>\\]*@")
# `user:password@host` without a scheme, as Poetry's "Creating new session for ..." says it.
_BARE_USERINFO = re.compile(r"(?P<user>[\w.~%+-]+):[^\s@/:\"'<>]+@(?P<host>[\w-]+(?:\.[\w-]+)*)")
_AUTHORIZATION = re.compile(
    r"(?P<name>\b(?:proxy-)?authorization\b[\"']?\s*[:=]\s*[\"']?)"
    r"(?P<scheme>(?:bearer|token|basic)\s+)?[^\s\"',;]+",
    re.IGNORECASE,
)
_TOKEN_SHAPES = re.compile(
    r"\b(?:gh[opusr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|pypi-[A-Za-z0-9_\-]{16,})"
)
# What each shape cannot do without: text lacking it skips that pattern (a dry run prints
# a changelog diff of hundreds of kilobytes, and a substring search is far cheaper).
_TOKEN_MARKERS = ("gho_", "ghp_", "ghu_", "ghs_", "ghr_", "github_pat_", "pypi-")
_SECRET_NAME = re.compile(
    r"TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY|PRIVATE_KEY|_KEY$|(?:^|_)(?:PAT|AUTH)$",
    re.I,
)

# The release's own credentials: what `cut`, `verify` and Poetry's publisher use, and every
# identity token a CI system hands a job (GitHub's request pair, GitLab's `id_tokens` such as
# PYPI_ID_TOKEN or the docs' ID_TOKEN_1 and CI_JOB_JWT*, Sigstore's, CircleCI's and
# Bitbucket's *_OIDC_TOKEN*). Checks and the project's own code never need them, so they are
# not passed on unless a check asks by name.
_RELEASE_CREDENTIALS = re.compile(
    r"^(?:GITHUB_TOKEN|GH_TOKEN|GH_ENTERPRISE_TOKEN|GITHUB_ENTERPRISE_TOKEN"
    r"|ACTIONS_ID_TOKEN_REQUEST_\w+|ACTIONS_RUNTIME_TOKEN|(?:\w+_)?ID_TOKEN(?:_\d+)?"
    r"|(?:\w+_)?OIDC_TOKEN(?:_V\d+)?|CI_JOB_JWT\w*"
    r"|POETRY_HTTP_BASIC_\w+|POETRY_PYPI_TOKEN_\w+|TWINE_USERNAME|TWINE_PASSWORD)$"
)


def is_secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret (`*_TOKEN`, `*PASSWORD`)."""
    return bool(_SECRET_NAME.search(name))


def is_release_credential(name: str) -> bool:
    """Whether a variable is one of the release's own credentials (GitHub, index, OIDC)."""
    return bool(_RELEASE_CREDENTIALS.match(name))


def without_release_credentials(
    variables: Mapping[str, str], keep: Iterable[str] = ()
) -> dict[str, str]:
    """The variables minus the release's own credentials, except those named in `keep`."""
    kept = set(keep)
    return {
        name: value
        for name, value in variables.items()
        if name in kept or not is_release_credential(name)
    }


def url_password(text: str) -> str | None:
    """The password in a URL's userinfo (`https://user:PASSWORD@host/`), decoded, if any."""
    if "://" not in text or "@" not in text:
        return None
    try:
        password = urlsplit(text.strip()).password
    except ValueError:
        return None
    return unquote(password) if password else None


class Redactor:
    """Hides secrets in text; secrets learnt at run time (a token from gh) are added to it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self.remember(*secrets)

    def remember(self, *secrets: str | None) -> None:
        """Hide these values from now on (as written, and as they look inside a URL)."""
        forms = set(self._secrets)
        for secret in secrets:
            value = (secret or "").strip()
            if len(value) >= MIN_SECRET_LENGTH:
                forms.update({value, quote(value, safe=""), quote(value)})
        with self._lock:
            self._secrets = tuple(sorted(forms, key=len, reverse=True))

    def remember_environment(self, environ: Mapping[str, str]) -> None:
        """Hide the values of secret-named variables and the passwords of URL-valued ones."""
        self.remember(
            *(value for name, value in environ.items() if is_secret_name(name)),
            *(url_password(value) for value in environ.values()),
        )

    def text(self, text: str) -> str:
        """The text with every secret replaced by `***`."""
        if not text:
            return text
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if "@" in text:
            if "://" in text:
                text = _URL_USERINFO.sub(rf"\g<scheme>{MASK}@", text)
            text = _BARE_USERINFO.sub(rf"\g<user>:{MASK}@\g<host>", text)
        if "thor" in text.lower():  # letters without Unicode case look-alikes (i has one)
            text = _AUTHORIZATION.sub(lambda m: f"{m['name']}{m['scheme'] or ''}{MASK}", text)
        if any(marker in text for marker in _TOKEN_MARKERS):
            text = _TOKEN_SHAPES.sub(MASK, text)
        return text

    def value(self, value: Any) -> Any:
        """A JSON-like value (dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value


# Control characters other than a line break or a tab: from an answer of GitHub or an index
# quoted in a message, an escape sequence would act on the terminal (retitle it, erase lines,
# move the cursor over what was printed) instead of being read.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with its control characters shown (`\\x1b`) rather than acted on by a terminal;
    a carriage return is a line break."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


REDACTOR = Redactor()
"""The process's redactor: every secret the release learns is remembered here."""


def redact(text: str) -> str:
    """`text` with every known secret and credential-shaped string hidden."""
    return REDACTOR.text(text)


def remember_secret(*secrets: str | None) -> None:
    """Hide these values in everything printed from now on."""
    REDACTOR.remember(*secrets)


def redact_with(text: str, *secrets: str | None) -> str:
    """`text` through the one redaction, these secrets remembered by it first."""
    remember_secret(*secrets)
    return redact(text)
