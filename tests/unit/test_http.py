"""Retries, rate limits and bounds of the shared HTTP adapter (httpx's own mock transport)."""

from __future__ import annotations

import httpx
import pytest

from poetry_release_plugin.adapters.http import RetryPolicy, redact_url, send
from poetry_release_plugin.errors import HttpUnavailable

URL = "https://api.example.invalid/repos/o/r/releases"
POLICY = RetryPolicy(attempts=4, first_delay=1.0, max_delay=10.0, total_seconds=60.0)


def scripted(*answers: httpx.Response | Exception) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose server gives these answers in turn, and the requests it saw."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_server_errors_are_retried_with_growing_backoff() -> None:
    client, seen = scripted(httpx.Response(502), httpx.Response(503), httpx.Response(201))
    time = FakeTime()
    response = send(client, "POST", URL, policy=POLICY, sleep=time.sleep, clock=lambda: time.now)
    assert response.status_code == 201
    assert len(seen) == 3
    assert time.slept == [1.0, 2.0]


def test_primary_rate_limit_waits_until_the_reset() -> None:
    time = FakeTime()
    limited = httpx.Response(
        403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.now) + 7)}
    )
    client, _ = scripted(limited, httpx.Response(200))
    response = send(
        client,
        "GET",
        URL,
        policy=POLICY,
        sleep=time.sleep,
        clock=lambda: time.now,
        wall_clock=lambda: time.now,
    )
    assert response.status_code == 200
    assert time.slept == [7.0]


def test_secondary_rate_limit_honours_retry_after() -> None:
    client, _ = scripted(httpx.Response(429, headers={"retry-after": "3"}), httpx.Response(200))
    time = FakeTime()
    send(client, "GET", URL, policy=POLICY, sleep=time.sleep, clock=lambda: time.now)
    assert time.slept == [3.0]


def test_a_plain_403_is_a_permission_problem_and_not_retried() -> None:
    client, seen = scripted(httpx.Response(403, json={"message": "Resource not accessible"}))
    response = send(client, "GET", URL, policy=POLICY, sleep=FakeTime().sleep)
    assert response.status_code == 403
    assert len(seen) == 1


def test_a_wait_beyond_the_budget_fails_at_once_saying_rate_limited() -> None:
    client, seen = scripted(httpx.Response(429, headers={"retry-after": "3600"}))
    time = FakeTime()
    with pytest.raises(HttpUnavailable, match="rate limited for another 3600 s"):
        send(client, "GET", URL, policy=POLICY, sleep=time.sleep, clock=lambda: time.now)
    assert time.slept == []
    assert len(seen) == 1


def test_connection_errors_give_up_after_the_attempts_without_credentials() -> None:
    error = httpx.ConnectError("[Errno 111] Connection refused")
    client, seen = scripted(error, error, error, error)
    time = FakeTime()
    with pytest.raises(HttpUnavailable) as raised:
        send(
            client,
            "GET",
            "https://user:s3cret@index.example.invalid/simple/x/",
            policy=POLICY,
            sleep=time.sleep,
            clock=lambda: time.now,
        )
    assert len(seen) == 4
    assert "s3cret" not in str(raised.value)
    assert "connection failed" in str(raised.value)
    assert sum(time.slept) <= POLICY.total_seconds


def test_redact_url_drops_user_and_password() -> None:
    assert redact_url("https://u:p@h:8080/simple/?q=1") == "https://h:8080/simple/?q=1"


def test_a_server_error_is_retried_though_it_carries_githubs_rate_limit_headers() -> None:
    # GitHub sends x-ratelimit-reset on every answer, 5xx included: it is no reason to wait.
    time = FakeTime()
    headers = {"x-ratelimit-remaining": "4999", "x-ratelimit-reset": str(int(time.now) + 3600)}
    client, seen = scripted(httpx.Response(502, headers=headers), httpx.Response(201))

    response = send(client, "POST", URL, policy=POLICY, sleep=time.sleep, clock=lambda: time.now)

    assert response.status_code == 201
    assert len(seen) == 2
    assert time.slept == [1.0]


