"""What a client cannot get out of the server: its details, a 500 for its own
mistake, or a connection held open by a body that never comes."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_harness import API, LOOPBACK, LiveServer, running_server

from procreg_tui.registry import Registry
from procreg_tui.server import UserStore

EXECUTABLE = {"exec": "/path/to/executable"}
HUGE = "9" * 5000
"""More digits than Python turns into a number by default (4300)."""
SHOWN = "9" * 40 + "\u2026"
"""How a message repeats ``HUGE``: cut after 40 characters."""


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The messages of the server's own logger, from INFO up."""
    caplog.set_level(logging.INFO, logger="procreg.server")
    return caplog


def _messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "procreg.server"
    ]


def test_a_registry_failure_names_no_path_to_the_client(
    server: LiveServer, server_log: pytest.LogCaptureFixture
) -> None:
    """A registry file that became a directory answers one fixed sentence; the
    path and the reason go to the server's log only."""
    assert server.request("POST", API, {"definition": EXECUTABLE}).status == 201
    path = server.registry_path
    os.replace(path, path.with_name("kept.json"))
    path.mkdir()

    listed = server.request("GET", API)
    created = server.request("POST", API, {"definition": EXECUTABLE})

    expected = {"error": "the server cannot use its registry file; see its log"}
    assert (listed.status, listed.body) == (500, expected)
    assert (created.status, created.body) == (500, expected)
    assert str(path) not in repr(listed.body)
    assert (
        _messages(server_log)
        == [("ERROR", f"the registry {path} is not a regular file")] * 2
    )


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "limit=99999999999999999999999",
            "limit must be at most 9223372036854775807, not '99999999999999999999999'",
        ),
        (
            "offset=18446744073709551616",
            "offset must be at most 9223372036854775807, not '18446744073709551616'",
        ),
        (
            f"offset={HUGE}",
            f"offset must be at most 9223372036854775807, not '{SHOWN}'",
        ),
        (
            f"limit=x{HUGE}",
            f"limit must be a whole number of 0 or more, not 'x{SHOWN[:-2]}\u2026'",
        ),
    ],
)
def test_paging_numbers_beyond_64_bits_are_the_clients_mistake(
    server: LiveServer, query: str, error: str
) -> None:
    """A limit or offset too large for 64 bits gets 400 saying the largest, and
    repeats at most 40 characters of what was sent."""
    reply = server.request("GET", f"{API}?{query}")

    assert (reply.status, reply.body) == (400, {"error": error})


def test_the_largest_paging_numbers_are_served(server: LiveServer) -> None:
    """2**63 - 1 is still a limit and an offset: an empty page, echoed in meta."""
    assert server.request("POST", API, {"definition": EXECUTABLE}).status == 201

    reply = server.request(
        "GET", f"{API}?limit=9223372036854775807&offset=9223372036854775807"
    )

    assert reply.status == 200
    assert reply.body["objects"] == []
    assert (reply.body["meta"]["limit"], reply.body["meta"]["offset"]) == (
        9223372036854775807,
        9223372036854775807,
    )


def test_ids_no_definition_can_have_answer_404(deleting_server: LiveServer) -> None:
    """Ids beyond 64 bits, even of 5000 digits, in the path or in ?id= of a
    purge, answer 404 as an unknown id does; the trash list's paging 400."""
    server = deleting_server
    answers = {
        "detail": server.request("GET", f"{API}{HUGE}/"),
        "put": server.request("PUT", f"{API}{HUGE}/", {"definition": EXECUTABLE}),
        "restore": server.request("POST", f"{API}{HUGE}/restore/"),
        "trashed": server.request("GET", f"{API}trash/{HUGE}/"),
        "just beyond": server.request("GET", f"{API}9223372036854775808/"),
        "largest": server.request("GET", f"{API}9223372036854775807/"),
        "purge": server.request("DELETE", f"{API}trash/?id={HUGE}"),
        "trash page": server.request("GET", f"{API}trash/?limit={HUGE}"),
    }

    assert {name: (a.status, a.body) for name, a in answers.items()} == {
        "detail": (404, {"error": f"no definition {SHOWN}"}),
        "put": (404, {"error": f"no definition {SHOWN}"}),
        "restore": (404, {"error": f"no definition {SHOWN}"}),
        "trashed": (404, {"error": f"no definition {SHOWN}"}),
        "just beyond": (404, {"error": "no definition 9223372036854775808"}),
        "largest": (404, {"error": "no definition 9223372036854775807"}),
        "purge": (404, {"error": f"no definition {SHOWN} in the trash"}),
        "trash page": (
            400,
            {"error": f"limit must be at most 9223372036854775807, not '{SHOWN}'"},
        ),
    }


