"""RemoteRegistry: the registry interface over HTTP, and its errors in plain words."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import ClassVar

import pytest
from server_harness import LOOPBACK, PASSWORDS, LiveServer, running_server

from procreg_tui.registry import (
    Conflict,
    Record,
    RecordNotFound,
    Registry,
    RegistryError,
)
from procreg_tui.remote import Address, RemoteError, RemoteRegistry
from procreg_tui.server import UserStore
from procreg_tui.server._throttle import LoginThrottle

TR = {"exec": "/usr/bin/tr", "argv": ["-d", "x"]}


def _alice(server: LiveServer, *, read_only: bool = False) -> RemoteRegistry:
    return RemoteRegistry.connect(
        server.url, "alice", PASSWORDS["alice"], read_only=read_only
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", ("http", "127.0.0.1", 8000, "")),
        (
            "http://127.0.0.1:8000/api/process_definition/",
            ("http", "127.0.0.1", 8000, ""),
        ),
        ("http://localhost/api/", ("http", "localhost", 80, "")),
        ("https://host.example/registry/", ("https", "host.example", 443, "/registry")),
        ("http://[::1]:9000/", ("http", "::1", 9000, "")),
    ],
)
def test_addresses_are_read_with_or_without_the_api_path(
    url: str, expected: tuple[str, str, int, str]
) -> None:
    """A base URL, the list URL, or a URL behind a proxy prefix all name the server."""
    address = Address.parse(url)
    assert (address.scheme, address.host, address.port, address.prefix) == expected


def test_addresses_that_are_not_http_are_refused() -> None:
    """A path or another scheme is not a registry address."""
    with pytest.raises(RemoteError, match="is not the address of a registry"):
        Address.parse("ftp://host/")
    with pytest.raises(RemoteError, match="is not the address of a registry"):
        Address.parse("/srv/registry.json")


@pytest.mark.parametrize("url", ["http://[::1", "http://[abc]:8000/"])
def test_addresses_with_a_broken_bracketed_host_are_refused(url: str) -> None:
    """An unclosed or non-IP [...] host is no address, not a crash."""
    with pytest.raises(RemoteError) as refused:
        Address.parse(url)
    assert str(refused.value) == (
        f"{url!r} is not the address of a registry; give one such as "
        "http://127.0.0.1:8000"
    )


def test_it_is_a_registry_for_the_app_and_the_commands(server: LiveServer) -> None:
    """RemoteRegistry passes wherever a Registry is taken."""
    remote = _alice(server)
    assert isinstance(remote, Registry)
    assert str(remote.path) == f"127.0.0.1:{server.port}/api/process_definition"


def test_create_update_get_and_records(server: LiveServer) -> None:
    """Changes made through the interface land in the served file as alice's."""
    remote = _alice(server)

    created = remote.create(TR)
    many = remote.create_many([{"exec": "/bin/a"}, {"exec": "/bin/b"}])
    updated = remote.update(created.id, {"exec": "/bin/c"}, base_revision=1)

    assert (created.id, [r.id for r in many], updated.revision) == (1, [2, 3], 2)
    assert remote.get(1).definition == {"exec": "/bin/c"}
    assert [(r.id, r.owner) for r in remote.records()] == [
        (1, "alice"),
        (2, "alice"),
        (3, "alice"),
    ]
    local = Registry.open(server.registry_path)
    assert [r.definition for r in local.records()] == [
        {"exec": "/bin/c"},
        {"exec": "/bin/a"},
        {"exec": "/bin/b"},
    ]


def test_a_stale_update_is_a_conflict_with_the_current_version(
    server: LiveServer,
) -> None:
    """An update from an old revision raises Conflict carrying the server's record."""
    remote = _alice(server)
    record = remote.create(TR)
    remote.update(record.id, {"exec": "/bin/newer"}, base_revision=1)

    with pytest.raises(Conflict) as caught:
        remote.update(record.id, {"exec": "/bin/older"}, base_revision=1)

    assert caught.value.current.revision == 2
    assert caught.value.current.definition == {"exec": "/bin/newer"}
    assert caught.value.attempted == {"exec": "/bin/older"}