def test_an_answer_trickled_a_byte_at_a_time_is_cut_off() -> None:
    import socket
    import threading

    stop = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def trickle() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n")
                for _ in range(400):  # 80 s if nobody hangs up: far beyond the deadline
                    if stop.wait(0.2):
                        return
                    try:
                        connection.sendall(b"x")
                    except OSError:
                        break

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    policy = RetryPolicy(attempts=1, total_seconds=3.0, timeout_seconds=1.0)
    try:
        with httpx.Client() as client, pytest.raises(HttpUnavailable, match="no answer in time"):
            send(client, "GET", f"http://127.0.0.1:{server.getsockname()[1]}/", policy=policy)
    finally:
        stop.set()
        server.close()
        thread.join(timeout=5)


def test_a_release_created_despite_a_timeout_is_found_not_created_twice() -> None:
    from poetry_release_plugin.adapters.github import GitHub, Token
    from poetry_release_plugin.core.github_address import GitHubAddress

    created: list[dict[str, object]] = []
    release = {
        "id": 1,
        "tag_name": "v1.1.0",
        "name": "Release v1.1.0",
        "draft": True,
        "prerelease": False,
        "html_url": "https://github.com/acme/widget-kit/releases/tag/untagged-1",
        "body": "notes",
    }

    def github(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            created.append(release)  # GitHub made it, but the answer never arrived
            raise httpx.ReadTimeout("no answer", request=request)
        if request.url.path.endswith("/releases/tags/v1.1.0"):
            return httpx.Response(404, json={"message": "Not Found"})  # drafts are hidden here
        return httpx.Response(200, json=created)

    address = GitHubAddress("acme", "widget-kit", "https://github.com", "https://api.github.com")
    client = GitHub(
        address,
        Token("ghp_0123456789abcdef0123456789abcdef0123", "GITHUB_TOKEN"),
        policy=RetryPolicy(attempts=3, first_delay=0.0, max_delay=0.0),
        transport=httpx.MockTransport(github),
    )

    found = client.create_release(
        tag="v1.1.0",
        commit="c" * 40,
        title="Release v1.1.0",
        body="notes",
        prerelease=False,
        draft=True,
        latest=False,
    )

    assert found.id == 1
    assert len(created) == 1


def test_a_request_that_may_have_acted_waits_out_a_rate_limit_but_not_a_5xx() -> None:
    policy = RetryPolicy(attempts=4, total_seconds=60.0, retry_failures=False)
    time = FakeTime()
    limited = httpx.Response(
        403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.now) + 7)}
    )
    client, seen = scripted(limited, httpx.Response(201))
    response = send(
        client,
        "POST",
        URL,
        policy=policy,
        sleep=time.sleep,
        clock=lambda: time.now,
        wall_clock=lambda: time.now,
    )
    assert response.status_code == 201
    assert time.slept == [7.0]

    client, seen = scripted(httpx.Response(502), httpx.Response(201))
    with pytest.raises(HttpUnavailable, match="HTTP 502"):
        send(client, "POST", URL, policy=policy, sleep=time.sleep, clock=lambda: time.now)
    assert len(seen) == 1  # the caller looks before it asks again


@pytest.mark.parametrize(
    "answer", ["a string", ["a", "list"], {"id": "not a number", "tag_name": "v1"}, {"tag_name": 1}]
)
def test_an_answer_that_is_no_release_is_one_clear_github_error(answer: object) -> None:
    from poetry_release_plugin.adapters.github import GitHubRelease
    from poetry_release_plugin.errors import GitHubError

    with pytest.raises(GitHubError, match="GitHub answered something that is not a release"):
        GitHubRelease.from_json(answer)