def test_if_match_beyond_64_bits_is_no_revision(server: LiveServer) -> None:
    """An If-Match of 5000 digits is refused with 400 like any tag that is not a
    revision; the definition is unchanged."""
    created = server.request("POST", API, {"definition": EXECUTABLE})
    address = f"{API}{created.body['id']}/"

    reply = server.request(
        "PUT",
        address,
        {"definition": {"exec": "/x"}},
        headers={"If-Match": f'"{HUGE}"'},
    )

    assert (reply.status, reply.body) == (
        400,
        {
            "error": "If-Match takes the ETag of a definition (its revision, such "
            f'as "3"), not \'"{SHOWN[1:]}\''
        },
    )
    assert server.request("GET", address).body["definition"] == EXECUTABLE


def test_a_body_over_the_limit_is_told_with_the_limit(server: LiveServer) -> None:
    """413 says the server's limit, in words and as a number for programs."""
    reply = server.request("POST", API, {"definition": {"exec": "x" * 5000}})

    assert (reply.status, reply.body) == (
        413,
        {
            "error": "the body is larger than this server's limit of 4096 bytes; "
            "send less at once",
            "limit": 4096,
        },
    )


@pytest.fixture
def impatient(registry_path: Path, users: UserStore) -> Iterator[LiveServer]:
    """A server that waits half a second for a request body."""
    with running_server(registry_path, users, body_seconds=0.5) as live:
        yield live


def _send_and_wait(port: int, data: bytes, seconds: float = 20) -> tuple[bytes, bool]:
    """Send ``data``, then read until the server closes; return what came and
    whether it closed within ``seconds``."""
    received = b""
    with socket.create_connection((LOOPBACK, port), timeout=seconds) as client:
        client.sendall(data)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = client.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                return received, True
            received += chunk
    return received, False


def _request_head(*lines: str) -> bytes:
    token = "YWxpY2U6YWxpY2Utc2VjcmV0"  # alice:alice-secret
    head = [
        f"POST {API} HTTP/1.1",
        "Host: x",
        f"Authorization: Basic {token}",
        "Content-Type: application/json",
        *lines,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode()


@pytest.mark.parametrize(
    "stalled",
    [
        _request_head("Content-Length: 100") + b'{"defin',
        _request_head("Transfer-Encoding: chunked") + b'3\r\n{"d\r\n',
    ],
    ids=["content-length", "chunked"],
)
def test_a_body_that_stops_gets_408_and_the_connection_is_closed(
    impatient: LiveServer, server_log: pytest.LogCaptureFixture, stalled: bytes
) -> None:
    """A body that stops coming is answered 408 when its time is up, and the
    connection is closed instead of being held open."""
    started = time.monotonic()
    received, closed = _send_and_wait(impatient.port, stalled)
    took = time.monotonic() - started

    head, _, body = received.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 408 Request Timeout"
    assert b"connection: close" in head.lower().split(b"\r\n")
    assert body == b'{"error":"the body did not arrive within 0.5 s"}'
    assert closed
    assert took < 10
    came = 7 if b"Content-Length" in stalled else 3
    assert _messages(server_log) == [
        (
            "INFO",
            f"POST {API}: the body did not arrive within 0.5 s ({came} bytes came); "
            "the connection is closed",
        )
    ]
    assert Registry.open(impatient.registry_path).records() == []


def test_a_client_leaving_mid_body_is_no_server_failure(
    server: LiveServer, server_log: pytest.LogCaptureFixture
) -> None:
    """A client that hangs up halfway through its body is logged in one line at
    INFO, not as an internal error."""
    with socket.create_connection((LOOPBACK, server.port), timeout=20) as client:
        client.sendall(_request_head("Content-Length: 100") + b'{"defin')
        time.sleep(0.2)
    deadline = time.monotonic() + 20
    while not _messages(server_log) and time.monotonic() < deadline:
        time.sleep(0.02)

    assert _messages(server_log) == [
        ("INFO", f"POST {API}: the client went away before the end of the body")
    ]