def test_unknown_ids_are_not_found(server: LiveServer) -> None:
    """get and update of an id the user does not own raise RecordNotFound."""
    remote = _alice(server)
    with pytest.raises(RecordNotFound):
        remote.get(41)
    with pytest.raises(RecordNotFound):
        remote.update(41, TR, base_revision=1)


def test_invalid_definitions_are_refused_with_their_problems(
    server: LiveServer,
) -> None:
    """The server's 400 becomes a RemoteError listing each error's path."""
    remote = _alice(server)

    with pytest.raises(RemoteError) as caught:
        remote.create({"argv": "x"})

    assert str(caught.value) == (
        f"the registry at {server.url} answered 400: the definition has 2 errors; "
        "nothing was stored\n"
        "  $.definition: `exec` is required\n"
        '  $.definition.argv: `argv` must be an array, not a string ("x")'
    )
    assert (caught.value.status, caught.value.retryable) == (400, False)


def test_read_only_refuses_changes_without_asking(server: LiveServer) -> None:
    """--read-only refuses changes before anything is sent."""
    remote = _alice(server, read_only=True)

    with pytest.raises(RemoteError, match="was opened with --read-only") as caught:
        remote.create(TR)
    assert (caught.value.unreachable, caught.value.retryable) == (False, False)
    assert Registry.open(server.registry_path).records() == []


def test_a_refused_connection_is_said_plainly() -> None:
    """Nothing listening: the message names the address and suggests the server."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    remote = RemoteRegistry.connect(f"http://{LOOPBACK}:{port}", "alice", "x")

    with pytest.raises(RemoteError) as caught:
        remote.records()

    assert str(caught.value) == (
        f"cannot reach the registry at http://{LOOPBACK}:{port}: the connection was "
        "refused (is 'procreg serve' running there?)"
    )
    assert caught.value.status is None
    assert (caught.value.unreachable, caught.value.retryable) == (True, True)


def test_a_silent_server_times_out_plainly() -> None:
    """A server that accepts but never answers gives a timeout message."""
    with socket.socket() as silent:
        silent.bind((LOOPBACK, 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        remote = RemoteRegistry.connect(
            f"http://{LOOPBACK}:{port}", "alice", "x", timeout=0.3
        )

        with pytest.raises(RemoteError) as caught:
            remote.records()

    assert str(caught.value) == (
        f"cannot reach the registry at http://{LOOPBACK}:{port}: no answer within 0.3 s"
    )
    assert (caught.value.unreachable, caught.value.retryable) == (True, True)


def test_a_failing_server_is_reported_as_its_failure(server: LiveServer) -> None:
    """A 500 carries the server's words, which point to its log."""
    remote = _alice(server)
    remote.create(TR)
    Path(server.registry_path).write_text("{ broken", encoding="utf-8")

    with pytest.raises(RegistryError) as caught:
        remote.records()

    assert str(caught.value) == (
        f"the registry at {server.url} answered 500: the server cannot read its "
        "registry file; see its log"
    )
    assert isinstance(caught.value, RemoteError)
    assert (caught.value.status, caught.value.retryable) == (500, False)


def test_wrong_passwords_are_401_then_429_to_try_later(
    registry_path: Path, users: UserStore
) -> None:
    """Ten wrong passwords are RemoteErrors of 401, not worth retrying; the
    eleventh is a 429 that is, with the server's wait in its message."""
    throttle = LoginThrottle(clock=lambda: 0.0)
    with running_server(registry_path, users, throttle=throttle) as server:
        remote = RemoteRegistry.connect(server.url, "alice", "wrong")
        refusals = []
        for _ in range(11):
            with pytest.raises(RemoteError) as caught:
                remote.records()
            refusals.append((caught.value.status, caught.value.retryable))

    assert refusals == [(401, False)] * 10 + [(429, True)]
    assert str(caught.value) == (
        f"the registry at {server.url} answered 429: too many wrong passwords from "
        "this address or for this user; try again in 6 s"
    )


