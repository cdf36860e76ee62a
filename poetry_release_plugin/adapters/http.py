"""HTTP with explicit timeouts and bounded retries for the GitHub adapter (the index goes through
Poetry: see `index.py`).

Retries connection errors, 5xx answers and rate limits (429, or 403 with
`x-ratelimit-remaining: 0`), honouring `Retry-After` and `x-ratelimit-reset`, and never for
longer than the policy's total budget. Errors name the URL without credentials and never carry
request headers, so a token cannot leak through them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from poetry_release_plugin.errors import HttpUnavailable

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts, backoff between them, and a bound on the whole."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 10.0
    total_seconds: float = 90.0
    timeout_seconds: float = 15.0
    connect_timeout_seconds: float = 5.0
    # False for a request that a timeout or a 5xx may have carried out anyway (creating a
    # release): those are not retried here; rate limits, refused before acting, still are.
    retry_failures: bool = True


def redact_url(url: str | httpx.URL) -> str:
    """The URL without user or password, for messages."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def is_rate_limited(response: httpx.Response) -> bool:
    """GitHub's primary and secondary limits: 429, or 403 with no requests left or Retry-After."""
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    headers = response.headers
    return headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers


def retry_delay(response: httpx.Response, now: float) -> float | None:
    """Seconds the server asks us to wait: Retry-After, or for a rate limit the time until
    x-ratelimit-reset. GitHub sends x-ratelimit-reset on every answer, 5xx included: on
    anything but a rate limit it says nothing about when to try again."""
    retry_after = response.headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
        except (TypeError, ValueError):
            return None
    reset = response.headers.get("x-ratelimit-reset")
    if is_rate_limited(response) and reset and reset.strip().isdigit():
        return max(0.0, float(reset) - now)
    return None


def _should_retry(response: httpx.Response) -> bool:
    return response.status_code >= 500 or is_rate_limited(response)


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    policy: RetryPolicy,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    content: bytes | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall_clock: Callable[[], float] = time.time,
) -> httpx.Response:
    """Send a request, retrying what may pass; the final answer, or HttpUnavailable."""
    deadline = clock() + policy.total_seconds
    delay = policy.first_delay
    reason = "no attempt made"
    response: httpx.Response | None = None
    for attempt in range(1, policy.attempts + 1):
        try:
            response = _answer_by(
                client,
                client.build_request(
                    method,
                    url,
                    headers=headers,
                    json=json,
                    content=content,
                    timeout=httpx.Timeout(
                        policy.timeout_seconds, connect=policy.connect_timeout_seconds
                    ),
                ),
                min(deadline, clock() + policy.timeout_seconds * 2),
                clock,
            )
        except (httpx.TooManyRedirects, httpx.DecodingError) as error:
            raise HttpUnavailable(redact_url(url), _describe_transport_error(error)) from None
        except httpx.TransportError as error:
            if not policy.retry_failures:
                raise HttpUnavailable(redact_url(url), _describe_transport_error(error)) from None
            response = None
            reason = _describe_transport_error(error)
            wait = delay
        else:
            if not _should_retry(response):
                return response
            reason = f"HTTP {response.status_code}"
            if not policy.retry_failures and not is_rate_limited(response):
                raise HttpUnavailable(redact_url(url), reason, response)
            asked = retry_delay(response, wall_clock())
            wait = delay if asked is None else asked
        if attempt == policy.attempts or clock() + wait > deadline:
            if response is not None and is_rate_limited(response) and wait > 0:
                reason += f", rate limited for another {wait:.0f} s"
            break
        sleep(wait)
        delay = min(delay * 2, policy.max_delay)
    raise HttpUnavailable(redact_url(url), reason, response)


def _answer_by(
    client: httpx.Client, request: httpx.Request, deadline: float, clock: Callable[[], float]
) -> httpx.Response:
    """The whole answer, read before `deadline`: a server that trickles its answer a byte at
    a time (each read within the read timeout) is cut off all the same."""
    response = client.send(request, stream=True)
    if response.is_stream_consumed:  # an in-memory answer (a mock transport): nothing to wait for
        response.read()
        return response
    try:
        chunks = []
        for chunk in response.iter_raw():
            chunks.append(chunk)
            if clock() > deadline:
                raise httpx.ReadTimeout("the answer did not arrive in time", request=request)
        body = b"".join(chunks)
    finally:
        response.close()
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=body,
        request=request,
        extensions=response.extensions,
    )


def _describe_transport_error(error: httpx.RequestError) -> str:
    kinds = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "no answer in time",
        httpx.ConnectError: "connection failed",
        httpx.RemoteProtocolError: "broken answer",
        httpx.TooManyRedirects: "too many redirects",
        httpx.DecodingError: "an answer that cannot be decoded",
    }
    for kind, text in kinds.items():
        if isinstance(error, kind):
            detail = str(error).splitlines()[0] if str(error) else ""
            return f"{text}: {detail}" if detail and kind is httpx.ConnectError else text
    return type(error).__name__