def test_changes_by_others_are_noticed_without_waiting(server: LiveServer) -> None:
    """changed_on_disk turns true after another client changes the user's list."""
    remote = RemoteRegistry.connect(
        server.url, "alice", PASSWORDS["alice"], poll_seconds=0.05
    )
    remote.records()
    assert remote.changed_on_disk() is False

    _alice(server).create(TR)
    deadline = time.monotonic() + 20
    while not remote.changed_on_disk() and time.monotonic() < deadline:
        time.sleep(0.02)

    assert remote.changed_on_disk() is True
    remote.records()
    assert remote.changed_on_disk() is False
    remote.close()


def test_its_own_changes_are_not_taken_for_changes_by_others(
    server: LiveServer,
) -> None:
    """What this client stores, updates or restores leaves changed_on_disk
    false; a change by another client still turns it true."""
    remote = RemoteRegistry.connect(
        server.url, "alice", PASSWORDS["alice"], poll_seconds=0.05
    )
    remote.records()
    assert remote.changed_on_disk() is False

    record = remote.create(TR)
    remote.update(record.id, {**TR, "argv": ["-d", "y"]}, base_revision=1)
    remote.create_many([TR, TR])
    time.sleep(1)
    assert remote.changed_on_disk() is False

    _alice(server).create(TR)
    deadline = time.monotonic() + 20
    while not remote.changed_on_disk() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert remote.changed_on_disk() is True
    remote.close()


def test_trash_get_restore_and_purge_over_http(deleting_server: LiveServer) -> None:
    """delete, then trash, get, records(include_deleted=True), restore and purge
    answer as on a file, for alice's definitions only."""
    server = deleting_server
    remote = _alice(server)
    for number in range(3):
        remote.create({"exec": f"/bin/tool{number}"})
    RemoteRegistry.connect(server.url, "bob", PASSWORDS["bob"]).create(TR)
    with Registry.open(server.registry_path) as registry:
        registry.delete(4, user="bob")
    remote.delete(1)
    remote.delete(2)

    assert [(r.id, r.deleted is not None) for r in remote.trash()] == [
        (1, True),
        (2, True),
    ]
    assert remote.get(2).deleted == Registry.open(server.registry_path).get(2).deleted
    assert [r.id for r in remote.records(include_deleted=True)] == [1, 2, 3]
    with pytest.raises(RecordNotFound):
        remote.get(4)

    restored = remote.restore(1)
    assert (restored.id, restored.deleted, restored.revision) == (1, None, 3)
    assert [r.id for r in remote.records()] == [1, 3]

    assert remote.purge() == 1
    assert remote.trash() == []
    assert [r.id for r in Registry.open(server.registry_path).trash()] == [4]


def test_restore_and_purge_refusals(
    server: LiveServer, deleting_server: LiveServer
) -> None:
    """Restoring a live id is RecordNotFound, a stale base is a Conflict, a purge
    of an id not in the trash removes nothing, and a server without
    --allow-delete refuses purges (both servers serve one file)."""
    with Registry.open(server.registry_path) as registry:
        registry.create(TR, owner="alice")
        registry.create(TR, owner="alice")
        registry.delete(2, user="alice")
    remote = _alice(deleting_server)

    with pytest.raises(RecordNotFound) as missing:
        remote.restore(1)
    assert str(missing.value) == (
        f"no definition 1 in the trash of alice at {deleting_server.url}"
    )
    with pytest.raises(Conflict) as stale:
        remote.restore(2, base_revision=1)
    assert stale.value.current.revision == 2
    with pytest.raises(RecordNotFound) as not_trashed:
        remote.purge([2, 1])
    assert not_trashed.value.id == 1
    assert [r.id for r in remote.trash()] == [2]

    with pytest.raises(RemoteError) as refused:
        _alice(server).purge()
    assert (refused.value.status, refused.value.retryable) == (405, False)
    assert [r.id for r in Registry.open(server.registry_path).trash()] == [2]


Answering = Callable[[socket.socket], None]
"""What a fake server does with a connection once the request came."""


@contextmanager
def _fake_server(answering: Answering) -> Iterator[str]:
    """Run a server on loopback that treats each request with ``answering``;
    yield its URL."""
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(8)
    listener.settimeout(0.05)
    done = threading.Event()

    def treat(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            with suppress(OSError):
                connection.recv(65536)
                answering(connection)

    def accept() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=treat, args=(connection,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://{LOOPBACK}:{listener.getsockname()[1]}"
    finally:
        done.set()
        acceptor.join(timeout=5)
        listener.close()


def _canned(answer: bytes) -> Answering:
    return lambda connection: connection.sendall(answer)


def _trickle(connection: socket.socket) -> None:
    """Send a whole answer, one byte every 50 ms (7 s in all)."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b" " * 100
    for byte in answer:
        connection.sendall(bytes([byte]))
        time.sleep(0.05)


def test_a_trickling_server_is_given_up_on_at_the_deadline() -> None:
    """A server sending a byte now and then, each sooner than the timeout, is
    given up on when the request's whole time is over."""
    with _fake_server(_trickle) as url:
        remote = RemoteRegistry.connect(url, "alice", "x", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(RemoteError) as caught:
            remote.records()
        took = time.monotonic() - started

    assert (
        str(caught.value)
        == f"cannot reach the registry at {url}: no answer within 0.5 s"
    )
    assert (caught.value.unreachable, caught.value.retryable) == (True, True)
    assert took < 3


def test_closing_stops_a_request_on_its_way() -> None:
    """close() from another thread ends a request waiting on a silent server at
    once, instead of when its time is over, so that quitting never waits."""
    with _fake_server(lambda connection: time.sleep(30)) as url:
        remote = RemoteRegistry.connect(url, "alice", "x", timeout=60)
        failures: list[BaseException] = []

        def read() -> None:
            try:
                remote.records()
            except RemoteError as error:
                failures.append(error)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        time.sleep(0.3)
        started = time.monotonic()
        remote.close()
        reader.join(timeout=10)
        took = time.monotonic() - started

    assert not reader.is_alive()
    assert took < 2
    assert [str(error) for error in failures] == [
        f"cannot reach the registry at {url}: the request was stopped, as the "
        "registry was closed"
    ]


class _PollHangsHandler(http.server.BaseHTTPRequestHandler):
    """A registry of one definition whose answer to a poll (a list asked with
    If-None-Match) never comes while ``held`` is unset."""

    protocol_version = "HTTP/1.1"
    polled = threading.Event()
    held = threading.Event()
    RECORD: ClassVar[dict[str, object]] = {"id": 1, "definition": TR, "revision": 1}

    def _answer(self, status: int, body: object, **headers: str) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match"):
            type(self).polled.set()
            type(self).held.wait(30)
            self._answer(200, {"objects": []}, ETag='"later"')
            return
        self._answer(200, {"objects": [self.RECORD]}, ETag='"first"')

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        sent = json.loads(self.rfile.read(length))
        self._answer(200, {**self.RECORD, **sent, "revision": 2})

    def log_message(self, format: str, *args: object) -> None:
        del format, args


def test_a_save_does_not_wait_for_a_poll_hanging_on_the_server() -> None:
    """The background question "did the list change?" has its own connection:
    a save sent while it hangs reaches the server at once."""
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), _PollHangsHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://{LOOPBACK}:{server.server_address[1]}"
    remote = RemoteRegistry.connect(url, "alice", "x", timeout=30, poll_seconds=0.01)
    saved: list[Record] = []
    try:
        [record] = remote.records()
        remote.changed_on_disk()
        assert _PollHangsHandler.polled.wait(10)

        def save() -> None:
            changed = {**record.definition, "argv": ["-d", "y"]}
            saved.append(remote.update(1, changed, base_revision=1))

        saver = threading.Thread(target=save, daemon=True)
        saver.start()
        saver.join(timeout=10)
        finished = not saver.is_alive()
    finally:
        _PollHangsHandler.held.set()
        remote.close()
        server.shutdown()
        server.server_close()

    assert finished
    assert [(r.id, r.revision, r.definition) for r in saved] == [
        (1, 2, {"exec": "/usr/bin/tr", "argv": ["-d", "y"]})
    ]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://registry.example/\r\n"
            b"Content-Type: text/html\r\nContent-Length: 18\r\n\r\n<html>Moved</html>",
            "answered 301, a redirect to https://registry.example/; procreg does not "
            "follow redirects: if the registry is there, give that address with "
            "--remote",
        ),
        (
            b"HTTP/1.1 308 Permanent Redirect\r\nLocation: /v2/api/process_definition/"
            b"\r\nContent-Length: 0\r\n\r\n",
            "answered 308, a redirect to {url}/v2/api/process_definition/; procreg "
            "does not follow redirects: if the registry is there, give that address "
            "with --remote",
        ),
        (
            b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n",
            "answered 302, a redirect that does not say where to; is that address a "
            "procreg registry?",
        ),
        (
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
            b"Content-Length: 30\r\n\r\n<h1>Internal Server Error</h1>",
            "answered 502 Bad Gateway from something in between (a proxy or "
            "gateway), not from procreg: the registry behind it is down or does not "
            "answer; try again later",
        ),
        (
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 19\r\n\r\nService Unavailable",
            "answered 503 Service Unavailable without procreg's JSON: it, or a proxy "
            "in front of it, is overloaded or down; try again later",
        ),
        (
            b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/html\r\n"
            b"Content-Length: 6\r\n\r\n<html>",
            "answered 413 Request Entity Too Large from something in between (a "
            "proxy): the request is larger than it lets through; send less at once",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n"
            b"<html>",
            "answered 200 with something that is not JSON; is that address a procreg "
            "registry?",
        ),
        (
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
            b'Content-Length: 24\r\n\r\n{"detail": "Not found."}',
            "answered 404 without saying why; is that address a procreg registry?",
        ),
        (
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json"
            b'\r\nContent-Length: 17\r\n\r\n{"error": "boom"}',
            "answered 500: boom (a failure on the server; its log says more)",
        ),
    ],
    ids=[
        "301",
        "308-relative",
        "302-nowhere",
        "502",
        "503",
        "413",
        "200-html",
        "404-json-without-error",
        "500-json",
    ],
)
def test_answers_not_from_procreg_are_named_for_what_they_are(
    answer: bytes, message: str
) -> None:
    """Redirects say where they point; a proxy's 502 or 413 says it comes from
    something in between."""
    with _fake_server(_canned(answer)) as url, pytest.raises(RemoteError) as caught:
        RemoteRegistry.connect(url, "alice", "x").records()

    status = int(answer.split(b" ")[1])
    assert str(caught.value) == f"the registry at {url} " + message.format(url=url)
    assert caught.value.status == status


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1:99999",
            "'http://127.0.0.1:99999' has port 99999; a port is 1 to 65535",
        ),
        (
            "http://127.0.0.1:0/",
            "'http://127.0.0.1:0/' has port 0; a port is 1 to 65535",
        ),
        (
            "http://127.0.0.1:x8/",
            "'http://127.0.0.1:x8/' has a port that is not a number",
        ),
        (
            "http://alice@127.0.0.1:8000",
            "the address gives a user name before the host, which procreg does not "
            "take from there (a command line is seen by other users): give --user "
            "alice, and the password in PROCREG_PASSWORD, ~/.netrc or at the prompt",
        ),
    ],
)
def test_addresses_with_a_wrong_port_or_a_user_are_refused(
    url: str, message: str
) -> None:
    """A port out of range is told as such; a user name in the address points
    to --user."""
    with pytest.raises(RemoteError) as caught:
        Address.parse(url)

    assert str(caught.value) == message
